// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P1's check (root): the library answers the same whichever way it reads
 * the mount table.  For the caller's own view and for the views of child
 * processes (a new mount namespace; chrooted in ours; chrooted in a new
 * one; after pivot_root in a new one), an overlay of layers on tmpfs mounts,
 * bind mounts of their subtrees and a layer covered by another mount is
 * resolved with the table forced to mountinfo and as the library picks
 * (listmount/statmount where it answers as mountinfo would); every
 * location must be the same: status, mount IDs, mount point, root, path.
 * The overlay is also read in each view both ways (by its path there and
 * by its unique mount ID: listmount/statmount fetch only the mounts the
 * read needs), and must give the same answer: error, or the same
 * descriptor, source and options.
 * Prints one line per view: "views,NAME,WAY,layers,same" or exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovllayers.h"

#include "way.h"

static char base[64];
static int verbose;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void mk(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (mkdir(p, 0755) && errno != EEXIST)
		die(p);
}

/* base/{a,b}: tmpfs; base/a/l1, base/a/l2, base/b/l3: layers; base/c: a
 * bind mount of base/a/l2's parent subtree (base/a/sub); base/b/l3 is
 * covered by a bind mount of base/a after the descriptors are read
 * (SHADOWED) */
static struct ovl_layers *desc[2];
static uint64_t ovl_unique;	/* the overlay's unique mount ID, in the
				   view read (check_reads()) */
static char ovl_path[256];	/* its path in our view */

/* Read the overlay in view pid with the table read way, by path (path
 * NULL: by unique ID); its encoding, source and options in out. */
static int read_way(pid_t pid, int way, const char *path, char *out,
		    size_t size)
{
	unsigned char buf[8192];
	struct ovl_layers *l;
	struct ovl_view *v;
	const char *o;
	ssize_t n;
	size_t k;
	int err = ovl_view_open(pid, 0, &v, NULL);

	if (err)
		return err;
	ovl_view_set_table_way(v, way);
	err = path ? ovl_layers_read(v, -1, path, 0, 0, &l, NULL) :
		     ovl_layers_read(v, -1, NULL, ovl_unique,
				     OVL_READ_MNT_ID_UNIQUE, &l, NULL);
	ovl_view_unref(v);
	if (err)
		return err;
	n = ovl_layers_encode(l, buf, sizeof(buf));
	o = ovl_layers_options(l);
	k = (size_t)snprintf(out, size, "%d %s|", ovl_layers_source(l),
			     o ? o : "");
	for (ssize_t i = 0; i < n && k + 3 < size; i++)
		k += (size_t)snprintf(out + k, size - k, "%02x", buf[i]);
	ovl_layers_free(l);
	return n < 0 ? (int)n : 0;
}

/* the reads in view pid, both ways, the same */
static void check_reads(const char *name, pid_t pid, const char *path)
{
	static char a[20000], b[20000];
	char proc[512];
	struct statx stx;

	/* a new namespace has a copy of the overlay's mount, its own ID */
	snprintf(proc, sizeof(proc), "/proc/%d/root%s", pid ? (int)pid :
		 (int)getpid(), path);
	if (statx(AT_FDCWD, proc, 0, 0x00004000U /* STATX_MNT_ID_UNIQUE */,
		  &stx))
		die("statx");
	ovl_unique = stx.stx_mnt_id;
	for (int by_id = 0; by_id < 2; by_id++) {
		const char *p = by_id ? NULL : path;
		int ea = read_way(pid, OVL_MOUNT_TABLE_MOUNTINFO, p, a, sizeof(a));
		int eb = read_way(pid, OVL_MOUNT_TABLE_AUTO, p, b, sizeof(b));

		if (ea != eb || (!ea && strcmp(a, b))) {
			fprintf(stderr, "views: %s: the read by %s differs:\n"
				"  mountinfo: %d %s\n  auto: %d %s\n", name,
				by_id ? "unique ID" : "path", ea, ea ? "" : a,
				eb, eb ? "" : b);
			exit(1);
		}
		if (verbose)
			printf("  %s: read by %s: %s\n", name,
			       by_id ? "unique ID" : "path",
			       ea ? strerror(-ea) : "the same");
	}
}

static void setup(void)
{
	char p[256], opts[1024];

	snprintf(base, sizeof(base), "/tmp/ovv.XXXXXX");
	if (!mkdtemp(base) || mount("tmpfs", base, "tmpfs", 0, NULL))
		die("base");
	mk("a"); mk("b"); mk("c"); mk("ovl"); mk("root");
	snprintf(p, sizeof(p), "%s/a", base);
	if (mount("tmpfs", p, "tmpfs", 0, NULL))
		die("a");
	snprintf(p, sizeof(p), "%s/b", base);
	if (mount("tmpfs", p, "tmpfs", 0, NULL))
		die("b");
	mk("a/l1"); mk("a/sub"); mk("a/sub/l2"); mk("b/l3"); mk("b/l3/x");
	snprintf(p, sizeof(p), "%s/a/sub", base);
	snprintf(opts, sizeof(opts), "%s/c", base);
	if (mount(p, opts, NULL, MS_BIND, NULL))
		die("bind");
	snprintf(opts, sizeof(opts), "lowerdir=%s/a/l1:%s/c/l2:%s/b/l3", base,
		 base, base);
	snprintf(p, sizeof(p), "%s/ovl", base);
	if (mount("overlay", p, "overlay", 0, opts))
		die("overlay");
	snprintf(ovl_path, sizeof(ovl_path), "%s", p);
	for (int i = 0; i < 2; i++)
		if (ovl_layers_read(NULL, -1, p, 0, 0, &desc[i], NULL))
			die("ovl_layers_read");
	snprintf(p, sizeof(p), "%s/b/l3", base);
	snprintf(opts, sizeof(opts), "%s/a", base);
	if (mount(opts, p, NULL, MS_BIND, NULL))
		die("cover");
}

