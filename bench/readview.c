// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * P1 in the VM (tests/vm/vm-run, the 7.3 kernel with the series, whose
 * statmount(2) has STATMOUNT_FS_LAYERS): ovl_layers_read() of one
 * overlay among few mounts and among many, side by side in one run.
 *
 *   readview [MANY [RUNS]]   (default 50000 and 11)
 *
 * One overlay (two tmpfs lowers) is mounted in a private mount namespace
 * A, which holds the guest's mounts besides.  Two namespaces are unshared
 * from A alike (the same overlay, copied): "few" as it is, and B, given
 * MANY - few more mounts by recursive bind doubling (make_mounts(): about
 * 2 log2(MANY) mount(2) calls; one bind mount a call took 211 s for
 * 50,000 on the host and did not finish in 10 minutes under TCG).  The
 * process then goes back and forth with setns(2) between few and B, RUNS
 * rounds, the order turned every round, and times in each (CPU time of
 * the thread), with a view opened beforehand (ovl_view_open(0), outside
 * the times):
 *
 *   read       ovl_layers_read(view, -1, overlay, 0, 0) + ovl_layers_free()
 *   table      what a read of the whole mount table costs at the least:
 *              one listmount(2), one statmount(2) per mount (IDs and
 *              device, no strings)
 *   direct     the least a read of that one overlay costs: statx(2) of
 *              its path (STATX_MNT_ID_UNIQUE), one statmount(2) of that
 *              mount (its strings, super options and layers field)
 *
 * Each way runs 1 + WARM times in a row in a namespace: the first call
 * ("cold") pays for what the calls before it left in the caches (B's
 * table walks 50,000 mounts), the last is timed as the way's own cost.
 *
 * Prints "readview,clock_step_us,<the CPU clock's step>" (over 100 us:
 * exit 1, no measurement), "readview,mounts,<few>,<many>",
 * "readview,setup_s,<seconds to make the mounts>,calls,<mount(2) calls>",
 * then per way "readview,<way>,<few us>,<many us>,<many/few>" and
 * "readview,<way>_cold,..." (medians), and "readview,source,<where the
 * read took the layers from>,layers_field,<1: statmount gave the layers
 * field>".
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

/*
 * The smallest step of the thread's CPU clock, in microseconds.  A TCG
 * guest whose TSC calibration failed at boot counts CPU time in jiffies
 * (4,000 us at HZ=250): every read then takes 0 us, and no ratio means
 * anything.
 */
static double clock_step_us(void)
{
	double least = 1e9;

	for (int i = 0; i < 5; i++) {
		double a = cpu_us(), b;

		while ((b = cpu_us()) == a)
			;
		if (b - a < least)
			least = b - a;
	}
	return least;
}

static uint64_t *ids;
static size_t ids_cap;

/*
 * n new mounts in the caller's namespace, in a few calls: a tmpfs at
 * BASE/m (the tree, private: no copy propagates to a peer, nor back into
 * the tree), bound recursively onto BASE/m/<b>, which doubles the mounts
 * of the tree each call (the kernel copies the tree before it attaches
 * the copy); where bit b of n is set, the tree of 2^b mounts is also
 * bound recursively onto BASE/k/<b>, outside the tree, which the next
 * doublings leave alone.  The tree ends at the highest bit of n: the
 * namespace holds exactly n more, never more on the way (mount-max,
 * 100,000 by default, counts a namespace's mounts).  Mount points are at
 * most log2(n) deep below BASE/m.  Returns the mount(2) calls made.
 */
