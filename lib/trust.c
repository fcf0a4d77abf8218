// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who wrote a layers value: the kernel, or a user.
 *
 * Since Linux 6.7 overlayfs stores any "trusted.overlay.*" name a user
 * sets on an overlay inode (escaped, in the upper layer) and returns it on
 * read; with userxattr the same holds for "user.overlay.*", which any user
 * may set on an overlay mounted in a user namespace of their own.  So on a
 * kernel without the series, the value under our name is whatever a
 * container wrote.  Nothing the value says can tell the two apart (the
 * format is public), and neither can the overlay in question: a container
 * may set and remove the name between any two calls of ours.
 *
 * What can: the running overlayfs itself, asked on an overlay of our own
 * that no one else can reach.  We mount a small tmpfs, make two empty
 * directories in it and mount an overlay with those two as its lower
 * layers (no upper: nothing to set up, nothing written), then read the
 * layers name on that overlay's root:
 *
 *   a value      the series: the kernel describes every overlay, and no
 *                user can have stored anything on layers that only we
 *                could reach, made a moment before;
 *   ENODATA      6.7 or later without the series: the name is looked up
 *                as a user's (escaped), so any user can write it on an
 *                overlay of theirs, and a value there is never believed;
 *   EOPNOTSUPP   before 6.7: no overlay xattr can be set or read, nothing
 *                can be stored.
 *
 * Where the overlay is made (run_probe()), the first that works: detached,
 * in the calling thread (Linux 6.15+ takes layers on a detached mount);
 * in a child that shares our memory, in a mount namespace of its own
 * (privileged callers on older kernels); in a forked child in user and
 * mount namespaces of its own (callers without CAP_SYS_ADMIN, for the
 * user.* name).  trusted.* can only be read with CAP_SYS_ADMIN in the
 * initial user namespace, so anyone else gets "cannot tell" for it.
 * Anything else (the probe cannot mount, no user namespaces) is "cannot
 * tell", and a value is then not believed either.  (The series also
 * refuses setxattr(2) of the name with EPERM, overlayfs.rst; the probe
 * needs no upper layer to rely on that.)
 *
 * The answer holds for every overlay of the running kernel: all overlays
 * are served by the one overlay module loaded (a mounted overlay pins it).
 * It is kept in the process (not in a file, which would be one more thing
 * an attacker could try to write) and keyed by the boot id and the
 * identity of the loaded overlay module (its /sys/module directory, which
 * is made anew when the module is loaded again, and its srcversion where
 * the kernel has one; a built-in overlayfs keeps the directory for the
 * whole boot).  Where the key cannot be read (no sysfs) the kernel is
 * probed at every read.
 *
 * One file of about 720 lines: the probe's three ways share its system
 * calls, and the one read of a value (below) is made only as the
 * probe's answer allows.
 */
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* How long the probe may take before it is killed and counted as failed:
 * a tmpfs and an overlay mount, a few milliseconds on any machine. */
#define PROBE_TIMEOUT_MS	5000

/* One answer per name: [0] trusted.overlay.layers, [1] user.overlay.layers
 * on a userxattr overlay.  0: not probed; else enum ovl_layers_kernel or
 * -errno. */
struct probe_result {
	int answer[2];
};

/* ---- the probe itself: system calls only (the fork route's child may
 * call nothing that is not async-signal-safe) ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/* "N" into buf, for the uid and gid maps and fd paths (no stdio) */
static void put_uint(char *buf, unsigned int n)
{
	char tmp[16];
	int i = 0, j = 0;

	do
		tmp[i++] = (char)('0' + n % 10);
	while ((n /= 10));
	while (i)
		buf[j++] = tmp[--i];
	buf[j] = 0;
}

static int become_mapped_root(uid_t uid, gid_t gid)
{
	char map[48] = "0 ";

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -errno;
	if (write_file("/proc/self/setgroups", "deny"))
		return -EPERM;
	put_uint(map + 2, uid);
	strcat(map, " 1");
	if (write_file("/proc/self/uid_map", map))
		return -EPERM;
	put_uint(map + 2, gid);
	strcat(map, " 1");
	return write_file("/proc/self/gid_map", map) ? -EPERM : 0;
}

static void fd_path(char *buf, int fd, const char *sub)
{
	strcpy(buf, "/proc/self/fd/");
	put_uint(buf + strlen(buf), (unsigned int)fd);
	if (sub) {
		strcat(buf, "/");
		strcat(buf, sub);
	}
}

/* A small tmpfs, detached, with the two empty directories the probe's
 * overlay takes as its lower layers: its mount fd. */
