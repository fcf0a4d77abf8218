// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P1: resolving N layers among M unrelated mounts, four ways, side by side
 * in one run (root; run in a private mount namespace: bench/run does).
 *
 *   floor      one mount table read, then N open_by_handle_at() through
 *              mount fds already known: the least any resolver can do
 *   paths      today's way: parse mountinfo, stat each layer path string
 *              (cheap, and wrong as soon as the strings are stale)
 *   walk       CRIU's fsnotify way: for each handle, walk every mount of
 *              the same st_dev, open it, open_by_handle_at, readlink, verify
 *   lib        ovl_layers_resolve()
 *
 * Each layer is its own tmpfs (N superblocks); the M other mounts are bind
 * mounts of one more tmpfs.  Prints one CSV line per (N, M):
 *   N,M,floor_us,paths_us,walk_us,lib_us,lib/floor
 * with the median of R runs of each.  Times are noisy here: read the
 * ratios, measured in the same process, not the absolute numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "ovllayers.h"

#define RUNS 15

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
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
static struct handle *handles;
static int *mount_fds;		/* per layer, for the floor */
static unsigned int nlayers;

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

static double run_lib(void)
{
	double t = now_us();
	unsigned int bad = 1;

	if (ovl_layers_resolve(desc, 0, 0, &bad) || bad)
		die("ovl_layers_resolve");
	return now_us() - t;
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
	fd = fsopen("overlay", 0);
	handles = calloc(n, sizeof(*handles));
	mount_fds = calloc(n, sizeof(*mount_fds));
	for (unsigned int i = 0; i < n; i++) {
		int mnt_id;

		snprintf(dir, sizeof(dir), "%s/l%u", base, i);
		mkdir(dir, 0755);
		if (mount("tmpfs", dir, "tmpfs", 0, NULL))
			die("layer tmpfs");
		mount_fds[i] = open(dir, O_RDONLY | O_DIRECTORY);
		snprintf(dir, sizeof(dir), "%s/l%u/d", base, i);
		mkdir(dir, 0755);
		handles[i].fh.handle_bytes = 128;
		if (name_to_handle_at(AT_FDCWD, dir, &handles[i].fh, &mnt_id, 0))
			die("name_to_handle_at");
		if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", dir, 0))
			die("lowerdir+");
	}
	if (n == 1) {	/* a lower-only overlay needs two lowers */
		snprintf(dir, sizeof(dir), "%s/other/x", base);
		mkdir(dir, 0755);
		fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", dir, 0);
	}
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("create");
	mfd = fsmount(fd, 0, 0);
	snprintf(dir, sizeof(dir), "%s/ovl", base);
	mkdir(dir, 0755);
	if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH))
		die("overlay");
	if (ovl_layers_read(0, dir, 0, &desc))
		die("ovl_layers_read");
	nlayers = n;
	close(fd);
	close(mfd);
}

int main(int argc, char **argv)
{
	unsigned int n, m;
	double f[RUNS], p[RUNS], w[RUNS], l[RUNS];

	if (argc != 3)
		return 2;
	n = atoi(argv[1]);
	m = atoi(argv[2]);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace");
	setup(n, m);
	for (int r = 0; r < RUNS; r++) {
		/* interleaved, so drift hits all four alike */
		f[r] = run_floor();
		p[r] = run_paths();
		w[r] = run_walk();
		l[r] = run_lib();
	}
	double fm = median(f, RUNS), pm = median(p, RUNS);
	double wm = median(w, RUNS), lm = median(l, RUNS);

	printf("%u,%u,%.0f,%.0f,%.0f,%.0f,%.2f\n", n, m, fm, pm, wm, lm, lm / fm);
	ovl_layers_free(desc);
	return 0;
}
