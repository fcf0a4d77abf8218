// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P1: resolving N layers among M unrelated mounts, side by side in one
 * run (root; it unshares a private mount namespace of its own).
 *
 *   floor      one mount table read (mountinfo, parsed by libmount), then
 *              N open_by_handle_at() through mount fds already known: the
 *              least any resolver can do
 *   paths      today's way: parse mountinfo, stat each layer path string
 *              (cheap, and wrong as soon as the strings are stale)
 *   walk       CRIU's fsnotify way: for each handle, walk every mount of
 *              the same st_dev, open it, open_by_handle_at, readlink, verify
 *   lib        ovl_layers_resolve(), reading the mount table the way the
 *              library picks (listmount/statmount where the kernel has
 *              them, mountinfo otherwise)
 *   lib_mi     the same, the mount table forced to mountinfo
 *   lib_sm     the same, forced to listmount(2)/statmount(2) ("-" when
 *              the kernel or the library has no such way)
 *   path_floor the floor of the path route (format 2's path from the
 *              filesystem root, checked by handle): one listmount(2) and
 *              one statmount(2) per mount (IDs and device, no strings:
 *              the cheapest read of the table), then per layer one
 *              openat2(2) of its path beneath its mount's root (fds
 *              already known; RESOLVE_BENEATH | NO_XDEV | NO_SYMLINKS |
 *              NO_MAGICLINKS) and one name_to_handle_at(2) compared with
 *              the record's handle; no library logic
 *   route_floor the floor of the whole path route, reaching the mount as
 *              well (path_floor is handed an fd of it): the same table
 *              read, then per layer one statmount(2) of its mount's root
 *              and mount point strings (the mount's ID is handed to it:
 *              the floor pays for no search), the layer's path from the
 *              view's root (the mount point, then the record's path below
 *              the mount's root) opened beneath the view's root with one
 *              openat2(2) (RESOLVE_BENEATH | NO_SYMLINKS | NO_MAGICLINKS),
 *              and one name_to_handle_at(2) compared; no library logic
 *   lib_path   ovl_layers_resolve() of the same descriptor encoded and
 *              decoded again (ovl_layers_encode(), ovl_layers_decode()):
 *              format 2 bytes without the mount option path strings, so
 *              fast_hint() has nothing to try and the path route
 *              (try_fs_path()) is what runs; the table read the way the
 *              library picks
 *
 * Each layer is its own tmpfs (N superblocks); the M other mounts are bind
 * mounts of one more tmpfs, made first, as a busy host's come first.
 *
 *   resolve N M        one CSV line: N,M,floor_us,paths_us,walk_us,lib_us,
 *                      lib_mi_us,lib_sm_us,lib/floor,lib_mi/floor,
 *                      lib_sm/floor,table,path_floor_us,lib_path_us,
 *                      lib_path/path_floor,route_floor_us,
 *                      lib_path/route_floor  (medians of RUNS interleaved
 *                      runs; table: the way lib read the mount table)
 *   resolve -c WAY[,WAY...] N M   run those ways K times each and nothing
 *                      else (for callgrind or strace: bench/run divides by
 *                      K x N; BENCH_K=... for perf)
 *
 * Times are CPU times of the thread (CLOCK_THREAD_CPUTIME_ID), and still
 * noisy here: read the ratios, measured in the same process.
 *
 * Under valgrind 3.19 (Debian 12), which knows neither openat2(2) nor
 * listmount(2)/statmount(2) nor the new mount API, syscall(2) is
 * interposed below and those calls are made natively (VALGRIND_NON_SIMD_
 * CALL: the kernel's work is not counted anyway; callgrind counts the
 * user-space instructions of the library and of the floor).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "ovllayers.h"
#include "missing.h"
#include "util.h"

#define RUNS 15
#define K 2

/* The library's own knob (lib/internal.h; linked statically): a view told
 * how to read its mount table, and the way a resolution read it. */
#include "way.h"
#define WAY_AUTO OVL_MOUNT_TABLE_AUTO
#define WAY_MOUNTINFO OVL_MOUNT_TABLE_MOUNTINFO
#define WAY_STATMOUNT OVL_MOUNT_TABLE_STATMOUNT

/* --- valgrind 3.19: the syscalls it does not know, made natively --- */
struct vg_call {
	long nr, a[6];
};

