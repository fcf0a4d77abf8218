// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The debug suite's guest program (tests/debug/run boots it on the debug
 * kernel, build/kernel-debug/: KASAN, kmemleak, fault injection).
 *
 *   debug_stress OUTDIR patched
 *	the mount fault sequences (fail-nth over the whole range; failslab
 *	alone, then with fail_page_alloc; each twice), recorded in
 *	OUTDIR/mount-faults.patched.<cfg>.<run>; N1 mounts of 1 lower
 *	(+ upper, work) and N500 mounts of 500 lowers, each root's value
 *	checked; the read race (4 readers, RACE_READS reads, every other
 *	one through statmount(2) by fd, lazy unmounts under them); read
 *	path fault sequences (xattr size-0 probe and buffer, statmount(2);
 *	small and 500-layer values); kmemleak and the kernel log.
 *   debug_stress OUTDIR unpatched
 *	on overlay-unpatched.ko: the same mount fault sequences, run 1
 *	compared index by index with the patched boot's (asserted for
 *	failslab alone, the one that numbers its faults reproducibly); no
 *	layers xattr; kmemleak and the kernel log.
 *
 * Every check counts as passed or failed; the counts and numbers go to
 * OUTDIR/summary.<module> ("key value" lines) and the console.  The
 * kernel log is drained from /dev/kmsg after every step into
 * OUTDIR/dmesg.<module> (fault injection makes the kernel print page
 * allocation failures, which would overrun its ring buffer otherwise),
 * and kmemleak's report is saved in OUTDIR/kmemleak.<module>.
 *
 * Environment: DEBUG_N1, DEBUG_N500 (mounts, default 1000 and 100),
 * DEBUG_RACE_READS (default 100000), DEBUG_ONLY_MOUNT_FAULTS (set: the
 * mount fault sequences and the final checks only).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../lib/missing.h"

#define XATTR "trusted.overlay.layers"
#define OVERLAYFS_MAGIC 0x794c7630
#define VAL_MAX 65536
#define NLOWER 500
#define FAULT_CAP 100000	/* no sequence may need more indexes */

static const char *outdir, *module;
static char base[] = "/tmp/ovt-debug";
static int passed, failed;

/* ---- checks and messages ------------------------------------------ */