static int probe_tmpfs(void)
{
	int fs, tmp, err = 0;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "1m", 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		err = -errno;
	tmp = err ? -1 : (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (!err && tmp < 0)
		err = -errno;
	close(fs);
	if (!err && (mkdirat(tmp, "a", 0755) || mkdirat(tmp, "b", 0755)))
		err = -errno;
	if (err && tmp >= 0)
		close(tmp);
	return err ?: tmp;
}

/* An overlay of the two directories of tmp, lower layers only (no upper,
 * so no work directory to set up): its mount fd, detached. */
static int probe_overlay(int tmp, bool userxattr)
{
	char lower[64];
	int fs, mnt;

	fd_path(lower, tmp, "a:");
	fd_path(lower + strlen(lower), tmp, "b");
	fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", lower,
		    0) ||
	    (userxattr &&
	     syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "userxattr", NULL,
		     0)) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		goto fail;
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		goto fail;
	close(fs);
	return mnt;
fail:
	mnt = -errno;
	close(fs);
	return mnt;
}

/*
 * What the overlay ovl, made a moment ago over two empty directories that
 * only we can reach, answers for the layers name of one prefix.  No user
 * can have stored anything there, so a value is the kernel's own.
 */
static int ask(int ovl, const char *prefix)
{
	char link[64], name[64];
	ssize_t n;

	fd_path(link, ovl, NULL);
	strcpy(name, prefix);
	strcat(name, "overlay.layers");
	n = getxattr(link, name, NULL, 0);
	if (n > 0)
		return OVL_KERNEL_PRODUCES;
	if (!n)
		return -EIO;	/* an empty value: not the series' */
	switch (errno) {
	case ENODATA:		/* 6.7+: the name is looked up, a user's */
		return OVL_KERNEL_STORES;
	case EOPNOTSUPP:	/* before 6.7: no overlay.* name at all */
		return OVL_KERNEL_NO_XATTR;
	default:
		return -errno;
	}
}

/*
 * Both answers, on the tmpfs mount tmp (its directories reachable through
 * the fd: attached in a namespace of our own, or detached where the
 * kernel takes detached layers).  trusted.* is read only with
 * CAP_SYS_ADMIN in the initial user namespace: anyone else is told
 * ENODATA, which would say nothing, so -EPERM is the answer then.
 */
static void probe_on(int tmp, bool may_trusted, struct probe_result *res)
{
	int ovl;

	if (may_trusted) {
		ovl = probe_overlay(tmp, false);
		res->answer[0] = ovl < 0 ? ovl : ask(ovl, "trusted.");
		if (ovl >= 0) {
			close(ovl);
		} else if (ovl == -EINVAL) {
			/* the layers refused: the second overlay would be
			 * too, with one more line in the kernel's log */
			res->answer[1] = ovl;
			return;
		}
	} else {
		res->answer[0] = -EPERM;
	}
	/* One overlayfs answers for both prefixes (its own xattr handler
	 * serves trusted.overlay.* and, with userxattr, user.overlay.*):
	 * asked once where it could be. */
	if (res->answer[0] > 0) {
		res->answer[1] = res->answer[0];
	} else {
		ovl = probe_overlay(tmp, true);
		res->answer[1] = ovl < 0 ? ovl : ask(ovl, "user.");
		if (ovl >= 0)
			close(ovl);
	}
}

/* ---- the three ways to an overlay of our own ---- */

/* include/linux/proc_ns.h: the initial user namespace's inode number */
#define OVL_PROC_USER_INIT_INO	0xEFFFFFFDU

static bool have_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_SYS_ADMIN / 32].effective &
	       (1u << (CAP_SYS_ADMIN % 32));
}

static bool in_initial_userns(void)
{
	struct stat st;

	return !stat("/proc/self/ns/user", &st) &&
	       st.st_ino == OVL_PROC_USER_INIT_INO;
}

/*
 * 1. Detached, in the calling thread: Linux 6.15 and later take layers on
 * a detached mount (clone_private_mount() of an anonymous namespace's
 * root), so a tmpfs and an overlay that are never attached anywhere
 * serve, with no namespace and no process of our own.  -errno where the
 * kernel refuses (older ones: -EINVAL) or the caller may not mount.
 */
static bool takes_detached_layers(void)
{
	struct utsname u;
	unsigned int major, minor;

	/* each refusal is an error line in the kernel's log ("failed to
	 * clone lowerpath"): not tried where it is known to be refused */
	return !uname(&u) && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	       (major > 6 || (major == 6 && minor >= 15));
}

