// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P1 in the VM (tests/vm/vm-run, the 7.3 kernel with the series, whose
 * statmount(2) has STATMOUNT_FS_LAYERS): ovl_layers_read() of one
 * overlay among few mounts and among many, side by side in one run.
 *
 *   readview [MANY [RUNS]]   (default 50000 and 11)
 *
 * One overlay (two tmpfs lowers) is mounted in a private mount namespace
 * A, which holds the guest's mounts besides ("few").  Namespace B is
 * unshared from A (the same overlay, copied), then given MANY - few bind
 * mounts of one tmpfs directory, one per directory of that tmpfs (flat:
 * no mount point deeper than the others).  The process then goes back
 * and forth with setns(2) between A and B, RUNS rounds, the order turned
 * every round, and times in each (CPU time of the thread), with a view
 * opened beforehand (ovl_view_open(0), outside the times):
 *
 *   read       ovl_layers_read(view, -1, overlay, 0, 0) + ovl_layers_free()
 *   table      what a read of the whole mount table costs at the least:
 *              one listmount(2), one statmount(2) per mount (IDs and
 *              device, no strings)
 *   direct     the least a read of that one overlay costs: statx(2) of
 *              its path (STATX_MNT_ID_UNIQUE), one statmount(2) of that
 *              mount (its strings, super options and layers field)
 *
 * Prints "readview,mounts,<few>,<many>", "readview,setup_s,<seconds to
 * make the bind mounts>", then per way "readview,<way>,<few us>,<many us>,
 * <many/few>" (medians), and "readview,source,<where the read took the
 * layers from>,layers_field,<1: statmount gave the layers field>".
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ovllayers.h"
#include "missing.h"
#include "util.h"

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U
#endif

#define BASE "/tmp/rv"
#define OVL BASE "/ovl"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t *ids;
static size_t ids_cap;

/* every mount of the caller's namespace: their number */
static size_t list_all(void)
{
	long n = bench_listmount(&ids, &ids_cap);

	if (n < 0)
		die("listmount");
	return (size_t)n;
}

static struct ovl_statmount *sm;
static size_t sm_size = 1 << 16;
static volatile uint64_t sink;

static double run_table(void)
{
	double t = cpu_us();
	size_t n = list_all();

	for (size_t i = 0; i < n; i++) {
		struct ovl_mnt_id_req req = { .size = OVL_MNT_ID_REQ_SIZE_VER0,
					      .mnt_id = ids[i],
					      .param = OVL_SM_SB_BASIC |
						       OVL_SM_MNT_BASIC };

		if (syscall(SYS_statmount, &req, sm, sm_size, 0))
			die("statmount");
		sink += sm->sb_dev_minor;
	}
	return cpu_us() - t;
}

static int layers_field;

static double run_direct(void)
{
	double t = cpu_us();
	struct statx stx;
	struct ovl_mnt_id_req req = { .size = OVL_MNT_ID_REQ_SIZE_VER0 };

	if (statx(AT_FDCWD, OVL, AT_STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE, &stx))
		die("statx");
	req.mnt_id = stx.stx_mnt_id;
	req.param = OVL_SM_SB_BASIC | OVL_SM_MNT_BASIC | OVL_SM_MNT_ROOT |
		    OVL_SM_MNT_POINT | OVL_SM_FS_TYPE | OVL_SM_MNT_OPTS |
		    OVL_SM_FS_LAYERS;
	if (syscall(SYS_statmount, &req, sm, sm_size, 0))
		die("statmount of the overlay");
	/* a kernel without the series: no layers field (said below) */
	layers_field = (sm->mask & OVL_SM_FS_LAYERS) && sm->fs_layers_len;
	sink += sm->fs_layers_len;
	return cpu_us() - t;
}

static int source;

static double run_read(void)
{
	static struct ovl_error *err;	/* made once, outside the times */
	struct ovl_layers *l;
	struct ovl_view *v;
	double t;

	if (!err && !(err = ovl_error_new()))
		die("ovl_error_new");
	if (ovl_view_open(0, 0, &v, NULL))
		die("ovl_view_open");
	t = cpu_us();
	if (ovl_layers_read(v, -1, OVL, 0, 0, &l, err)) {
		fprintf(stderr, "readview: ovl_layers_read: %s\n",
			ovl_error_message(err));
		exit(1);
	}
	source = ovl_layers_source(l);
	ovl_layers_free(l);
	t = cpu_us() - t;
	ovl_view_unref(v);
	return t;
}

static const struct {
	const char *name;
	double (*run)(void);
} ways[] = { { "read", run_read }, { "table", run_table },
	     { "direct", run_direct } };
#define NWAYS (sizeof(ways) / sizeof(ways[0]))

static int ns_fd(void)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("ns");
	return fd;
}

int main(int argc, char **argv)
{
	unsigned int many = argc > 1 ? atoi(argv[1]) : 50000;
	int runs = argc > 2 ? atoi(argv[2]) : 11;
	size_t few, total;
	double *t[2][NWAYS], setup;
	int ns[2];
	char dir[64];

	if (runs < 1 || runs > 1000 || many > 200000)
		return 2;
	sm = malloc(sm_size);
	for (int s = 0; s < 2; s++)
		for (size_t w = 0; w < NWAYS; w++)
			t[s][w] = calloc(runs, sizeof(double));
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace A");
	mkdir(BASE, 0755);
	if (mount("tmpfs", BASE, "tmpfs", 0, NULL))
		die("tmpfs");
	mkdir(BASE "/l1", 0755);
	mkdir(BASE "/l2", 0755);
	mkdir(BASE "/src", 0755);
	mkdir(BASE "/m", 0755);
	mkdir(OVL, 0755);
	if (mount("overlay", OVL, "overlay", 0, "lowerdir=" BASE "/l1:" BASE "/l2"))
		die("overlay");
	ns[0] = ns_fd();
	few = list_all();

	if (unshare(CLONE_NEWNS))
		die("namespace B");
	ns[1] = ns_fd();
	setup = wall_s();
	for (size_t j = few; j < many; j++) {
		snprintf(dir, sizeof(dir), BASE "/m/%zu", j);
		if (mkdir(dir, 0755) ||
		    mount(BASE "/src", dir, NULL, MS_BIND, NULL))
			die("bind mount");
	}
	setup = wall_s() - setup;
	total = list_all();
	printf("readview,mounts,%zu,%zu\n", few, total);
	printf("readview,setup_s,%.2f\n", setup);
	fflush(stdout);

	for (int r = 0; r < runs; r++)
		for (size_t k = 0; k < 2 * NWAYS; k++) {
			size_t i = (k + r) % (2 * NWAYS), s = i % 2, w = i / 2;

			if (setns(ns[s], CLONE_NEWNS))
				die("setns");
			t[s][w][r] = ways[w].run();
		}
	for (size_t w = 0; w < NWAYS; w++) {
		double a = bench_median(t[0][w], runs), b = bench_median(t[1][w], runs);

		printf("readview,%s,%.0f,%.0f,%.2f\n", ways[w].name, a, b, b / a);
	}
	printf("readview,source,%s,layers_field,%d\n",
	       source == OVL_SOURCE_STATMOUNT ? "statmount" :
	       source == OVL_SOURCE_XATTR ? "xattr" :
	       source == OVL_SOURCE_MOUNTINFO ? "mountinfo" : "?",
	       layers_field);
	return 0;
}