static void check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("debug: %s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* a setup step that must work: the suite cannot go on without it */
static void need(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void need(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	printf("debug: FAIL: cannot go on: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 10) : def;
}

static char *pathf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static char *pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	need(n > 0 && (size_t)n < size, "path too long");
	return buf;
}

static void mkdir_or_die(const char *path)
{
	need(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s: %m", path);
}

static void tmpfs_at(const char *path)
{
	mkdir_or_die(path);
	need(!mount("tmpfs", path, "tmpfs", 0, "mode=0755"),
	     "mount tmpfs %s: %m", path);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	need(fd >= 0, "open %s: %m", path);
	n = write(fd, s, strlen(s));
	need(n == (ssize_t)strlen(s), "write '%s' to %s: %m", s, path);
	need(!close(fd), "close %s: %m", path);
}

/* ---- the kernel log ------------------------------------------------ */

static int kmsg_fd = -1;
static FILE *kmsg_out;
static struct {
	long records, lost, kasan, warning, bug, oops, alloc_fail, in_use;
} km;
static char report[8192];	/* the first report's first lines */
/* which capability the last injected fault came from (verbose=1 says) */
enum { F_NONE, F_SLAB, F_PAGE, F_OTHER };
static const char *const fault_name[] = { "-", "failslab", "fail_page_alloc",
					  "other" };
static int last_fault;
static int report_lines;	/* lines still to copy into report */

static void report_add(const char *line)
{
	size_t used = strlen(report);

	if (used + strlen(line) + 2 < sizeof(report)) {
		strcat(report, line);
		strcat(report, "\n");
	}
}

static void kmsg_classify(char *msg)
{
	int first = !km.kasan && !km.warning && !km.bug && !km.oops;
	int hit = 1;

	if (strstr(msg, "BUG: KASAN") || strstr(msg, "KASAN: "))
		km.kasan++;
	else if (strstr(msg, "WARNING:"))
		km.warning++;
	else if (strstr(msg, "BUG:"))
		km.bug++;
	else if (strstr(msg, "Oops"))
		km.oops++;
	else
		hit = 0;
	if (strstr(msg, "FAULT_INJECTION: forcing a failure"))
		last_fault = strstr(msg, "name failslab") ? F_SLAB :
			     strstr(msg, "name fail_page_alloc") ? F_PAGE :
			     F_OTHER;
	if (strstr(msg, "page allocation failure"))
		km.alloc_fail++;
	if (strstr(msg, "is in-use as"))
		km.in_use++;
	if (hit && first)
		report_lines = 25;
	if (report_lines > 0) {
		report_add(msg);
		report_lines--;
	}
}

/* everything the kernel logged since the last call */
static void kmsg_drain(void)
{
	static char rec[8192];

	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		char *msg, *end;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {	/* overwritten: say so */
			km.lost++;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return;
		need(n >= 0, "read /dev/kmsg: %m");
		rec[n] = '\0';
		/* "prio,seq,usec,flags;text\n" then " KEY=value" lines */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		fprintf(kmsg_out, "%s\n", msg);
		km.records++;
		kmsg_classify(msg);
	}
}

/* ---- the value ------------------------------------------------------ */

static uint32_t u32at(const unsigned char *p, size_t off)
{
	uint32_t x;

	memcpy(&x, p + off, sizeof(x));
	return x;
}

/*
 * The frame of a format 2 description (docs/layers-format.md): header,
 * length, count, tables inside the value, each entry's size; NULL if
 * good.  The fields themselves are the vm suite's to check.
 */
static const char *bad_value(const unsigned char *v, ssize_t n,
			     unsigned int count)
{
	static char why[128];
	size_t fs_off, layer_off, nr_fs, nr;

	if (n < 32)
		return "shorter than the header";
	if (u32at(v, 0) != 32 || u32at(v, 4) != (uint32_t)n) {
		snprintf(why, sizeof(why), "header size %u, len %u of %zd",
			 u32at(v, 0), u32at(v, 4), n);
		return why;
	}
	fs_off = u32at(v, 8);
	nr_fs = u32at(v, 12);
	layer_off = u32at(v, 16);
	nr = u32at(v, 20);
	if (nr != count) {
		snprintf(why, sizeof(why), "%zu layers, not %u", nr, count);
		return why;
	}
	if (fs_off != 32 || !nr_fs || nr_fs > nr ||
	    layer_off != fs_off + 48 * nr_fs || layer_off + 48 * nr > (size_t)n)
		return "tables outside the value";
	for (size_t i = 0; i < nr_fs; i++)
		if (u32at(v, fs_off + 48 * i) != 48)
			return "a filesystem entry's size is not 48";
	for (size_t i = 0; i < nr; i++)
		if (u32at(v, layer_off + 48 * i) != 48)
			return "a layer entry's size is not 48";
	return NULL;
}

/* ---- statmount(2): the same description ------------------------------ */

static unsigned char sm_buf[4 << 20] __attribute__((aligned(8)));

/*
 * The layers through statmount(2), by mount ID (fd < 0) or by fd
 * (STATMOUNT_BY_FD, for a detached overlay): copied into buf, at most
 * size bytes; the length, or -1 and errno (ENODATA: the answer has no
 * layers).  A read of sm_buf by one process at a time: the race's readers
 * are processes of their own.
 */
static ssize_t sm_layers(uint64_t id, int fd, unsigned char *buf, size_t size)
{
	struct ovl_mnt_id_req req = {
		.size = sizeof(req), .mnt_id = id, .param = OVL_SM_FS_LAYERS,
	};
	const struct ovl_statmount *sm = (const struct ovl_statmount *)sm_buf;
	unsigned int flags = 0;

	if (fd >= 0) {
		req.fd = fd;
		req.mnt_id = 0;
		flags = OVL_STATMOUNT_BY_FD;
	}
	if (syscall(SYS_statmount, &req, sm_buf, sizeof(sm_buf), flags))
		return -1;
	if (!(sm->mask & OVL_SM_FS_LAYERS)) {
		errno = ENODATA;
		return -1;
	}
	if (sm->fs_layers_len > size ||
	    sm->fs_layers > sizeof(sm_buf) - sizeof(*sm) - sm->fs_layers_len) {
		errno = EOVERFLOW;
		return -1;
	}
	memcpy(buf, sm->str + sm->fs_layers, sm->fs_layers_len);
	return sm->fs_layers_len;
}

static uint64_t mount_id_of(const char *path)
{
	struct statx stx;

	need(!statx(AT_FDCWD, path, 0, STATX_MNT_ID_UNIQUE, &stx) &&
	     (stx.stx_mask & STATX_MNT_ID_UNIQUE),
	     "statx %s: no unique mount ID: %m", path);
	return stx.stx_mnt_id;
}

/* ---- mounting ------------------------------------------------------- */

enum step {
	S_OK, S_FSOPEN, S_UPPER, S_WORK, S_LOWER, S_CREATE, S_FSMOUNT,
	S_MOVE, S_NSTEPS
};
static const char *const step_name[S_NSTEPS] = {
	"ok", "fsopen", "fsconfig-upperdir", "fsconfig-workdir",
	"fsconfig-lowerdir+", "fsconfig-create", "fsmount", "move_mount",
};

struct layers {
	const char *upper, *work;	/* both or neither */
	int nlower;
	char (*lower)[PATH_MAX];
};

/*
 * fsopen .. fsconfig .. CMD_CREATE .. fsmount .. move_mount onto target;
 * S_OK, or the step that failed with *err its errno.  No syscall besides
 * those, so that a fail-nth write before it counts only theirs.
 */
static enum step ovl_mount(const struct layers *l, const char *target,
			   int *err)
{
	enum step s = S_FSOPEN;
	int fd, mfd = -1;

	fd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fd < 0)
		goto fail;
	s = S_UPPER;
	if (l->upper && fsconfig(fd, FSCONFIG_SET_STRING, "upperdir", l->upper,
				 0))
		goto fail;
	s = S_WORK;
	if (l->work && fsconfig(fd, FSCONFIG_SET_STRING, "workdir", l->work,
				0))
		goto fail;
	s = S_LOWER;
	for (int i = 0; i < l->nlower; i++)
		if (fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", l->lower[i],
			     0))
			goto fail;
	s = S_CREATE;
	if (fsconfig(fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		goto fail;
	s = S_FSMOUNT;
	mfd = fsmount(fd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		goto fail;
	s = S_MOVE;
	if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH))
		goto fail;
	close(mfd);
	close(fd);
	return S_OK;
fail:
	*err = errno;
	if (mfd >= 0)
		close(mfd);
	if (fd >= 0)
		close(fd);
	return s;
}

static char (*lowers)[PATH_MAX];	/* NLOWER layer directories */
static unsigned char val[VAL_MAX];

static void make_layers(void)
{
	char p[PATH_MAX];

	lowers = calloc(NLOWER, sizeof(*lowers));
	need(lowers != NULL, "calloc: %m");
	tmpfs_at(pathf(p, sizeof(p), "%s/L", base));
	for (int i = 0; i < NLOWER; i++) {
		pathf(lowers[i], sizeof(lowers[i]), "%s/L/l%d", base, i);
		mkdir_or_die(lowers[i]);
	}
	tmpfs_at(pathf(p, sizeof(p), "%s/U", base));
	mkdir_or_die(pathf(p, sizeof(p), "%s/U/u", base));
	mkdir_or_die(pathf(p, sizeof(p), "%s/U/w", base));
	mkdir_or_die(pathf(p, sizeof(p), "%s/m", base));
}

static char upper_dir[PATH_MAX], work_dir[PATH_MAX], target[PATH_MAX];

static struct layers small_layers(void)
{
	pathf(upper_dir, sizeof(upper_dir), "%s/U/u", base);
	pathf(work_dir, sizeof(work_dir), "%s/U/w", base);
	return (struct layers){ upper_dir, work_dir, 1, lowers };
}

static struct layers big_layers(void)
{
	return (struct layers){ NULL, NULL, NLOWER, lowers };
}

/* N mounts of l: each root's value read once and checked, then umount */
static void mount_many(const char *what, const struct layers *l, long n,
		       unsigned int count, double *secs)
{
	long good = 0, bad = 0;
	char first[512] = "";
	double t0 = now();

	for (long i = 0; i < n; i++) {
		const char *why;
		enum step s;
		ssize_t len;
		int err = 0;

		s = ovl_mount(l, target, &err);
		if (s != S_OK) {
			if (!bad++)
				snprintf(first, sizeof(first),
					 "mount %ld: %s: %s", i, step_name[s],
					 strerror(err));
			if (bad >= 10)
				break;
			continue;
		}
		len = getxattr(target, XATTR, val, sizeof(val));
		why = len < 0 ? strerror(errno) : bad_value(val, len, count);
		if (umount2(target, 0)) {
			if (!bad++)
				snprintf(first, sizeof(first),
					 "umount %ld: %m", i);
			break;
		}
		if (why) {
			if (!bad++)
				snprintf(first, sizeof(first),
					 "mount %ld: value: %s", i, why);
		} else {
			good++;
		}
		if (i % 100 == 99)
			kmsg_drain();
	}
	*secs = now() - t0;
	kmsg_drain();
	check(good == n && !bad,
	      "%s: %ld of %ld mounts with a good value (count %u), %.1f ms per mount%s%s",
	      what, good, n, count, good ? *secs * 1000 / good : 0.0,
	      bad ? "; first bad: " : "", first);
}

/* ---- fail-nth --------------------------------------------------------- */

static int nth_fd = -1;
static const char *cur_cfg = "";	/* the mount fault configuration */

static void nth_set(long n)
{
	char b[32];
	int len = snprintf(b, sizeof(b), "%ld", n);

	need(pwrite(nth_fd, b, len, 0) == len, "write %ld to fail-nth: %m",
	     n);
}

/* what is left of the count: 0 once the fault was injected */
static long nth_get(void)
{
	char b[32];
	ssize_t r = pread(nth_fd, b, sizeof(b) - 1, 0);

	need(r > 0, "read fail-nth: %m");
	b[r] = '\0';
	return strtol(b, NULL, 10);
}

static void fault_setup(void)
{
	static const char *const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "failslab/verbose", "1" },	/* one line, no stack */
		{ "failslab/verbose_ratelimit_interval_ms", "0" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "fail_page_alloc/verbose", "1" },
		{ "fail_page_alloc/verbose_ratelimit_interval_ms", "0" },
	};
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		write_file(pathf(p, sizeof(p), "/sys/kernel/debug/%s",
				 knobs[i][0]), knobs[i][1]);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	need(nth_fd >= 0, "open /proc/thread-self/fail-nth: %m");
}