static int probe_detached(struct probe_result *res, bool may_trusted)
{
	int tmp;

	if (!takes_detached_layers())
		return -EINVAL;
	tmp = probe_tmpfs();
	if (tmp < 0)
		return tmp;
	probe_on(tmp, may_trusted, res);
	close(tmp);
	/* an overlay that could not be made (the older kernels' EINVAL for
	 * a detached layer) or read says nothing: the next way is tried */
	for (int k = 0; k < 2; k++)
		if (res->answer[k] < 0 && (k || may_trusted))
			return res->answer[k];
	return 0;
}

/* 2. A child that shares our memory (clone(2) CLONE_VM | CLONE_VFORK, the
 * way posix_spawn() makes one), in a mount namespace of its own with the
 * tmpfs on top of that namespace's root (a place that always exists,
 * which no one else sees): privileged callers on older kernels.  Unlike
 * a fork, nothing of the caller's page tables is copied; unlike a thread
 * (glibc's first pthread_create() in a process costs 12-17 ms under TCG,
 * a fork of criu's size 3-8, this 0.1-1.3), nothing of libc is set up.
 * We are suspended until it exits; it answers through a pipe, which also
 * holds where memory is not shared (valgrind makes such a clone a fork). */
struct child_answer {
	int err;			/* no namespace or tmpfs of its own */
	struct probe_result res;
};

#define PROBE_STACK	(256 * 1024)	/* room for sanitizer builds */

static int attach_in_own_ns(int *tmp)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	*tmp = probe_tmpfs();
	if (*tmp < 0)
		return *tmp;
	if (syscall(SYS_move_mount, *tmp, "", AT_FDCWD, "/",
		    MOVE_MOUNT_F_EMPTY_PATH))
		return -errno;
	return 0;
}

/*
 * Both children: a mount namespace of its own (with may_map, where it may
 * not have one, a user namespace too, in which it is root), the probe
 * there, the answer written to out.  System calls only, every signal
 * blocked.  A mapped root is not in the initial user namespace, so it
 * does not ask for trusted.*, which the VFS refuses it.
 */
static int probe_in_own_ns(int out, bool may_map)
{
	struct child_answer a = { 0 };
	uid_t uid = getuid();
	gid_t gid = getgid();
	int tmp = -1;

	a.err = unshare(CLONE_NEWNS) ? -errno : 0;
	if (a.err && may_map)
		a.err = become_mapped_root(uid, gid);
	if (!a.err)
		a.err = attach_in_own_ns(&tmp);
	if (!a.err)
		probe_on(tmp, have_sys_admin() && in_initial_userns(), &a.res);
	return write(out, &a, sizeof(a)) == sizeof(a) ? 0 : 2;
}

static int vm_child_main(void *arg)
{
	return probe_in_own_ns(*(int *)arg, false);
}