static int make_mounts(size_t n)
{
	char dir[64];
	int calls = 1;

	if (!n)
		return 0;
	if (mount("tmpfs", BASE "/m", "tmpfs", 0, NULL) ||
	    mount(NULL, BASE "/m", NULL, MS_PRIVATE, NULL))
		die("the tree's tmpfs");
	mkdir(BASE "/k", 0755);
	/* the tree holds 2^b mounts; at the top bit it is the rest */
	for (int b = 0; n >> (b + 1); b++) {
		if (n & ((size_t)1 << b)) {
			snprintf(dir, sizeof(dir), BASE "/k/%d", b);
			if (mkdir(dir, 0755) ||
			    mount(BASE "/m", dir, NULL, MS_BIND | MS_REC, NULL))
				die("bind the tree aside");
			calls++;
		}
		snprintf(dir, sizeof(dir), BASE "/m/%d", b);
		if (mkdir(dir, 0755) ||
		    mount(BASE "/m", dir, NULL, MS_BIND | MS_REC, NULL))
			die("double the tree");
		calls++;
	}
	return calls;
}

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

#ifndef WARM
#define WARM 3
#endif

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
	double *t[2][NWAYS], *cold[2][NWAYS], setup, step;
	int ns[2], ns_a, calls;

	if (runs < 1 || runs > 1000 || many > 200000)
		return 2;
	step = clock_step_us();
	printf("readview,clock_step_us,%.3f\n", step);
	if (step > 100) {
		fprintf(stderr, "readview: the thread's CPU clock moves by %.0f us: no measurement (a TCG guest without a calibrated TSC?)\n",
			step);
		return 1;
	}
	sm = malloc(sm_size);
	for (int s = 0; s < 2; s++)
		for (size_t w = 0; w < NWAYS; w++)
			t[s][w] = calloc(runs, sizeof(double)),
			cold[s][w] = calloc(runs, sizeof(double));
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("namespace A");
	mkdir(BASE, 0755);
	if (mount("tmpfs", BASE, "tmpfs", 0, NULL))
		die("tmpfs");
	mkdir(BASE "/l1", 0755);
	mkdir(BASE "/l2", 0755);
	mkdir(BASE "/m", 0755);
	mkdir(OVL, 0755);
	if (mount("overlay", OVL, "overlay", 0, "lowerdir=" BASE "/l1:" BASE "/l2"))
		die("overlay");
	/* few and many are both copies of A, made alike: A itself read
	 * slower than a copy of it with no mount added (direct 32 us
	 * against 25 in the 7.3 VM), which would flatter the ratios */
	ns_a = ns_fd();
	if (unshare(CLONE_NEWNS))
		die("namespace of few mounts");
	ns[0] = ns_fd();
	few = list_all();
	if (setns(ns_a, CLONE_NEWNS) || unshare(CLONE_NEWNS))
		die("namespace B");
	ns[1] = ns_fd();
	setup = wall_s();
	calls = make_mounts(many > few ? many - few : 0);
	setup = wall_s() - setup;
	total = list_all();
	printf("readview,mounts,%zu,%zu\n", few, total);
	printf("readview,setup_s,%.2f,calls,%d\n", setup, calls);
	fflush(stdout);

	/* 1 + WARM calls in a row: see the head comment */
	for (int r = 0; r < runs; r++)
		for (size_t k = 0; k < 2 * NWAYS; k++) {
			size_t i = (k + r) % (2 * NWAYS), s = i % 2, w = i / 2;

			if (setns(ns[s], CLONE_NEWNS))
				die("setns");
			cold[s][w][r] = ways[w].run();
			for (int j = 0; j < WARM; j++)
				t[s][w][r] = ways[w].run();
		}
	for (size_t w = 0; w < NWAYS; w++) {
		double a = bench_median(t[0][w], runs), b = bench_median(t[1][w], runs);

		printf("readview,%s,%.0f,%.0f,%.2f\n", ways[w].name, a, b, b / a);
	}
	for (size_t w = 0; w < NWAYS; w++) {
		double a = bench_median(cold[0][w], runs),
		       b = bench_median(cold[1][w], runs);

		printf("readview,%s_cold,%.0f,%.0f,%.2f\n", ways[w].name, a, b,
		       b / a);
	}
	printf("readview,source,%s,layers_field,%d\n",
	       source == OVL_SOURCE_STATMOUNT ? "statmount" :
	       source == OVL_SOURCE_XATTR ? "xattr" :
	       source == OVL_SOURCE_MOUNTINFO ? "mountinfo" : "?",
	       layers_field);
	return 0;
}