static long raw_syscall(struct vg_call *c)
{
	register long r10 __asm__("r10") = c->a[3];
	register long r8 __asm__("r8") = c->a[4];
	register long r9 __asm__("r9") = c->a[5];
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(c->nr), "D"(c->a[0]), "S"(c->a[1]),
			   "d"(c->a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long native(long tid, long arg)
{
	(void)tid;
	return raw_syscall((struct vg_call *)arg);
}

long syscall(long nr, ...);
long syscall(long nr, ...)
{
	static long (*next)(long, ...);
	struct vg_call c = { .nr = nr };
	va_list ap;
	long ret;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		c.a[i] = va_arg(ap, long);
	va_end(ap);
	if (RUNNING_ON_VALGRIND &&
	    (nr == SYS_openat2 || nr == SYS_listmount || nr == SYS_statmount ||
	     nr == SYS_fsopen || nr == SYS_fsconfig || nr == SYS_fsmount ||
	     nr == SYS_move_mount)) {
		ret = VALGRIND_NON_SIMD_CALL1(native, &c);
		if (ret < 0 && ret > -4096) {
			errno = (int)-ret;
			return -1;
		}
		return ret;
	}
	if (!next)
		next = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return next(nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
}

/* --- timing --- */
/* The CPU time of this thread, user and system: what the resolver
 * itself costs, without the time the 2 shared cores spend on other jobs
 * meanwhile (all of it is in memory: nothing waits for I/O). */
static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

struct handle {
	struct file_handle fh;
	unsigned char bytes[128];
};

static char base[64];
static struct ovl_layers *desc;
static struct ovl_layers *desc_nopaths;	/* desc encoded, decoded again */
static struct handle *handles;
static int *mount_fds;		/* per layer, for the floor */
static unsigned int nlayers;
/* the path floor: every layer of the overlay (a 1-layer cell's overlay has
 * a second lower, other/x, which the library resolves too) */
static unsigned int path_layers;
static const char **path_rest;	/* per layer, below its mount's root */
/* the route floor: per layer its record's device and path from its
 * filesystem's root, and the view's root */
static char **rec_fs_path;
static uint64_t *layer_mnt;	/* the unique ID of each layer's mount */
static int view_root = -1;

static void load_table(void)
{
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");

	if (!tb)
		die("mountinfo");
	mnt_unref_table(tb);
}

static double run_floor(void)
{
	double t = now_us();

	load_table();
	for (unsigned int i = 0; i < nlayers; i++) {
		int fd = open_by_handle_at(mount_fds[i], &handles[i].fh,
					   O_PATH);

		if (fd < 0)
			die("open_by_handle_at");
		close(fd);
	}
	return now_us() - t;
}

/* the table as the path floor reads it: IDs and device of every mount */
struct sm_min {
	uint64_t id, parent;
	unsigned int major, minor;
};
static struct sm_min *sm_tab;
static size_t sm_cap;

static size_t load_table_statmount(void)
{
	static uint64_t *ids;
	static size_t ids_cap;
	static struct ovl_statmount *sm;
	long got;
	size_t n;

	if (!sm && !(sm = malloc(4096)))
		die("malloc");
	got = bench_listmount(&ids, &ids_cap);
	if (got < 0)
		die("listmount");
	n = (size_t)got;
	if (n > sm_cap) {
		sm_cap = n;
		sm_tab = realloc(sm_tab, sm_cap * sizeof(*sm_tab));
		if (!sm_tab)
			die("realloc");
	}
	for (size_t i = 0; i < n; i++) {
		struct ovl_mnt_id_req one = { .size = OVL_MNT_ID_REQ_SIZE_VER0,
					      .mnt_id = ids[i],
					      .param = OVL_SM_SB_BASIC |
						       OVL_SM_MNT_BASIC };

		if (syscall(SYS_statmount, &one, sm, 4096, 0))
			die("statmount");
		sm_tab[i] = (struct sm_min){ sm->mnt_id, sm->mnt_parent_id,
					     sm->sb_dev_major, sm->sb_dev_minor };
	}
	return n;
}

/* fd, an openat2() of layer i (closed here): its handle must be the
 * record's */
static void check_handle(int fd, unsigned int i)
{
	struct handle h = { .fh.handle_bytes = 128 };
	int mnt;

	if (fd < 0)
		die("openat2");
	if (name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH))
		die("name_to_handle_at");
	if (h.fh.handle_type != handles[i].fh.handle_type ||
	    h.fh.handle_bytes != handles[i].fh.handle_bytes ||
	    memcmp(h.fh.f_handle, handles[i].fh.f_handle, h.fh.handle_bytes))
		die("floor: another handle");
	close(fd);
}

/* the floor of the path route: the table read, then per layer its path
 * beneath its mount's root and its handle compared with the record's */
static double run_path_floor(void)
{
	double t = now_us();

	load_table_statmount();
	for (unsigned int i = 0; i < path_layers; i++) {
		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV |
				   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, mount_fds[i], path_rest[i],
				      &how, sizeof(how));

		check_handle(fd, i);
	}
	return now_us() - t;
}

/* the floor of the whole route: the table read, then per layer the
 * strings of its mount, its path from the view's root, its handle */
static double run_route_floor(void)
{
	static struct ovl_statmount *sm;
	static size_t sm_size = 2 * 4096 + sizeof(*sm);
	double t = now_us();
	if (!sm && !(sm = malloc(sm_size)))
		die("malloc");
	load_table_statmount();
	for (unsigned int i = 0; i < path_layers; i++) {
		struct open_how how = {
			.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
				   RESOLVE_NO_MAGICLINKS,
		};
		char path[2 * 4096];
		const char *root, *point, *below;
		size_t rl;
		int fd;
		struct ovl_mnt_id_req one = { .size = OVL_MNT_ID_REQ_SIZE_VER0,
					      .mnt_id = layer_mnt[i],
					      .param = OVL_SM_MNT_ROOT |
						       OVL_SM_MNT_POINT };

		if (syscall(SYS_statmount, &one, sm, sm_size, 0))
			die("statmount");
		root = sm->str + sm->mnt_root;
		point = sm->str + sm->mnt_point;
		rl = strlen(root);
		below = rec_fs_path[i];
		if (rl > 1 && (strncmp(below, root, rl) ||
			       (below[rl] && below[rl] != '/')))
			die("route floor: the layer is not below the mount's root");
		if (rl > 1)
			below += rl;
		snprintf(path, sizeof(path), "%s%s", point + 1, below);
		fd = (int)syscall(SYS_openat2, view_root, path, &how,
				  sizeof(how));
		check_handle(fd, i);
	}
	return now_us() - t;
}

static double run_paths(void)
{
	double t = now_us();
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	char dir[128];

	while (mnt_table_next_fs(tb, it, &fs) == 0)
		;	/* find the overlay's options: a full parse */
	for (unsigned int i = 0; i < nlayers; i++) {
		struct stat st;

		snprintf(dir, sizeof(dir), "%s/l%u/d", base, i);
		if (stat(dir, &st))
			die("stat");
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return now_us() - t;
}

/* For each handle: every mount with that st_dev, open, decode, verify. */
static double run_walk(void)
{
	double t = now_us();
	struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);

	for (unsigned int i = 0; i < nlayers; i++) {
		struct ovl_layer_record rec;
		struct libmnt_fs *fs;
		int found = 0;

		ovl_layers_get_record(desc, i, &rec, sizeof(rec));
		mnt_reset_iter(it, MNT_ITER_FORWARD);
		while (!found && mnt_table_next_fs(tb, it, &fs) == 0) {
			dev_t dev = mnt_fs_get_devno(fs);
			char link[64], path[4096];
			struct stat a, b;
			int mfd, fd;
			ssize_t n;

			if (major(dev) != rec.dev_major || minor(dev) != rec.dev_minor)
				continue;
			mfd = open(mnt_fs_get_target(fs), O_RDONLY | O_DIRECTORY);
			if (mfd < 0)
				continue;
			fd = open_by_handle_at(mfd, &handles[i].fh, O_PATH);
			close(mfd);
			if (fd < 0)
				continue;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
			n = readlink(link, path, sizeof(path) - 1);
			if (n > 0) {
				path[n] = '\0';
				found = !stat(path, &a) && !fstat(fd, &b) &&
					a.st_ino == b.st_ino && a.st_dev == b.st_dev;
			}
			close(fd);
		}
		if (!found)
			die("walk: layer not found");
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return now_us() - t;
}

static double run_lib_way(int way)
{
	double t;
	unsigned int bad = 1;

	t = now_us();
	if (resolve_way(desc, 0, way, &bad) || bad)
		die("ovl_layers_resolve");
	return now_us() - t;
}

static double run_lib(void) { return run_lib_way(WAY_AUTO); }

static double run_lib_path(void)
{
	double t;
	unsigned int bad = 1;

	t = now_us();
	if (resolve_way(desc_nopaths, 0, WAY_AUTO, &bad) || bad)
		die("ovl_layers_resolve (no path strings)");
	return now_us() - t;
}
static double run_lib_mi(void) { return run_lib_way(WAY_MOUNTINFO); }
static double run_lib_sm(void) { return run_lib_way(WAY_STATMOUNT); }

/* the library forced to statmount: does it read the table that way? */
static bool statmount_works(void)
{
	unsigned int bad = 1;
	int err = resolve_way(desc, 0, WAY_STATMOUNT, &bad);

	return !err && !bad && desc->table_way == WAY_STATMOUNT;
}

static void setup(unsigned int n, unsigned int m)
{
	char dir[128];
	int fd, mfd;

	snprintf(base, sizeof(base), "/tmp/ovb.XXXXXX");
	if (!mkdtemp(base) || mount("tmpfs", base, "tmpfs", 0, NULL))
		die("base");
	/* M unrelated bind mounts, made before the layers: they come first
	 * in mountinfo, as a busy host's would */
	snprintf(dir, sizeof(dir), "%s/other", base);
	mkdir(dir, 0755);
	if (mount("tmpfs", dir, "tmpfs", 0, NULL))
		die("other");
	for (unsigned int j = 0; j < m; j++) {
		char src[160], dst[160];

		snprintf(src, sizeof(src), "%s/other/%u", base, j);
		snprintf(dst, sizeof(dst), "%s/b%u", base, j);
		mkdir(src, 0755);
		mkdir(dst, 0755);
		if (mount(src, dst, NULL, MS_BIND, NULL))
			die("bind");
	}
	/* through syscall(): valgrind 3.19 does not know the new mount API */
	fd = (int)syscall(SYS_fsopen, "overlay", 0);
	if (fd < 0)
		die("fsopen");
	handles = calloc(n + 1, sizeof(*handles));
	mount_fds = calloc(n + 1, sizeof(*mount_fds));
	path_rest = calloc(n + 1, sizeof(*path_rest));
	path_layers = n;
	for (unsigned int i = 0; i < n; i++) {
		int mnt_id;

		snprintf(dir, sizeof(dir), "%s/l%u", base, i);
		mkdir(dir, 0755);
		if (mount("tmpfs", dir, "tmpfs", 0, NULL))
			die("layer tmpfs");
		mount_fds[i] = open(dir, O_RDONLY | O_DIRECTORY);
		path_rest[i] = "d";
		snprintf(dir, sizeof(dir), "%s/l%u/d", base, i);
		mkdir(dir, 0755);
		handles[i].fh.handle_bytes = 128;
		if (name_to_handle_at(AT_FDCWD, dir, &handles[i].fh, &mnt_id, 0))
			die("name_to_handle_at");
		if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING, "lowerdir+",
			    dir, 0))
			die("lowerdir+");
	}
	if (n == 1) {	/* a lower-only overlay needs two lowers */
		int mnt_id;

		snprintf(dir, sizeof(dir), "%s/other/x", base);
		mkdir(dir, 0755);
		syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING, "lowerdir+", dir, 0);
		handles[1].fh.handle_bytes = 128;
		if (name_to_handle_at(AT_FDCWD, dir, &handles[1].fh, &mnt_id, 0))
			die("name_to_handle_at");
		snprintf(dir, sizeof(dir), "%s/other", base);
		mount_fds[1] = open(dir, O_RDONLY | O_DIRECTORY);
		path_rest[1] = "x";
		path_layers = 2;
	}
	if (syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("create");
	mfd = (int)syscall(SYS_fsmount, fd, 0, 0);
	snprintf(dir, sizeof(dir), "%s/ovl", base);
	mkdir(dir, 0755);
	if (mfd < 0 || syscall(SYS_move_mount, mfd, "", AT_FDCWD, dir,
			       MOVE_MOUNT_F_EMPTY_PATH))
		die("overlay");
	if (ovl_layers_read(NULL, -1, dir, 0, 0, &desc, NULL))
		die("ovl_layers_read");
	{
		/* the same records without the mount option path strings */
		ssize_t len = ovl_layers_encode(desc, NULL, 0);
		void *raw = len > 0 ? malloc(len) : NULL;
		struct ovl_layer_record rec;

		if (!raw || ovl_layers_encode(desc, raw, len) != len ||
		    ovl_layers_decode(raw, len, &desc_nopaths, NULL))
			die("ovl_layers_encode/decode");
		free(raw);
		for (unsigned int i = 0; i < ovl_layers_count(desc_nopaths); i++)
			if (ovl_layers_get_record(desc_nopaths, i, &rec,
						  sizeof(rec)) < 0 ||
			    !(rec.valid & OVL_RECORD_VALID_PATH) || !rec.fs_path) {
				fprintf(stderr, "record %u: no path from the filesystem root\n", i);
				exit(1);
			}
		rec_fs_path = calloc(path_layers, sizeof(*rec_fs_path));
		layer_mnt = calloc(path_layers, sizeof(*layer_mnt));
		if (!rec_fs_path || !layer_mnt)
			die("calloc");
		/* the lowers, in the order the floors take them */
		for (unsigned int i = 0, k = 0;
		     i < ovl_layers_count(desc_nopaths) && k < path_layers; i++) {
			if (ovl_layers_get_record(desc_nopaths, i, &rec,
						  sizeof(rec)) < 0)
				die("record");
			if (rec.kind != OVL_LAYERS_LOWER)
				continue;
			struct statx stx;

			if (statx(mount_fds[k], "", AT_EMPTY_PATH,
				  STATX_MNT_ID_UNIQUE, &stx) ||
			    !(stx.stx_mask & STATX_MNT_ID_UNIQUE))
				die("statx");
			layer_mnt[k] = stx.stx_mnt_id;
			rec_fs_path[k] = strdup(rec.fs_path);
			k++;
		}
		view_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (view_root < 0)
			die("open /");
		if (desc_nopaths->paths) {
			fprintf(stderr, "decoded descriptor has path strings\n");
			exit(1);
		}
	}
	nlayers = n;
	close(fd);
	close(mfd);
}