static int probe_vm_child(struct probe_result *res)
{
	struct child_answer a = { .err = -EIO };
	int pipefd[2], saved = errno, err = 0;
	sigset_t all, old;
	void *stack;
	pid_t pid;

	stack = mmap(NULL, PROBE_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	if (pipe2(pipefd, O_CLOEXEC)) {
		err = -errno;
		munmap(stack, PROBE_STACK);
		return err;
	}
	/* none of the caller's signal handlers may run in the child, which
	 * shares its memory (the child keeps this mask; ours comes back) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* no exit signal: the caller's SIGCHLD handler never hears of it */
	pid = clone(vm_child_main, (char *)stack + PROBE_STACK,
		    CLONE_VM | CLONE_VFORK, &pipefd[1]);
	if (pid < 0)
		err = -errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(pipefd[1]);
	if (!err) {
		if (read(pipefd[0], &a, sizeof(a)) != sizeof(a))
			a.err = -EIO;
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		err = a.err;
		if (!err)
			*res = a.res;
	}
	munmap(stack, PROBE_STACK);
	close(pipefd[0]);
	errno = saved;	/* the child's libc calls wrote our errno */
	return err;
}

/* 3. A forked child in a user namespace of its own, where it is root
 * (callers without CAP_SYS_ADMIN: the user name only), or in a mount
 * namespace of its own where way 2 could not be taken.  It is killed if
 * it does not answer in time. */
static int probe_fork(struct probe_result *res)
{
	struct child_answer a;
	struct pollfd pfd;
	int pipefd[2], st, err = 0;
	sigset_t all, old;
	ssize_t n = -1;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	/* fork without the caller's atfork handlers: the child makes system
	 * calls only, and they are no business of the caller's; nor are its
	 * signals (it keeps this mask, ours comes back) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		err = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (!pid) {
		close(pipefd[0]);
		_exit(probe_in_own_ns(pipefd[1], true));
	}
	close(pipefd[1]);
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, PROBE_TIMEOUT_MS) == 1)
		n = read(pipefd[0], &a, sizeof(a));
	if (n != sizeof(a)) {
		kill(pid, SIGKILL);
		err = -EIO;
	} else if (a.err) {	/* the last way: its failure is the answer */
		res->answer[0] = res->answer[1] = a.err;
	} else {
		*res = a.res;
	}
	close(pipefd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return err;
}

#ifdef OVL_TEST_SEAM
unsigned int ovl_test_probe_skip;
int ovl_test_probe_way;
#define SKIP(way) (ovl_test_probe_skip & (way))
#define ANSWERED_BY(n) (ovl_test_probe_way = (n))
#else
#define SKIP(way) false
#define ANSWERED_BY(n) ((void)0)
#endif

/* The first way the caller's privilege and the kernel allow. */
static int run_probe(struct probe_result *res)
{
	bool admin = have_sys_admin();
	bool may_trusted = admin && in_initial_userns();

	if (admin && !SKIP(OVL_TEST_NO_DETACHED) &&
	    !probe_detached(res, may_trusted)) {
		ANSWERED_BY(1);
		return 0;
	}
	memset(res, 0, sizeof(*res));
	if (admin && !SKIP(OVL_TEST_NO_VFORK) && !probe_vm_child(res)) {
		ANSWERED_BY(2);
		return 0;
	}
	memset(res, 0, sizeof(*res));
	ANSWERED_BY(3);
	return probe_fork(res);
}

/* The boot and the loaded overlay module, as one string; -errno where
 * they cannot be told (then nothing is cached). */
static int kernel_key(char *key, size_t size)
{
	char boot[64] = "", src[64] = "";
	struct stat st;
	ssize_t n;
	int fd;

	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, boot, sizeof(boot) - 1);
	close(fd);
	if (n < 32)
		return -EIO;
	boot[n] = 0;
	if (stat("/sys/module/overlay", &st))
		return -errno;
	fd = open("/sys/module/overlay/srcversion", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, src, sizeof(src) - 1);
		src[n > 0 ? n : 0] = 0;
		close(fd);
	}
	snprintf(key, size, "%.36s %llu:%llu %s", boot,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 src);
	return 0;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char key[160];
	struct probe_result res;
} cache;

int ovl_kernel_trust(bool userxattr, const struct ovl_log *lg)
{
	int i = userxattr ? 1 : 0, ret;
	struct probe_result res = { { 0, 0 } };
	char key[sizeof(cache.key)];
	bool keyed;

	keyed = !SKIP(~0u) && !kernel_key(key, sizeof(key));
	pthread_mutex_lock(&cache_lock);
	if (keyed && !strcmp(key, cache.key) && cache.res.answer[i]) {
		ret = cache.res.answer[i];
		pthread_mutex_unlock(&cache_lock);
		return ret;
	}
	ret = run_probe(&res);
	if (!ret) {
		ret = res.answer[i] ? res.answer[i] : -EIO;
		if (keyed) {
			if (strcmp(key, cache.key))
				memset(&cache.res, 0, sizeof(cache.res));
			strcpy(cache.key, key);
			/* "cannot tell" is kept too (no privilege to probe
			 * does not come back in a process), but not a
			 * shortage of fds or memory */
			for (int k = 0; k < 2; k++)
				if (res.answer[k] > 0 ||
				    (res.answer[k] < 0 &&
				     !ovl_fatal_errno(-res.answer[k])))
					cache.res.answer[k] = res.answer[k];
		}
	}
	pthread_mutex_unlock(&cache_lock);
	ovl_dbg(lg, "the running overlayfs, asked on an overlay of our own, %s "
		"%s: %s%s", ret == OVL_KERNEL_PRODUCES ? "produces" :
		ret == OVL_KERNEL_STORES ? "stores what a user sets as" :
		ret == OVL_KERNEL_NO_XATTR ? "has no" : "cannot say of",
		userxattr ? OVL_LAYERS_XATTR_USER : OVL_LAYERS_XATTR,
		ret < 0 ? strerror(-ret) : "answered",
		keyed ? "" : " (not cached: the boot or module cannot be told)");
	return ret;
}

OVL_EXPORT
int ovl_layers_kernel_probe(unsigned int flags, struct ovl_error *err)
{
	int ret;

	if (flags & ~OVL_PROBE_USERXATTR)
		return ovl_seterr(err, -EINVAL, "unknown flags");
	ret = ovl_kernel_trust(flags & OVL_PROBE_USERXATTR, NULL);
	return ovl_seterr(err, ret < 0 ? ret : 0,
		       ret == -EPERM ? "no privilege to mount the probe's "
		       "overlay, not even in a user namespace of its own" :
		       NULL) ?: ret;
}