static int same(const struct ovl_layer_location *x,
		const struct ovl_layer_location *y)
{
#define S(a, b) ((!(a) && !(b)) || ((a) && (b) && !strcmp(a, b)))
	return x->status == y->status && x->mnt_id == y->mnt_id &&
	       x->mnt_id_unique == y->mnt_id_unique &&
	       S(x->mount_point, y->mount_point) && S(x->root, y->root) &&
	       S(x->path, y->path);
#undef S
}

/* resolve in view pid both ways and compare */
static void check(const char *name, pid_t pid)
{
	struct ovl_layers *a = desc[0], *b = desc[1];
	unsigned int bad, n;
	int used;

	if (resolve_way(a, pid, OVL_MOUNT_TABLE_MOUNTINFO, &bad))
		die("resolve (mountinfo)");
	if (resolve_way(b, pid, OVL_MOUNT_TABLE_AUTO, &bad))
		die("resolve");
	used = b->table_way;
	n = ovl_layers_count(a);
	for (unsigned int i = 0; i < n; i++) {
		struct ovl_layer_location x, y;

		ovl_layers_get_location(a, i, &x, sizeof(x));
		ovl_layers_get_location(b, i, &y, sizeof(y));
		if (verbose)
			printf("  %s %u: status %d mnt %d/%llu mount point %s root %s path %s\n",
			       name, i, y.status, y.mnt_id,
			       (unsigned long long)y.mnt_id_unique, y.mount_point,
			       y.root, y.path);
		if (!same(&x, &y)) {
			fprintf(stderr, "views: %s: layer %u differs:\n"
				"  mountinfo: %d %d %llu %s %s %s\n"
				"  %s: %d %d %llu %s %s %s\n", name, i,
				x.status, x.mnt_id, (unsigned long long)x.mnt_id_unique,
				x.mount_point, x.root, x.path,
				used == 2 ? "statmount" : "mountinfo",
				y.status, y.mnt_id, (unsigned long long)y.mnt_id_unique,
				y.mount_point, y.root, y.path);
			exit(1);
		}
	}
	printf("views,%s,%s,%u layers (%u not OK),same\n", name,
	       used == 2 ? "statmount" : "mountinfo", n, bad);
	fflush(stdout);
}

enum { SAME_NS, NEW_NS, CHROOT, NEW_NS_CHROOT, NEW_NS_PIVOT };

/* a child that shapes its view, says so on the pipe, and waits */
static pid_t child(int how)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		char r[128];

		close(p[0]);
		if (how != SAME_NS && how != CHROOT &&
		    (unshare(CLONE_NEWNS) ||
		     mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)))
			_exit(1);
		snprintf(r, sizeof(r), "%s", base);
		if (how == NEW_NS_PIVOT) {
			/* a new root: base bound on base/root, pivoted to */
			char nr[160], old[200];

			snprintf(nr, sizeof(nr), "%s/root", base);
			if (mount(base, nr, NULL, MS_BIND | MS_REC, NULL))
				_exit(2);
			snprintf(old, sizeof(old), "%s/root/root", base);
			if (chdir(nr) || syscall(SYS_pivot_root, ".", "root") ||
			    chdir("/") || umount2("/root", MNT_DETACH))
				_exit(3);
			(void)old;
		} else if (how == CHROOT || how == NEW_NS_CHROOT) {
			if (chroot(r) || chdir("/"))
				_exit(4);
		}
		if (write(p[1], "x", 1) != 1)
			_exit(5);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		die("child");
	close(p[0]);
	return pid;
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"child-same-ns", "child-new-ns", "child-chroot",
		"child-new-ns-chroot", "child-new-ns-pivot-root",
	};
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace");
	setup();
	check("self", 0);
	check_reads("self", 0, ovl_path);
	for (int how = SAME_NS; how <= NEW_NS_PIVOT; how++) {
		pid_t pid = child(how);

		check(names[how], pid);
		/* the overlay's path in that view: base/ovl, or /ovl where
		 * base is its root */
		check_reads(names[how], pid, how == CHROOT ||
			    how == NEW_NS_CHROOT || how == NEW_NS_PIVOT ?
			    "/ovl" : ovl_path);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	ovl_layers_free(desc[0]);
	ovl_layers_free(desc[1]);
	umount2(base, MNT_DETACH);
	rmdir(base);
	return 0;
}