static void teardown(void)
{
	ovl_layers_free(desc);
	ovl_layers_free(desc_nopaths);
	umount2(base, MNT_DETACH);
	rmdir(base);	/* the mount was in our namespace: only the dir */
}

static const struct way {
	const char *name;
	double (*run)(void);
} ways[] = {
	{ "floor", run_floor }, { "paths", run_paths }, { "walk", run_walk },
	{ "lib", run_lib }, { "lib_mi", run_lib_mi }, { "lib_sm", run_lib_sm },
	{ "path_floor", run_path_floor }, { "lib_path", run_lib_path },
	{ "route_floor", run_route_floor },
};
#define NWAYS (sizeof(ways) / sizeof(ways[0]))

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned int n, m;
	double t[NWAYS][RUNS], med[NWAYS];
	bool sm;

	if (argc == 5 && !strcmp(argv[1], "-c")) {
		only = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 3)
		return 2;
	n = atoi(argv[1]);
	m = atoi(argv[2]);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace");
	setup(n, m);
	if (only) {
		/* a comma separated list of ways, each run K times */
		char *list = strdup(only), *save = NULL;
		int bad = 0, reps = getenv("BENCH_K") ? atoi(getenv("BENCH_K")) : K;

		for (char *way = strtok_r(list, ",", &save); way;
		     way = strtok_r(NULL, ",", &save)) {
			size_t w;

			for (w = 0; w < NWAYS && strcmp(ways[w].name, way); w++)
				;
			if (w == NWAYS) {
				bad = 2;
				continue;
			}
			for (int k = 0; k < reps; k++)
				ways[w].run();
		}
		free(list);
		teardown();
		return bad;
	}
	sm = statmount_works();
	for (int r = 0; r < RUNS; r++)
		/* interleaved, so drift hits all alike, and the order turned
		 * by one every run, so none always follows the same one (the
		 * walk leaves the caches cold for whatever comes next) */
		for (size_t k = 0; k < NWAYS; k++) {
			size_t w = (k + r) % NWAYS;

			t[w][r] = (w != 5 || sm) ? ways[w].run() : 0;
		}
	for (size_t w = 0; w < NWAYS; w++)
		med[w] = bench_median(t[w], RUNS);
	run_lib();	/* the way it picks, below */
	printf("%u,%u,%.0f,%.0f,%.0f,%.0f,%.0f,", n, m, med[0], med[1],
	       med[2], med[3], med[4]);
	if (sm)
		printf("%.0f,", med[5]);
	else
		printf("-,");
	printf("%.2f,%.2f,", med[3] / med[0], med[4] / med[0]);
	if (sm)
		printf("%.2f,", med[5] / med[0]);
	else
		printf("-,");
	printf("%s,", desc->table_way == WAY_STATMOUNT ? "statmount" :
	       desc->table_way == WAY_MOUNTINFO ? "mountinfo" : "?");
	printf("%.0f,%.0f,%.2f,%.0f,%.2f\n", med[6], med[7], med[7] / med[6],
	       med[8], med[7] / med[8]);
	teardown();
	return 0;
}