/* ---- the value ---- */

#ifdef OVL_TEST_SEAM
int (*ovl_test_kernel_value)(int root, bool userxattr, unsigned char **val,
			     size_t *len);
#endif

/*
 * Whether the kernel would show us the xattr: trusted.* needs CAP_SYS_ADMIN
 * in the initial user namespace (capget(2) only tells the caller's own);
 * user.* on a userxattr overlay needs it in the overlay's user namespace,
 * which userspace cannot name, so the caller's own is taken.
 */
static bool may_read(bool userxattr)
{
	if (!have_sys_admin())
		return false;
	return userxattr || in_initial_userns();
}

static int read_xattr(int fd, const char *name, unsigned char **val,
		      size_t *len)
{
	char link[OVL_FD_PATH_MAX];

	ovl_fd_link(fd, link);
	for (int tries = 0; tries < 4; tries++) {
		ssize_t n = getxattr(link, name, NULL, 0);
		unsigned char *buf;

		if (n < 0)
			return -errno;
		buf = malloc(n ? n : 1);
		if (!buf)
			return -ENOMEM;
		n = getxattr(link, name, buf, n);
		if (n >= 0) {
			*val = buf;
			*len = n;
			return 0;
		}
		free(buf);
		if (errno != ERANGE)
			return -errno;
	}
	return -EIO;
}

/* The one read of a layers value from the kernel (internal.h). */
int ovl_kernel_value(int root, bool userxattr, const struct ovl_log *lg,
		     unsigned char **val, size_t *len, const char **why)
{
	const char *name = userxattr ? OVL_LAYERS_XATTR_USER : OVL_LAYERS_XATTR;
	char link[OVL_FD_PATH_MAX];
	int k, err;

#ifdef OVL_TEST_SEAM
	if (ovl_test_kernel_value && root >= 0) {
		err = ovl_test_kernel_value(root, userxattr, val, len);
		if (err <= 0)
			return err;
	}
#endif
	k = ovl_kernel_trust(userxattr, lg);

	if (k == OVL_KERNEL_PRODUCES) {
		if (root < 0) {
			*why = "cannot open the overlay's root: no mount of it "
			       "that shows it whole is reachable (covered by "
			       "another mount?)";
			return root;
		}
		err = read_xattr(root, name, val, len);
		/* without the privilege the kernel hides it as ENODATA */
		if (err == -ENODATA && !may_read(userxattr))
			err = -EPERM;
		*why = err == -EPERM ? (userxattr ?
			"no privilege to read the layers xattr (CAP_SYS_ADMIN "
			"in the overlay's user namespace)" :
			"no privilege to read the layers xattr (CAP_SYS_ADMIN "
			"in the initial user namespace)") :
		       err == -ENODATA ? "the kernel gives no layers xattr "
					 "for this overlay" :
		       err ? "cannot read the layers xattr" : NULL;
		return err;
	}
	if (k == OVL_KERNEL_NO_XATTR) {
		*why = "the kernel has no layers xattr (before Linux 6.7 no "
		       "overlay xattr can be set or read)";
		return -ENODATA;
	}
	/* a kernel that could not be asked may be one that hides its value
	 * from this caller: no privilege, as a kernel with the series says */
	if (k < 0 && !may_read(userxattr)) {
		*why = userxattr ?
		       "no privilege to read the layers xattr (CAP_SYS_ADMIN "
		       "in the overlay's user namespace)" :
		       "no privilege to read the layers xattr (CAP_SYS_ADMIN "
		       "in the initial user namespace)";
		return -EPERM;
	}
	/* whatever is under the name is a user's: not read, only seen (a
	 * covered root is not seen, and needs not be: nothing there would
	 * be believed) */
	if (root >= 0)
		ovl_fd_link(root, link);
	if (root >= 0 && getxattr(link, name, NULL, 0) >= 0) {
		*why = userxattr ?
		       "the user.overlay.layers value on the overlay's root "
		       "was stored by a user, not produced by this kernel" :
		       "the trusted.overlay.layers value on the overlay's root "
		       "was stored by a user, not produced by this kernel";
		return -EBADMSG;
	}
	*why = k == OVL_KERNEL_STORES ?
	       "the kernel does not produce the layers xattr (no series: a "
	       "value under its name would be a user's)" :
	       "cannot tell whether this kernel produces the layers xattr "
	       "(it could not be asked: no privilege to mount an overlay of "
	       "our own?), so no value under its name is believed";
	return -ENODATA;
}
