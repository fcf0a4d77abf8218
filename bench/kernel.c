// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P2 and P3, inside the VM (bench/run starts it through tests/vm/vm-run).
 *
 *   kernel getxattr   100k getxattr of the 500-layer value vs 100k of a
 *                     plain xattr of the same size on tmpfs; prints
 *                     "getxattr,<layers ns>,<plain ns>,<ratio>"
 *   kernel mount      mount+umount of a 500-layer overlay, 30 times;
 *                     prints "mount,<mean us>,<min us>" (bench/mount-ab
 *                     runs it with each module in turn in one boot,
 *                     bench/run takes the ratio)
 *   kernel size       bytes of one layer per layer filesystem (format
 *                     2: its entry, handle and path; format 1: its
 *                     record's le16 len), and of the 500-layer value:
 *                     "size,<fs>,<bytes>"
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static char base[64];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* A shell command run in base. */
static void sh(const char *cmd)
{
	char full[1024];

	snprintf(full, sizeof(full), "cd %s && %s", base, cmd);
	if (system(full))
		die(full);
}

/* A 500-layer overlay of tmpfs dirs at base/m, through lowerdir+. */
static void mount500(const char *target)
{
	char dir[128];
	int fd = fsopen("overlay", 0), mfd;

	for (int i = 0; i < 500; i++) {
		snprintf(dir, sizeof(dir), "%s/l/%d", base, i);
		mkdir(dir, 0755);
		if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", dir, 0))
			die("lowerdir+");
	}
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		die("create");
	mfd = fsmount(fd, 0, 0);
	if (mfd < 0 || move_mount(mfd, "", AT_FDCWD, target,
				  MOVE_MOUNT_F_EMPTY_PATH))
		die("mount");
	close(mfd);
	close(fd);
}

static void bench_getxattr(void)
{
	static char buf[65536];
	char m[96], f[96];
	ssize_t n;
	double t0, t1, t2;

	snprintf(m, sizeof(m), "%s/m", base);
	snprintf(f, sizeof(f), "%s/plain", base);
	mkdir(m, 0755);
	mount500(m);
	n = getxattr(m, "trusted.overlay.layers", buf, sizeof(buf));
	if (n <= 0)
		die("getxattr layers");
	close(open(f, O_CREAT | O_WRONLY, 0644));
	if (setxattr(f, "trusted.bench", buf, n, 0))
		die("setxattr plain");
	t0 = now_ns();
	for (int i = 0; i < 100000; i++)
		if (getxattr(m, "trusted.overlay.layers", buf, sizeof(buf)) != n)
			die("getxattr");
	t1 = now_ns();
	for (int i = 0; i < 100000; i++)
		if (getxattr(f, "trusted.bench", buf, sizeof(buf)) != n)
			die("getxattr plain");
	t2 = now_ns();
	printf("getxattr,%.0f,%.0f,%.2f,%zd\n", (t1 - t0) / 1e5,
	       (t2 - t1) / 1e5, (t1 - t0) / (t2 - t1), n);
}

static void bench_mount(void)
{
	double t0, t, total = 0, min = 0;
	char m[96];

	snprintf(m, sizeof(m), "%s/m", base);
	mkdir(m, 0755);
	mount500(m);	/* warm the dentries */
	umount(m);
	for (int i = 0; i < 30; i++) {
		t0 = now_ns();
		mount500(m);
		if (umount(m))
			die("umount");
		t = now_ns() - t0;
		total += t;
		if (!i || t < min)
			min = t;
	}
	/* the minimum is what the code costs; the mean adds TCG's noise */
	printf("mount,%.0f,%.0f\n", total / 30 / 1e3, min / 1e3);
}

static unsigned int u32at(const unsigned char *v, size_t off)
{
	unsigned int x;

	memcpy(&x, v + off, sizeof(x));
	return x;
}

/*
 * The bytes layer i takes in a value (format 2, docs/layers-format.md: its
 * 48-byte entry, handle and NUL-terminated path; format 1: the record's
 * own le16 len; format 0: 12 + fb.len), or -1 if the value is not one.
 */
static long record_len(const unsigned char *v, ssize_t n, unsigned int i)
{
	ssize_t off = 4;
	unsigned int count;
	long len = -1;

	if (n >= 32 && v[1] != 0xfc) {
		size_t e = u32at(v, 16) + 48 * (size_t)i;

		if (u32at(v, 4) != (size_t)n || i >= u32at(v, 20) ||
		    e + 48 > (size_t)n)
			return -1;
		return 48 + u32at(v, e + 28) + u32at(v, e + 40) + 1;
	}
	if (n < 4 || v[1] != 0xfc || v[0] > 1)
		return -1;
	count = v[2] | v[3] << 8;
	for (unsigned int r = 0; r < count && r <= i; r++) {
		if (v[0] == 1) {
			if (off + 2 > n)
				return -1;
			len = v[off] | v[off + 1] << 8;
		} else {
			if (off + 12 + 3 > n)
				return -1;
			len = 12 + v[off + 12 + 2];
		}
		if (len < 14 || off + len > n)
			return -1;
		off += len;
	}
	return count > i ? len : -1;
}

/* One record's size: a lower on the fs, next to a tmpfs lower. */
static void size_on(const char *fs, const char *dir)
{
	static unsigned char v[4096];
	char opts[512], m[96];
	ssize_t n;
	long len;

	snprintf(m, sizeof(m), "%s/m-%s", base, fs);
	mkdir(m, 0755);
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s/l/0", dir, base);
	if (mount("overlay", m, "overlay", 0, opts))
		die(opts);
	n = getxattr(m, "trusted.overlay.layers", v, sizeof(v));
	if (n < 0)
		die("getxattr layers");
	/* the first record is the one on fs */
	len = record_len(v, n, 0);
	if (len < 0) {
		fprintf(stderr, "size: %s: not a layers value (version %u)\n",
			fs, n ? v[0] : 0);
		exit(1);
	}
	printf("size,%s,%ld\n", fs, len);
	umount(m);
}

static void bench_size(void)
{
	char m[96];

	sh("mkdir -p l/0 e x sqsrc/d");
	sh("truncate -s 32M e.img && mkfs.ext4 -q e.img && mount -o loop e.img e");
	sh("truncate -s 320M x.img && mkfs.xfs -q x.img && mount -o loop x.img x");
	sh("mksquashfs sqsrc sq.img -quiet -no-progress >/dev/null && mkdir sq && mount -o loop,ro sq.img sq");
	snprintf(m, sizeof(m), "%s/l/1", base);
	mkdir(m, 0755);
	size_on("tmpfs", m);
	snprintf(m, sizeof(m), "%s/e", base);
	size_on("ext4", m);
	snprintf(m, sizeof(m), "%s/x", base);
	size_on("xfs", m);
	snprintf(m, sizeof(m), "%s/sq/d", base);
	size_on("squashfs", m);
	snprintf(m, sizeof(m), "%s/m500", base);
	mkdir(m, 0755);
	mount500(m);
	printf("size,500-tmpfs-layers,%zd\n",
	       getxattr(m, "trusted.overlay.layers", NULL, 0));
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace");
	snprintf(base, sizeof(base), "/tmp/ovk.XXXXXX");
	if (!mkdtemp(base) || mount("tmpfs", base, "tmpfs", 0, NULL))
		die("base");
	mkdir(strcat(strcpy((char[96]){0}, base), "/l"), 0755);
	if (!strcmp(argv[1], "getxattr"))
		bench_getxattr();
	else if (!strcmp(argv[1], "mount"))
		bench_mount();
	else if (!strcmp(argv[1], "size"))
		bench_size();
	else
		return 2;
	return 0;
}