struct outcome {
	int injected, fault;	/* fault: F_*, from the kernel log */
	enum step step;
	int err;
};

/*
 * The mount path with the n-th fault for n = 1, 2, ... until a mount
 * consumes no fault; outcomes in out[1..], the last n returned.
 * A mount that fails without a fault injected is a failure.
 */
static long mount_faults(const struct layers *l, struct outcome *out,
			 long *injected)
{
	long n, unforced = 0;
	char first[256] = "";

	*injected = 0;
	for (n = 1; n < FAULT_CAP; n++) {
		struct outcome *o = &out[n];
		long left;

		o->err = 0;
		kmsg_drain();
		last_fault = F_NONE;
		nth_set(n);
		o->step = ovl_mount(l, target, &o->err);
		left = nth_get();
		if (left)
			nth_set(0);
		o->injected = !left;
		*injected += o->injected;
		kmsg_drain();
		o->fault = last_fault;
		if (o->step == S_OK)
			need(!umount2(target, 0), "umount %s: %m", target);
		if (!o->injected && o->step != S_OK && !unforced++)
			snprintf(first, sizeof(first), "n=%ld: %s: %s", n,
				 step_name[o->step], strerror(o->err));
		if (!o->injected && o->step == S_OK)
			break;
	}
	check(n < FAULT_CAP, "mount path, %s faults: the sequence ends (n=%ld)",
	      cur_cfg, n);
	check(!unforced,
	      "mount path, %s faults: no mount failed without a fault%s%s",
	      cur_cfg, unforced ? "; first: " : "", first);
	return n;
}

static int same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->injected == b->injected && a->fault == b->fault &&
	       a->step == b->step && a->err == b->err;
}

static void save_outcomes(const char *path, const struct outcome *o,
			  long last)
{
	FILE *f = fopen(path, "w");

	need(f != NULL, "fopen %s: %m", path);
	for (long n = 1; n <= last; n++)
		fprintf(f, "%ld %d %s %d %s\n", n, o[n].injected,
			step_name[o[n].step], o[n].err, fault_name[o[n].fault]);
	need(!fclose(f), "write %s: %m", path);
}

static long load_outcomes(const char *path, struct outcome *o, long cap)
{
	FILE *f = fopen(path, "r");
	char name[64], fault[64];
	long n, last = 0;
	int inj, err;

	if (!f)
		return -1;
	while (fscanf(f, "%ld %d %63s %d %63s", &n, &inj, name, &err,
		      fault) == 5) {
		if (n != last + 1 || n >= cap)
			break;
		o[n].injected = inj;
		o[n].err = err;
		o[n].step = S_NSTEPS;
		o[n].fault = F_OTHER;
		for (int i = 0; i < 4; i++)
			if (!strcmp(fault, fault_name[i]))
				o[n].fault = i;
		for (int s = 0; s < S_NSTEPS; s++)
			if (!strcmp(name, step_name[s]))
				o[n].step = s;
		last = n;
	}
	fclose(f);
	return last;
}

/*
 * The read path with the n-th fault: a size-0 probe of the xattr (the
 * length, or an error), a read of the xattr into a buffer one
 * sentinel-filled page larger than the value (exactly the value, or an
 * error, and nothing written past it), or (READ_STATMOUNT) statmount(2)
 * of the mount (exactly the value, or an error).
 */
enum { READ_BUFFER, READ_PROBE, READ_STATMOUNT };

static void read_faults(const char *what, const char *path, int probe,
			const unsigned char *want, ssize_t want_len,
			long *injected_total)
{
	static unsigned char buf[VAL_MAX + 4096];
	long n, injected = 0, ok = 0, errors = 0, wrong = 0, unforced = 0;
	int errs[4] = { 0 }, nerrs = 0;
	char first[256] = "";
	size_t size = probe == READ_PROBE ? 0 : (size_t)want_len + 4096;
	uint64_t id = probe == READ_STATMOUNT ? mount_id_of(path) : 0;

	for (n = 1; n < FAULT_CAP; n++) {
		long left;
		ssize_t r;
		int err, good;

		if (probe != READ_PROBE)
			memset(buf, 0xa5, size);
		nth_set(n);
		if (probe == READ_STATMOUNT)
			r = sm_layers(id, -1, buf, size);
		else
			r = getxattr(path, XATTR, probe ? NULL : buf, size);
		err = errno;
		left = nth_get();
		if (left)
			nth_set(0);
		injected += !left;
		if (r < 0) {
			errors++;
			if (left && !unforced++)
				snprintf(first, sizeof(first),
					 "n=%ld: error %s without a fault",
					 n, strerror(err));
			for (int i = 0; i < nerrs && err; i++)
				if (errs[i] == err)
					err = 0;
			if (err && nerrs < 4)
				errs[nerrs++] = err;
		} else {
			good = r == want_len;
			if (good && probe != READ_PROBE) {
				good = !memcmp(buf, want, want_len);
				for (size_t i = want_len; i < size && good; i++)
					good = buf[i] == 0xa5;
			}
			if (good) {
				ok++;
			} else if (!wrong++) {
				snprintf(first, sizeof(first),
					 "n=%ld: %zd bytes, %zd expected%s", n,
					 r, want_len, r == want_len ?
					 ", bytes differ" : "");
			}
		}
		kmsg_drain();
		if (left && r >= 0)
			break;
	}
	kmsg_drain();
	*injected_total += injected;
	check(n < FAULT_CAP && !wrong && !unforced && ok >= 1,
	      "read path %s: n=1..%ld, %ld faults injected: %ld correct, %ld errors (%s%s%s%s%s%s%s), %ld wrong%s%s",
	      what, n, injected, ok, errors,
	      nerrs > 0 ? strerrorname_np(errs[0]) : "",
	      nerrs > 1 ? " " : "", nerrs > 1 ? strerrorname_np(errs[1]) : "",
	      nerrs > 2 ? " " : "", nerrs > 2 ? strerrorname_np(errs[2]) : "",
	      nerrs > 3 ? " " : "", nerrs > 3 ? strerrorname_np(errs[3]) : "",
	      wrong, *first ? "; first: " : "", first);
}

/* ---- the read race ---------------------------------------------------- */

#define READERS 4
#define RING 64
#define RACE_LIVE 3	/* overlays mounted at once; older ones detached */
#define READS_PER_FD 50

struct race_val {
	_Atomic unsigned long gen;	/* ULONG_MAX while being written */
	ssize_t len;
	unsigned char v[1024];
};

struct race {
	_Atomic unsigned long published;	/* gens < this are readable */
	_Atomic unsigned long detached;		/* gens < this are detached */
	_Atomic long claimed, ok, err, wrong, after_detach, fds, skipped;
	_Atomic long sm_ok, sm_after_detach;
	_Atomic int first_err;
	struct race_val ring[RING];
};

static struct {
	long ok, err, wrong, after_detach, mounts;
} race_stat;

static void race_reader(struct race *rc, long total, unsigned int seed)
{
	unsigned char want[1024], got[1024];
	char path[PATH_MAX];

	while (atomic_load(&rc->claimed) < total) {
		unsigned long pub = atomic_load(&rc->published), g;
		struct race_val *rv;
		struct statfs sf;
		ssize_t len;
		int fd;

		if (!pub) {
			sched_yield();
			continue;
		}
		g = pub - 1 - rand_r(&seed) % (pub < RACE_LIVE ? pub : RACE_LIVE);
		rv = &rc->ring[g % RING];
		/* a seqlock of sorts: the entry is g's before and after */
		if (atomic_load(&rv->gen) != g)
			continue;
		len = rv->len;
		memcpy(want, rv->v, sizeof(want));
		if (atomic_load(&rv->gen) != g)
			continue;
		fd = open(pathf(path, sizeof(path), "%s/R/m%lu", base, g),
			  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstatfs(fd, &sf) || sf.f_type != OVERLAYFS_MAGIC) {
			/* gone already: the directory under it, not counted */
			atomic_fetch_add(&rc->skipped, 1);
			if (fd >= 0)
				close(fd);
			continue;
		}
		atomic_fetch_add(&rc->fds, 1);
		for (int i = 0; i < READS_PER_FD; i++) {
			int det;
			ssize_t r;

			if (atomic_fetch_add(&rc->claimed, 1) >= total)
				break;
			det = atomic_load(&rc->detached) > g;
			/* every other read through statmount(2), by the fd */
			if (i % 2)
				r = sm_layers(0, fd, got, sizeof(got));
			else
				r = fgetxattr(fd, XATTR, got, sizeof(got));
			if (r < 0) {
				int zero = 0;

				atomic_fetch_add(&rc->err, 1);
				atomic_compare_exchange_strong(&rc->first_err,
							       &zero, errno);
			} else if (r == len && !memcmp(got, want, len)) {
				atomic_fetch_add(&rc->ok, 1);
				if (i % 2)
					atomic_fetch_add(&rc->sm_ok, 1);
				if (i % 2 && det)
					atomic_fetch_add(&rc->sm_after_detach,
							 1);
			} else {
				atomic_fetch_add(&rc->wrong, 1);
			}
			if (det)
				atomic_fetch_add(&rc->after_detach, 1);
		}
		close(fd);
	}
}

static void race_mount_dirs(unsigned long g, char *u, char *w, char *m)
{
	pathf(u, PATH_MAX, "%s/R/u%lu", base, g);
	pathf(w, PATH_MAX, "%s/R/w%lu", base, g);
	pathf(m, PATH_MAX, "%s/R/m%lu", base, g);
	mkdir_or_die(u);
	mkdir_or_die(w);
	mkdir_or_die(m);
}

static void read_race(long total, double *secs)
{
	struct race *rc;
	pid_t pids[READERS];
	unsigned long g = 0, detached = 0;
	long mount_errors = 0, value_errors = 0, children_ok = 0;
	char p[PATH_MAX], u[PATH_MAX], w[PATH_MAX], m[PATH_MAX];
	double t0 = now();

	rc = mmap(NULL, sizeof(*rc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	need(rc != MAP_FAILED, "mmap: %m");
	tmpfs_at(pathf(p, sizeof(p), "%s/R", base));
	fflush(stdout);
	for (int i = 0; i < READERS; i++) {
		pids[i] = fork();
		need(pids[i] >= 0, "fork: %m");
		if (!pids[i]) {
			race_reader(rc, total, 1234 + i);
			_exit(0);
		}
	}
	while (atomic_load(&rc->claimed) < total) {
		/* 1 to 4 lowers, so that the values of neighbours differ */
		struct layers l = { u, w, 1 + g % 4, lowers };
		struct race_val *rv = &rc->ring[g % RING];
		ssize_t len;
		int err;

		race_mount_dirs(g, u, w, m);
		if (ovl_mount(&l, m, &err) != S_OK) {
			if (!mount_errors++)
				printf("debug: race: mount %lu: %s\n", g,
				       strerror(err));
			if (mount_errors > 10)
				break;
			g++;
			continue;
		}
		atomic_store(&rv->gen, ULONG_MAX);
		len = getxattr(m, XATTR, rv->v, sizeof(rv->v));
		if (len < 0 || bad_value(rv->v, len, 3 + g % 4))
			value_errors++;
		rv->len = len;
		atomic_store(&rv->gen, g);
		atomic_store(&rc->published, g + 1);
		/* the oldest live one goes, under whoever reads it */
		while (detached + RACE_LIVE <= g) {
			pathf(m, sizeof(m), "%s/R/m%lu", base, detached);
			/* one whose mount failed is a plain directory */
			need(!umount2(m, MNT_DETACH) || errno == EINVAL,
			     "umount2 %s: %m", m);
			atomic_store(&rc->detached, ++detached);
		}
		g++;
		if (g % 16 == 0)
			kmsg_drain();
	}
	for (int i = 0; i < READERS; i++) {
		int st;

		need(waitpid(pids[i], &st, 0) == pids[i], "waitpid: %m");
		children_ok += WIFEXITED(st) && !WEXITSTATUS(st);
	}
	while (detached < g) {
		pathf(m, sizeof(m), "%s/R/m%lu", base, detached++);
		/* the ones whose mount failed are plain directories */
		if (umount2(m, MNT_DETACH) && errno != EINVAL)
			need(0, "umount2 %s: %m", m);
	}
	*secs = now() - t0;
	kmsg_drain();
	printf("debug: race: %lu overlays mounted and lazily unmounted, %ld reads (every other one by statmount(2) of the fd): %ld correct (%ld by statmount, %ld of those on detached overlays), %ld errors (first %s), %ld wrong; %ld on detached overlays; %ld fds, %ld opens of gone ones; %.1f s\n",
	       g, total, (long)rc->ok, (long)rc->sm_ok,
	       (long)rc->sm_after_detach, (long)rc->err,
	       rc->first_err ? strerrorname_np(rc->first_err) : "none",
	       (long)rc->wrong, (long)rc->after_detach, (long)rc->fds,
	       (long)rc->skipped, *secs);
	check(children_ok == READERS, "race: %ld of %d readers exited 0",
	      children_ok, READERS);
	check(!mount_errors && !value_errors,
	      "race: %ld mount errors, %ld bad values before the race",
	      mount_errors, value_errors);
	check(rc->ok + rc->err + rc->wrong == total,
	      "race: %ld reads counted, %ld made", (long)(rc->ok + rc->err +
	      rc->wrong), total);
	check(!rc->wrong, "race: %ld reads returned wrong bytes",
	      (long)rc->wrong);
	check(rc->ok > 0 && rc->after_detach > 0 && g > RACE_LIVE,
	      "race: it raced: %ld correct reads, %ld of them on detached overlays, %lu overlays",
	      (long)rc->ok, (long)rc->after_detach, g);
	check(rc->sm_ok > 0 && rc->sm_after_detach > 0,
	      "race: statmount(2) read %ld descriptions right, %ld of them of detached overlays",
	      (long)rc->sm_ok, (long)rc->sm_after_detach);
	race_stat.ok = rc->ok;
	race_stat.err = rc->err;
	race_stat.wrong = rc->wrong;
	race_stat.after_detach = rc->after_detach;
	race_stat.mounts = g;
	munmap(rc, sizeof(*rc));
}

/* ---- kmemleak ----------------------------------------------------------- */

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static long kmemleak_report(int *in_overlay, char *first, size_t size)
{
	char p[PATH_MAX], line[1024];
	FILE *f = fopen(KMEMLEAK, "r"), *out;
	long leaks = 0;
	int copy = 0;

	need(f != NULL, "open %s: %m", KMEMLEAK);
	out = fopen(pathf(p, sizeof(p), "%s/kmemleak.%s", outdir, module), "w");
	need(out != NULL, "fopen %s: %m", p);
	*in_overlay = 0;
	first[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		fputs(line, out);
		if (!strncmp(line, "unreferenced object", 19)) {
			leaks++;
			copy = leaks <= 2 ? 20 : 0;
		}
		if (strstr(line, "ovl_") || strstr(line, "[overlay]"))
			*in_overlay = 1;
		if (copy-- > 0 && strlen(first) + strlen(line) + 1 < size)
			strcat(first, line);
	}
	fclose(f);
	need(!fclose(out), "write %s: %m", p);
	return leaks;
}

/*
 * The mount path's fault sequence in one configuration of the
 * capabilities, run twice (the second run says whether the numbering is
 * deterministic); on the unpatched module, run 1 is compared index by
 * index with the patched boot's run 1.  Only failslab alone numbers the
 * faults the same way every time: with fail_page_alloc, the n-th fault
 * lands on a page allocation or not depending on how full the slabs are,
 * so two runs of one module in one boot differ; there the comparison is
 * printed, not asserted.
 */
struct mount_cfg {
	const char *name;
	const char *page_min_order;	/* "0": page faults too; "11": never */
	int strict;			/* assert the comparison */
	struct outcome run[2][FAULT_CAP], theirs[FAULT_CAP];
	long n[2], injected[2], self_mismatch, mismatch, worse;
};

static struct mount_cfg mf[2] = {
	{ .name = "slab", .page_min_order = "11", .strict = 1 },
	{ .name = "slab+page", .page_min_order = "0" },
};

/* differences of a (patched) and b (unpatched), printed; *worse: the
 * indexes where a's mount fails and b's does not */
static long compare_outcomes(const char *what, const struct outcome *a,
			     long na, const struct outcome *b, long nb,
			     long *worse)
{
	long mismatch = 0;

	*worse = 0;
	for (long n = 1; n <= na || n <= nb; n++) {
		const struct outcome *x = n <= na ? &a[n] : NULL;
		const struct outcome *y = n <= nb ? &b[n] : NULL;

		if (x && y && same_outcome(x, y))
			continue;
		mismatch++;
		if (x && x->step != S_OK && (!y || y->step == S_OK))
			++*worse;
		if (mismatch <= 20)
			printf("debug: %s n=%ld: %s%s %s (%s), %s%s %s (%s)\n",
			       what, n, x ? step_name[x->step] : "-",
			       x && x->injected ? "" : " uninjected",
			       x && x->err ? strerrorname_np(x->err) : "",
			       x ? fault_name[x->fault] : "-",
			       y ? step_name[y->step] : "-",
			       y && y->injected ? "" : " uninjected",
			       y && y->err ? strerrorname_np(y->err) : "",
			       y ? fault_name[y->fault] : "-");
	}
	return mismatch;
}

static void mount_fault_cfg(struct mount_cfg *c, const struct layers *l,
			    int patched)
{
	char p[PATH_MAX], what[96];
	long f[4] = { 0 }, st[S_NSTEPS] = { 0 }, theirs_n, w;

	cur_cfg = c->name;
	write_file("/sys/kernel/debug/fail_page_alloc/min-order",
		   c->page_min_order);
	for (int r = 0; r < 2; r++) {
		c->n[r] = mount_faults(l, c->run[r], &c->injected[r]);
		save_outcomes(pathf(p, sizeof(p), "%s/mount-faults.%s.%s.%d",
				    outdir, module, c->name, r + 1),
			      c->run[r], c->n[r]);
	}
	for (long n = 1; n <= c->n[0]; n++) {
		st[c->run[0][n].step]++;
		if (c->run[0][n].injected)
			f[c->run[0][n].fault]++;
	}
	printf("debug: mount path, %s faults: n=1..%ld, %ld injected (%ld failslab, %ld fail_page_alloc, %ld not logged: __GFP_NOWARN); outcomes:",
	       c->name, c->n[0], c->injected[0], f[F_SLAB], f[F_PAGE],
	       f[F_NONE] + f[F_OTHER]);
	for (int s = 0; s < S_NSTEPS; s++)
		if (st[s])
			printf(" %s %ld", step_name[s], st[s]);
	printf("\n");
	snprintf(what, sizeof(what), "mount path, %s faults, run 1 vs run 2",
		 c->name);
	c->self_mismatch = compare_outcomes(what, c->run[0], c->n[0],
					    c->run[1], c->n[1], &w);
	printf("debug: mount path, %s faults: run 2 n=1..%ld, %ld injected, %ld outcomes differ from run 1\n",
	       c->name, c->n[1], c->injected[1], c->self_mismatch);
	if (patched)
		return;
	theirs_n = load_outcomes(pathf(p, sizeof(p), "%s/mount-faults.patched.%s.1",
				       outdir, c->name), c->theirs, FAULT_CAP);
	check(theirs_n > 0, "the patched boot's outcomes (%s): n=1..%ld", p,
	      theirs_n);
	snprintf(what, sizeof(what), "mount path, %s faults, patched vs unpatched",
		 c->name);
	c->mismatch = compare_outcomes(what, c->theirs, theirs_n, c->run[0],
				       c->n[0], &c->worse);
	if (!c->strict) {
		printf("debug: mount path, %s faults: patched n=1..%ld, unpatched n=1..%ld: %ld outcomes differ, %ld where only the series' mount fails (not asserted: run 1 and run 2 of one module differ in %ld)\n",
		       c->name, theirs_n, c->n[0], c->mismatch, c->worse,
		       c->self_mismatch);
		return;
	}
	check(theirs_n > 0 && !c->worse,
	      "mount path, %s faults: no n where the series' mount fails and the unpatched one succeeds (%ld such n of %ld)",
	      c->name, c->worse, theirs_n);
	check(theirs_n > 0 && !c->mismatch,
	      "mount path, %s faults: patched n=1..%ld, unpatched n=1..%ld: %ld outcomes differ",
	      c->name, theirs_n, c->n[0], c->mismatch);
}

/* ---- main --------------------------------------------------------------- */


int main(int argc, char **argv)
{
	long n1 = env_long("DEBUG_N1", 1000), n500 = env_long("DEBUG_N500", 100);
	long race_reads = env_long("DEBUG_RACE_READS", 100000);
	long read_inj = 0, leaks;
	double t_start = now(), t1 = 0, t500 = 0, t_race = 0, t_fault;
	char p[PATH_MAX], leak_first[4096];
	struct layers sl, bl;
	int patched, in_overlay;
	FILE *sum;

	setvbuf(stdout, NULL, _IOLBF, 0);
	need(argc == 3 && (!strcmp(argv[2], "patched") ||
			   !strcmp(argv[2], "unpatched")),
	     "usage: debug_stress OUTDIR patched|unpatched");
	outdir = argv[1];
	module = argv[2];
	patched = !strcmp(module, "patched");

	need(!unshare(CLONE_NEWNS), "unshare: %m");
	need(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	     "make / private: %m");
	need(!mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) ||
	     errno == EBUSY, "mount debugfs: %m");
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	need(kmsg_fd >= 0, "open /dev/kmsg: %m");
	kmsg_out = fopen(pathf(p, sizeof(p), "%s/dmesg.%s", outdir, module),
			 "w");
	need(kmsg_out != NULL, "fopen %s: %m", p);
	kmsg_drain();
	/* boot's own suspects are not ours: report them, then forget them */
	write_file(KMEMLEAK, "scan");
	leaks = kmemleak_report(&in_overlay, leak_first, sizeof(leak_first));
	printf("debug: kmemleak before the tests: %ld suspects (cleared)\n",
	       leaks);
	write_file(KMEMLEAK, "clear");
	fault_setup();
	tmpfs_at(base);
	make_layers();
	pathf(target, sizeof(target), "%s/m", base);
	sl = small_layers();
	bl = big_layers();

	/* the xattr: there on the series' module, absent without it */
	{
		int err = 0;
		ssize_t len;

		need(ovl_mount(&sl, target, &err) == S_OK, "mount: %s",
		     strerror(err));
		len = getxattr(target, XATTR, val, sizeof(val));
		err = errno;
		if (patched)
			check(len > 0 && !bad_value(val, len, 3),
			      "the root answers a format 2 description of 3 layers (%zd bytes)",
			      len);
		else
			check(len < 0 && err == ENODATA,
			      "unpatched: no layers xattr (%s)",
			      len < 0 ? strerrorname_np(err) : "a value!");
		need(!umount2(target, 0), "umount: %m");
	}

	/* first, so both boots run them in the same state */
	t_fault = now();
	for (int c = 0; c < 2; c++)
		mount_fault_cfg(&mf[c], &sl, patched);
	t_fault = now() - t_fault;

	if (patched && !getenv("DEBUG_ONLY_MOUNT_FAULTS")) {
		const struct { const char *what; const struct layers *l;
			       unsigned int count; } rv[] = {
			{ "1 lower", &sl, 3 }, { "500 lowers", &bl, NLOWER },
		};
		static unsigned char want[VAL_MAX];

		mount_many("1 lower + upper", &sl, n1, 3, &t1);
		mount_many("500 lowers (lowerdir+)", &bl, n500, NLOWER, &t500);
		read_race(race_reads, &t_race);
		for (size_t i = 0; i < 2; i++) {
			ssize_t len;
			int err = 0;
			char what[64];

			need(ovl_mount(rv[i].l, target, &err) == S_OK,
			     "mount: %s", strerror(err));
			len = getxattr(target, XATTR, want, sizeof(want));
			need(len > 0 && !bad_value(want, len, rv[i].count),
			     "the %s value", rv[i].what);
			snprintf(what, sizeof(what), "%s, size-0 probe",
				 rv[i].what);
			read_faults(what, target, READ_PROBE, want, len,
				    &read_inj);
			snprintf(what, sizeof(what), "%s, buffer", rv[i].what);
			read_faults(what, target, READ_BUFFER, want, len,
				    &read_inj);
			snprintf(what, sizeof(what), "%s, statmount",
				 rv[i].what);
			read_faults(what, target, READ_STATMOUNT, want, len,
				    &read_inj);
			need(!umount2(target, 0), "umount: %m");
		}
	}

	/* the leaks, once every object had time to age (5 s) */
	nth_set(0);
	sleep(6);
	write_file(KMEMLEAK, "scan");
	sleep(6);
	write_file(KMEMLEAK, "scan");
	leaks = kmemleak_report(&in_overlay, leak_first, sizeof(leak_first));
	if (leaks)
		printf("debug: kmemleak: the first reports:\n%s", leak_first);
	check(!leaks, "kmemleak: %ld leaks%s", leaks,
	      leaks ? (in_overlay ? " (with overlayfs in a backtrace)" :
		       " (no overlayfs function in the backtraces)") : "");
	kmsg_drain();
	if (*report)
		printf("debug: the first kernel report:\n%s", report);
	check(!km.kasan, "kernel log: %ld KASAN reports", km.kasan);
	check(!km.warning && !km.bug && !km.oops,
	      "kernel log: %ld WARNINGs, %ld BUGs, %ld Oopses", km.warning,
	      km.bug, km.oops);
	check(!km.lost, "kernel log: %ld records lost (overwritten before read)",
	      km.lost);
	printf("debug: kernel log: %ld records, %ld page allocation failures reported, %ld in-use warnings\n",
	       km.records, km.alloc_fail, km.in_use);
	need(!fclose(kmsg_out), "write dmesg: %m");

	sum = fopen(pathf(p, sizeof(p), "%s/summary.%s", outdir, module), "w");
	need(sum != NULL, "fopen %s: %m", p);
	fprintf(sum, "module %s\npassed %d\nfailed %d\n", module, passed,
		failed);
	fprintf(sum, "mounts_1lower %ld\nmounts_500lower %ld\nsecs_1lower %.1f\nsecs_500lower %.1f\n",
		patched ? n1 : 0, patched ? n500 : 0, t1, t500);
	fprintf(sum, "race_reads %ld\nrace_ok %ld\nrace_err %ld\nrace_wrong %ld\nrace_after_detach %ld\nrace_mounts %ld\nsecs_race %.1f\n",
		race_stat.ok + race_stat.err + race_stat.wrong, race_stat.ok,
		race_stat.err, race_stat.wrong, race_stat.after_detach,
		race_stat.mounts, t_race);
	for (int c = 0; c < 2; c++)
		fprintf(sum, "mount_faults_%s_n %ld\nmount_faults_%s_injected %ld\nmount_faults_%s_n2 %ld\nmount_faults_%s_injected2 %ld\nmount_faults_%s_self_mismatch %ld\nmount_faults_%s_mismatch %ld\nmount_faults_%s_worse %ld\n",
			mf[c].name, mf[c].n[0], mf[c].name, mf[c].injected[0],
			mf[c].name, mf[c].n[1], mf[c].name, mf[c].injected[1],
			mf[c].name, mf[c].self_mismatch, mf[c].name,
			mf[c].mismatch, mf[c].name, mf[c].worse);
	fprintf(sum, "read_faults_injected %ld\nsecs_mount_faults %.1f\n",
		read_inj, t_fault);
	fprintf(sum, "kasan %ld\nkmemleak %ld\nwarning %ld\nbug %ld\noops %ld\nsecs_total %.1f\n",
		km.kasan, leaks, km.warning, km.bug, km.oops, now() - t_start);
	need(!fclose(sum), "write %s: %m", p);
	printf("debug: %s: %d passed, %d failed, %.1f s\n", module, passed,
	       failed, now() - t_start);
	return failed ? 1 : 0;
}
