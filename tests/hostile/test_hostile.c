// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hostile containers and hostile images (root needed): the library, the
 * ovl-layers CLI and the CRIU plugin run as root on the host and look into
 * containers, which are not trusted, and read images directories, which
 * may come from another host.  Each test is an attack, made for real on
 * the host kernel, and the assertion that it failed closed: an error (or
 * a status) that names the layer, and nothing outside the container's
 * root or the yard described, recorded, opened for writing or mounted.
 *
 * The canary: a directory of the host, outside every container's root and
 * every yard, holding a file with a random token.  Every record a test
 * gets is checked not to name it (its file handle), every mount a test
 * makes is checked not to show the token, and after every test (the
 * teardown) the canary must be untouched: same inode, times and bytes.
 *
 * A container here is a child process in a mount namespace of its own,
 * chrooted into a directory of the test's tmpfs, which makes its mounts
 * with system calls (there is no shell inside) when the test tells it to.
 *
 * What is mocked, and why:
 *  - criu (tests/common/plugin_harness.h): the plugin is driven as criu
 *    3.17 drives it, on real mountpoints images made by crit;
 *  - SELinux: the host kernel has no LSM, so an overlay option
 *    context="...,..." cannot be mounted for real; fsconfig(2) is defined
 *    here, and answers the "context" key as SELinux would (accepted) and
 *    hands every other call to the kernel unchanged.
 * Everything else is real: mounts, symlinks, FUSE (/dev/fuse with no
 * daemon answering), btrfs subvolumes, squashfs, pids reused with clone3
 * set_tid.
 */
#include <check.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>

#include "ovllayers.h"
#include "kvalue.h"
#include "plugin_harness.h"
#include "testrun.h"

#if !defined(OVL_LAYERS_CLI) || !defined(OVT_TOP)
#error "build with -DOVL_LAYERS_CLI=\"/path/to/ovl-layers\" -DOVT_TOP=\"/repo\""
#endif

/* Internal to the library (linked statically here): the pieces that a
 * real kernel cannot feed a hostile value to. */
struct ovl_load_error {
	size_t offset;
	const char *reason;
};
int ovl_record_load(const char *text, size_t len, struct ovl_layers **out,
		    struct ovl_load_error *why);
int ovl_overlay_other_options(const char *raw, char **out, const char **why);
/* lib/internal.h: a view told to read its table from mountinfo */
void ovl_view_set_table_way(struct ovl_view *v, int way);
#define OVL_MOUNT_TABLE_MOUNTINFO 1

/* A read and a resolution in the view of process pid (0: ours), through a
 * view of it opened for the one call (1.x's ovl_layers_read(pid, ...)
 * and ovl_layers_resolve(l, pid, ...)). */
static int read_pid(pid_t pid, const char *path, unsigned int flags,
		    struct ovl_layers **out, struct ovl_error *err)
{
	struct ovl_view *v = NULL;
	int e = ovl_view_open(pid, 0, &v, err);

	if (e)
		return e;
	e = ovl_layers_read(v, -1, path, 0, flags, out, err);
	ovl_view_unref(v);
	return e;
}

static int resolve_pid(struct ovl_layers *l, pid_t pid, unsigned int flags,
		       unsigned int *unresolved, struct ovl_error *err)
{
	struct ovl_view *v = NULL;
	int e = ovl_view_open(pid, 0, &v, err);

	if (e)
		return e;
	e = ovl_layers_resolve(l, v, flags, unresolved, err);
	ovl_view_unref(v);
	return e;
}

/* ------------------------------------------------------------------ */
/* SELinux, mocked: fsconfig(2) as the library and the plugin call it */

static char fsconfig_log[4096];

int fsconfig(int fd, unsigned int cmd, const char *key, const void *value,
	     int aux)
{
	size_t n = strlen(fsconfig_log);

	if (key && n < sizeof(fsconfig_log) - 1)
		snprintf(fsconfig_log + n, sizeof(fsconfig_log) - n, "%s=%s\n",
			 key, cmd == FSCONFIG_SET_STRING && value ?
			 (const char *)value : "");
	/* SELinux takes a context= of its own; no LSM here to ask */
	if (cmd == FSCONFIG_SET_STRING && key && !strcmp(key, "context"))
		return 0;
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

/* ------------------------------------------------------------------ */
/* The canary */

static struct {
	char dir[PATHLEN], file[PATHLEN], token[64];
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h;
	struct stat dst, fst;
} canary;

static void hostile_setup(void)
{
	int mnt;

	plugin_setup();
	fmt(canary.dir, "%s", P("host/canary"));
	fmt(canary.file, "%s/secret", canary.dir);
	fmt(canary.token, "CANARY-%ld-%d", (long)time(NULL), (int)getpid());
	mkdir_p(canary.dir);
	write_text(canary.file, canary.token);
	canary.h.fh.handle_bytes = sizeof(canary.h.b);
	ck_assert(!name_to_handle_at(AT_FDCWD, canary.dir, &canary.h.fh, &mnt, 0));
	ck_assert(!stat(canary.dir, &canary.dst));
	ck_assert(!stat(canary.file, &canary.fst));
	fsconfig_log[0] = '\0';
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* After every test: the canary as it was (nothing written, renamed or
 * created in it), then the harness's teardown. */
static void hostile_teardown(void)
{
	struct stat d, f;
	char *text;

	ck_assert_msg(!stat(canary.dir, &d) && !stat(canary.file, &f),
		      "the canary is gone");
	ck_assert(d.st_ino == canary.dst.st_ino && f.st_ino == canary.fst.st_ino);
	ck_assert_msg(same_time(d.st_mtim, canary.dst.st_mtim) &&
		      same_time(d.st_ctim, canary.dst.st_ctim) &&
		      same_time(f.st_mtim, canary.fst.st_mtim) &&
		      same_time(f.st_ctim, canary.fst.st_ctim),
		      "the canary was written to");
	text = read_bytes(canary.file, NULL);
	ck_assert_str_eq(text, canary.token);
	free(text);
	plugin_teardown();
}

/* No record of l is the canary directory. */
static void ck_no_canary(const struct ovl_layers *l)
{
	for (unsigned int i = 0; l && i < ovl_layers_count(l); i++) {
		struct ovl_layer_record r;

		ck_assert_int_eq(ovl_layers_get_record(l, i, &r, sizeof(r)), (int)sizeof(r));
		ck_assert_msg(!(r.fh_type == canary.h.fh.handle_type &&
				r.fid_len == canary.h.fh.handle_bytes &&
				!memcmp(r.fid, canary.h.fh.f_handle, r.fid_len)),
			      "record %u is the host's canary directory", i);
	}
}

/* The canary's token is nowhere under dir (a mount the test made). */
static void ck_no_canary_under(const char *dir)
{
	char cmd[PATHLEN * 2];

	fmt(cmd, "grep -rqsF -- '%s' '%s'", canary.token, dir);
	ck_assert_msg(system(cmd) != 0, "the canary shows under %s", dir);
}

/* The record saved in file (a checkpoint record or a value). */
static struct ovl_layers *load_file(const char *file)
{
	struct ovl_layers *l = NULL;
	size_t len;
	char *text = read_bytes(file, &len);
	struct ovl_error *oe = ovl_error_new();
	int e = ovl_layers_load(text, len, &l, oe);

	ck_assert_msg(!e, "%s: %s", file, ovl_error_message(oe));
	ovl_error_free(oe);
	free(text);
	ck_no_canary(l);
	return l;
}

/* The file handle of dir (in the view of the test's own container pid, 0:
 * ours) equals record i's. */
static bool record_is_in(const struct ovl_layers *l, unsigned int i,
			 pid_t pid, const char *dir)
{
	struct {
		struct file_handle fh;
		unsigned char b[128];
	} h = { .fh.handle_bytes = 128 };
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT };
	struct ovl_layer_record r;
	char root[64];
	int mnt, rfd, fd;

	snprintf(root, sizeof(root), "/proc/%d/root", pid ? (int)pid : (int)getpid());
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rfd, 0);
	fd = (int)syscall(SYS_openat2, rfd, dir, &how, sizeof(how));
	close(rfd);
	ck_assert_msg(fd >= 0, "%s: %m", dir);
	ck_assert(!name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH));
	close(fd);
	ck_assert_int_eq(ovl_layers_get_record(l, i, &r, sizeof(r)), (int)sizeof(r));
	return r.fh_type == h.fh.handle_type && r.fid_len == h.fh.handle_bytes &&
	       !memcmp(r.fid, h.fh.f_handle, r.fid_len);
}

static bool record_is(const struct ovl_layers *l, unsigned int i,
		      const char *dir)
{
	return record_is_in(l, i, 0, dir);
}

static void ck_status(const struct ovl_layers *l, unsigned int i, int status,
		      const char *path)
{
	struct ovl_layer_location loc;

	ck_assert_int_eq(ovl_layers_get_location(l, i, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_msg(loc.status == status, "layer %u: %s, want %s", i,
		      ovl_layers_status_name(loc.status),
		      ovl_layers_status_name(status));
	if (path)
		ck_assert_str_eq(loc.path, path);
}

/* An overlay of two lower layers, t/l1 and t/l2 on a fresh tmpfs, at m,
 * in this process's namespace. */
static void host_overlay(unsigned long flags)
{
	char opts[PATHLEN * 2];

	mount_tmpfs("t");
	mkdir_p(P("t/l1"));
	mkdir_p(P("t/l2"));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s", P("t/l1"), P("t/l2"));
	ck_assert_msg(!mount("o", P("m"), "overlay", flags, opts), "mount: %m");
}

/* ------------------------------------------------------------------ */
/* The CLI: exit status, stdout and stderr of one run */

static char cli_out[PATHLEN], cli_err[PATHLEN];

/* The shell command of one run: how ("timeout 60", "exec") the CLI with
 * args, its output to cli_out and cli_err */
static void cli_cmd(char cmd[4096], const char *how, const char *args,
		    va_list ap) __attribute__((format(printf, 3, 0)));
static void cli_cmd(char cmd[4096], const char *how, const char *args,
		    va_list ap)
{
	char a[3072];

	vsnprintf(a, sizeof(a), args, ap);
	fmt(cli_out, "%s", P("cli.out"));
	fmt(cli_err, "%s", P("cli.err"));
	ck_assert(snprintf(cmd, 4096, "%s %s %s > %s 2> %s", how, OVL_LAYERS_CLI,
			   a, cli_out, cli_err) < 4096);
}

static int cli(const char *args, ...) __attribute__((format(printf, 1, 2)));
static int cli(const char *args, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, args);
	cli_cmd(cmd, "timeout 60", args, ap);
	va_end(ap);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static bool err_has(const char *s)
{
	char *text = read_bytes(cli_err, NULL);
	bool yes = strstr(text, s) != NULL;

	if (!yes)
		fprintf(stderr, "stderr lacks \"%s\":\n%s", s, text);
	free(text);
	return yes;
}

static char *out_text(void)
{
	return read_bytes(cli_out, NULL);
}

/* ------------------------------------------------------------------ */
/* Containers */

struct step {
	void (*fn)(char *arg);
	char arg[2048];
};

struct box {
	pid_t pid;
	int go, ack;	/* steps in, 'k' out per step */
};

static void __attribute__((noreturn)) box_die(const char *what, const char *arg)
{
	fprintf(stderr, "container %d: %s %s: %m\n", (int)getpid(), what, arg);
	_exit(3);
}

/* "a|b|c" into its fields, in place */
static int fields(char *arg, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = arg;
		arg = strchr(arg, '|');
		if (!arg)
			break;
		*arg++ = '\0';
	}
	return n;
}

static void c_mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		box_die("mkdir", path);
}

static void c_symlink(char *arg)	/* target|path */
{
	char *f[2] = { NULL, NULL };

	if (fields(arg, f, 2) != 2 || symlink(f[0], f[1]))
		box_die("symlink", arg);
}

static void c_tmpfs(char *path)
{
	c_mkdirs(path);
	if (mount("tmpfs", path, "tmpfs", 0, "mode=0755"))
		box_die("mount tmpfs", path);
}

static void c_overlay(char *arg)	/* target|options */
{
	char *f[2] = { NULL, NULL };

	if (fields(arg, f, 2) != 2)
		box_die("overlay", arg);
	c_mkdirs(f[0]);
	if (mount("ovl", f[0], "overlay", 0, f[1]))
		box_die("mount overlay", f[1]);
}

static void c_bind(char *arg)	/* from|to */
{
	char *f[2] = { NULL, NULL };

	if (fields(arg, f, 2) != 2)
		box_die("bind", arg);
	c_mkdirs(f[1]);
	if (mount(f[0], f[1], NULL, MS_BIND, NULL))
		box_die("bind", f[0]);
}

static void c_move(char *arg)	/* from|to */
{
	char *f[2] = { NULL, NULL };

	if (fields(arg, f, 2) != 2)
		box_die("move", arg);
	c_mkdirs(f[1]);
	if (mount(f[0], f[1], NULL, MS_MOVE, NULL))
		box_die("move", f[0]);
}

/* The container's root becomes a mount of its own (a recursive bind of
 * the directory onto itself), as a runtime's is: its mountinfo has "/". */
static void c_chroot(char *root)
{
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) || chroot(root) ||
	    chdir("/"))
		box_die("chroot", root);
}

static void c_proc(char *path)
{
	c_mkdirs(path);
	if (mount("proc", path, "proc", 0, NULL))
		box_die("mount proc", path);
}

static void c_write(char *arg)	/* path|text */
{
	char *f[2] = { NULL, NULL };
	int fd;

	if (fields(arg, f, 2) != 2)
		box_die("write", arg);
	fd = open(f[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, f[1], strlen(f[1])) < 0 || close(fd))
		box_die("write", f[0]);
}

static void c_mkdir(char *path)
{
	c_mkdirs(path);
}

static void c_open_fd(char *arg)	/* path|fd */
{
	char *f[2] = { NULL, NULL };
	int fd;

	if (fields(arg, f, 2) != 2)
		box_die("open", arg);
	fd = open(f[0], O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dup2(fd, atoi(f[1])) < 0)
		box_die("open", f[0]);
	close(fd);
}

/* A swapper, until the container ends: a and b (a directory and a
 * symlink) exchanged as fast as the kernel allows. */
static void c_swap_loop(char *arg)	/* a|b */
{
	char *f[2] = { NULL, NULL };
	pid_t pid;

	if (fields(arg, f, 2) != 2)
		box_die("swap", arg);
	pid = fork();
	if (pid < 0)
		box_die("fork", "swapper");
	if (pid)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		syscall(SYS_renameat2, AT_FDCWD, f[0], AT_FDCWD, f[1],
			RENAME_EXCHANGE);
}

/* The value in file, set as the xattr name on path (the attack the
 * library must not believe: the kernel stores it since 6.7). */
static ssize_t c_value(char *arg, char **f, char *v, size_t size)
{
	ssize_t n;
	int fd;

	if (fields(arg, f, 3) != 3)
		box_die("setxattr", arg);
	fd = open(f[2], O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, v, size);
	if (n <= 0)
		box_die("setxattr: read", f[2]);
	close(fd);
	return n;
}

static void c_setxattr(char *arg)	/* path|name|file */
{
	char *f[3] = { NULL, NULL, NULL };
	char v[4096];
	ssize_t n = c_value(arg, f, v, sizeof(v));

	if (setxattr(f[0], f[1], v, n, 0))
		box_die("setxattr", f[0]);
}

/* A racer, until the container ends: the value in file set as name on
 * path and removed again, as fast as the kernel allows. */
static void c_setxattr_loop(char *arg)	/* path|name|file */
{
	char *f[3] = { NULL, NULL, NULL };
	char v[4096];
	ssize_t n = c_value(arg, f, v, sizeof(v));
	pid_t pid;

	pid = fork();
	if (pid < 0)
		box_die("fork", "racer");
	if (pid)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		setxattr(f[0], f[1], v, n, 0);
		removexattr(f[0], f[1]);
	}
}

/* A FUSE mount whose daemon never answers (not even FUSE_INIT): every
 * request to it waits until the container ends. */
static int fuse_fd = -1;

static void c_fuse_stuck(char *path)
{
	char opts[128];

	c_mkdirs(path);
	fuse_fd = open("/dev/fuse", O_RDWR);
	if (fuse_fd < 0)
		box_die("open", "/dev/fuse");
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0",
		 fuse_fd);
	if (mount("stuck", path, "fuse", 0, opts))
		box_die("mount fuse", path);
}

/*
 * A mount table as large as a container may make it (issue 25, "bounded"):
 * under dir, a tmpfs holding a chain of 255-byte names about 16,000 bytes
 * deep, with mounts bind mounts of the tmpfs's src at its bottom (mount
 * points of 16,000 bytes: 800 MB of mountinfo at 50,000), and an overlay
 * at dir/ovl of layers lower layers (lowerdir+ by fd, one fsconfig each:
 * a string value is at most 256 bytes, mount(2)'s options a page) at
 * about 4,000-byte paths on that same tmpfs,
 * so that every bind mount is a mount of the layers' filesystem.  Paths
 * past PATH_MAX are reached step by step (chdir), and the binds are made
 * relative to the deep directory, from src by its fd.
 */
#define BIG_NAME_LEN	255
#define BIG_DEEP	62	/* 62 * 256: 15,872 bytes */
#define BIG_LAYER_DEEP	15	/* 15 * 256 + dir: about 4,000 */

static void big_chain(int depth, char c)
{
	char name[BIG_NAME_LEN + 1];

	memset(name, c, BIG_NAME_LEN);
	name[BIG_NAME_LEN] = '\0';
	for (int i = 0; i < depth; i++)
		if ((mkdir(name, 0755) && errno != EEXIST) || chdir(name))
			box_die("deep mkdir", name);
}

static void c_big_table(char *arg)	/* dir|mounts|layers */
{
	char *f[3] = { NULL, NULL, NULL }, src[64], name[32];
	static char layer[PATH_MAX];
	int nmounts, nlayers, srcfd, fsfd, mfd;
	size_t len;

	if (fields(arg, f, 3) != 3)
		box_die("big table", arg);
	nmounts = atoi(f[1]);
	nlayers = atoi(f[2]);
	c_tmpfs(f[0]);
	if (chdir(f[0]) || mkdir("src", 0755) || mkdir("ovl", 0755) ||
	    mkdir("deep", 0755) || mkdir("L", 0755))
		box_die("big table: mkdir in", f[0]);
	srcfd = open("src", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (srcfd < 0)
		box_die("open", "src");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", srcfd);
	if (chdir("deep"))
		box_die("chdir", "deep");
	big_chain(BIG_DEEP, 'd');
	for (int i = 0; i < nmounts; i++) {
		snprintf(name, sizeof(name), "%d", i);
		if (mkdir(name, 0755) || mount(src, name, NULL, MS_BIND, NULL))
			box_die("deep bind mount", name);
	}
	close(srcfd);
	/* the layers: dir/L/eee.../NNN, each given to the kernel whole */
	if (chdir(f[0]) || chdir("L"))
		box_die("chdir", "L");
	big_chain(BIG_LAYER_DEEP, 'e');
	len = (size_t)snprintf(layer, sizeof(layer), "%s/L", f[0]);
	for (int i = 0; i < BIG_LAYER_DEEP; i++) {
		layer[len++] = '/';
		memset(layer + len, 'e', BIG_NAME_LEN);
		len += BIG_NAME_LEN;
	}
	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		box_die("fsopen", "overlay");
	for (int i = 0; i < nlayers; i++) {
		int fd;

		snprintf(name, sizeof(name), "%03d", i);
		snprintf(layer + len, sizeof(layer) - len, "/%s", name);
		if (mkdir(name, 0755))
			box_die("mkdir", name);
		fd = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsconfig(fsfd, FSCONFIG_SET_FD, "lowerdir+", NULL, fd))
			box_die("lowerdir+", name);
		close(fd);
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		box_die("fsconfig create", "overlay");
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0 || chdir(f[0]) ||
	    move_mount(mfd, "", AT_FDCWD, "ovl",
		    MOVE_MOUNT_F_EMPTY_PATH))
		box_die("overlay of long layers at", "ovl");
	close(mfd);
	close(fsfd);
	if (chdir("/"))
		box_die("chdir", "/");
}

static void __attribute__((noreturn)) box_child(int go, int ack)
{
	struct step st;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		box_die("unshare", "");
	if (write(ack, "k", 1) != 1)
		_exit(4);
	while (read(go, &st, sizeof(st)) == (ssize_t)sizeof(st)) {
		st.fn(st.arg);
		if (write(ack, "k", 1) != 1)
			_exit(4);
	}
	_exit(0);
}

/* A new container; with tid, it gets that pid (clone3 set_tid). */
static struct box box_new_tid(pid_t tid)
{
	int go[2], ack[2];
	struct box b;
	char c;

	ck_assert(!pipe2(go, O_CLOEXEC) && !pipe2(ack, O_CLOEXEC));
	if (tid) {
		struct clone_args args = {
			.exit_signal = SIGCHLD,
			.set_tid = (uintptr_t)&tid,
			.set_tid_size = 1,
		};

		b.pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	} else {
		b.pid = fork();
	}
	ck_assert_msg(b.pid >= 0, "fork: %m");
	if (!b.pid) {
		close(go[1]);
		close(ack[0]);
		box_child(go[0], ack[1]);
	}
	close(go[0]);
	close(ack[1]);
	b.go = go[1];
	b.ack = ack[0];
	ck_assert_msg(read(b.ack, &c, 1) == 1, "the container did not start");
	return b;
}

static struct box box_new(void)
{
	return box_new_tid(0);
}

static void box_do(struct box *b, void (*fn)(char *), const char *fmt_, ...)
	__attribute__((format(printf, 3, 4)));
static void box_do(struct box *b, void (*fn)(char *), const char *fmt_, ...)
{
	struct step st = { .fn = fn };
	va_list ap;
	char c;

	va_start(ap, fmt_);
	ck_assert(vsnprintf(st.arg, sizeof(st.arg), fmt_, ap) < (int)sizeof(st.arg));
	va_end(ap);
	ck_assert(write(b->go, &st, sizeof(st)) == (ssize_t)sizeof(st));
	ck_assert_msg(read(b->ack, &c, 1) == 1, "container step failed: %s", st.arg);
}

static void box_end(struct box *b)
{
	int st;

	close(b->go);
	close(b->ack);
	kill(b->pid, SIGKILL);
	ck_assert_int_eq(waitpid(b->pid, &st, 0), b->pid);
}

/* The container most tests use: root c/, its layers on a tmpfs /lt of its
 * own (/lt/l1, /lt/l2 with a file each), chrooted. */
static struct box box_std(void)
{
	struct box b = box_new();

	mkdir_p(P("c"));
	box_do(&b, c_tmpfs, "%s", P("c/lt"));
	box_do(&b, c_mkdir, "%s", P("c/lt/l1"));
	box_do(&b, c_mkdir, "%s", P("c/lt/l2"));
	box_do(&b, c_write, "%s|one\n", P("c/lt/l1/f1"));
	box_do(&b, c_write, "%s|two\n", P("c/lt/l2/f2"));
	box_do(&b, c_chroot, "%s", P("c"));
	return b;
}

/* ------------------------------------------------------------------ */
/* Symlinks on every component the host resolves */

/* The issue's case: an absolute symlink on a layer's path in the task's
 * root names a host directory; the host follows it inside that root. */
START_TEST(t_abs_symlink_on_layer_path)
{
	struct box b = box_std();
	struct ovl_layers *l;
	char decoy[PATHLEN];

	/* inside, the absolute target is the container's own decoy */
	fmt(decoy, "%s%s", P("c"), canary.dir);
	mkdir_p(decoy);
	mkdir_p(P("c/x/B"));
	write_text(P("c/x/B/f1"), "one\n");
	ck_assert(!symlink(canary.dir, P("c/x/A")));
	box_do(&b, c_overlay, "/ov|lowerdir=/x/A:/x/B");
	ck_assert_int_eq(cli("-N %d --source mountinfo --record %s -o KIND,STATUS,PATH /ov",
			     (int)b.pid, P("rec.json")), 0);
	l = load_file(P("rec.json"));
	ck_assert(record_is(l, 0, decoy));	/* the container's, not the host's */
	ck_assert(record_is(l, 1, P("c/x/B")));
	ovl_layers_free(l);
	/* mounted from that record, in the host: the decoy, never the canary */
	mkdir_p(P("again"));
	ck_assert_int_eq(cli("mount --load %s %s", P("rec.json"), P("again")), 0);
	run("grep -qx one %s/f1", P("again"));
	ck_no_canary_under(P("again"));
	run("umount %s", P("again"));
	box_end(&b);
}
END_TEST

/* A relative symlink climbing out of the task's root: ".." stops at it. */
START_TEST(t_relative_symlink_climbing_out)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;

	mkdir_p(P("c/host/canary"));	/* the container's own */
	mkdir_p(P("c/x"));
	ck_assert(!symlink("../../../../../../../../host/canary", P("c/x/R")));
	box_do(&b, c_overlay, "/ov|lowerdir=/x/R:/lt/l2");
	ck_assert_int_eq(read_pid(b.pid, "/ov", OVL_READ_MOUNTINFO_ONLY,
					 &l, NULL), 0);
	ck_no_canary(l);
	ck_assert(record_is(l, 0, P("c/host/canary")));
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_OK, "/host/canary");
	ovl_layers_free(l);
	box_end(&b);
}
END_TEST

/* The overlay path given to -N: a symlink inside the task to the host's
 * own overlay, whose lower layer is the canary. */
START_TEST(t_overlay_path_symlink_to_host)
{
	struct box b;
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();
	char opts[PATHLEN * 2];

	mkdir_p(P("host/hovl"));
	mkdir_p(P("host/l2"));
	fmt(opts, "lowerdir=%s:%s", canary.dir, P("host/l2"));
	ck_assert(!mount("hovl", P("host/hovl"), "overlay", MS_RDONLY, opts));
	b = box_std();
	ck_assert(!symlink(P("host/hovl"), P("c/ovlink")));
	ck_assert_int_eq(cli("-N %d /ovlink", (int)b.pid), 1);
	ck_assert(err_has("/ovlink: cannot look up the path"));
	ck_assert_int_eq(read_pid(b.pid, "/ovlink", 0, &l, oe),
			 -ENOENT);
	ck_assert_ptr_null(l);
	box_end(&b);
	ck_assert(!umount(P("host/hovl")));
	ovl_error_free(oe);
}
END_TEST

/* ... and through the task's /proc: /proc/PID/root of a host process is a
 * magic link to the host's root. */
START_TEST(t_overlay_path_through_proc_magic_link)
{
	struct box b;
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();
	char opts[PATHLEN * 2], path[PATHLEN * 2];

	mkdir_p(P("host/hovl"));
	mkdir_p(P("host/l2"));
	fmt(opts, "lowerdir=%s:%s", canary.dir, P("host/l2"));
	ck_assert(!mount("hovl", P("host/hovl"), "overlay", MS_RDONLY, opts));
	b = box_std();
	box_do(&b, c_proc, "/proc");
	/* the test's process: its root has the host's overlay */
	fmt(path, "/proc/%d/root%s", (int)getpid(), P("host/hovl"));
	ck_assert_int_eq(read_pid(b.pid, path, 0, &l, oe), -ELOOP);
	ck_assert_str_eq(ovl_error_message(oe), "cannot look up the path");
	ck_assert_int_eq(cli("-N %d %s", (int)b.pid, path), 1);
	ck_assert(err_has("cannot look up the path"));
	box_end(&b);
	ck_assert(!umount(P("host/hovl")));
	ovl_error_free(oe);
}
END_TEST

/* A layer named through the container's /proc: lowerdir=/proc/self/root/X
 * is the container's X when the kernel mounts it, but "self" in a host
 * lookup under /proc/PID/root is the host tool, whose root is the host's:
 * X would be the host's canary.  Never described. */
START_TEST(t_layer_through_proc_magic_link)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();
	char decoy[PATHLEN];

	fmt(decoy, "%s%s", P("c"), canary.dir);	/* the container's own X */
	mkdir_p(decoy);
	box_do(&b, c_proc, "/proc");
	box_do(&b, c_overlay, "/ov|lowerdir=/proc/self/root%s:/lt/l1", canary.dir);
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, oe), -ELOOP);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "magic link out of the task's root"));
	ck_assert_ptr_null(l);
	ck_assert_int_eq(cli("-N %d /ov", (int)b.pid), 1);
	/* the CLI names the layer (the library's log line) */
	ck_assert(err_has("/ov: lower layer 1 (/proc/self/root"));
	ck_assert(err_has("): leads through a magic link out of the task's root"));
	box_end(&b);
	ovl_error_free(oe);
}
END_TEST

/* A layer given to the kernel as /proc/self/fd/N: the string names the
 * mounter's fd, which in the host's lookup would be the host tool's own. */
START_TEST(t_layer_given_as_fd)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();

	box_do(&b, c_proc, "/proc");
	/* the container's fd 9 is its /lt/l1, opened before it mounts */
	box_do(&b, c_open_fd, "/lt/l1|9");
	box_do(&b, c_overlay, "/ov|lowerdir=/proc/self/fd/9:/lt/l2");
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, oe), -EINVAL);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "given as a file descriptor"));
	ck_assert_int_eq(cli("-N %d /ov", (int)b.pid), 1);
	ck_assert(err_has("given as a file descriptor"));
	box_end(&b);
	ovl_error_free(oe);
}
END_TEST

/* A symlink on the path of a layer's mount point: the mount is covered by
 * a tmpfs whose entry of that name is a symlink to the host.  The mount
 * point is never followed through it. */
START_TEST(t_symlink_on_mount_point_path)
{
	struct box b = box_new();
	struct ovl_layers *l = NULL;

	mkdir_p(P("c"));
	mkdir_p(P("vol/l2"));
	mkdir_p(P("vol/l1"));	/* a host volume the container has, same
				 * filesystem as the canary */
	box_do(&b, c_bind, "%s|%s", P("vol"), P("c/m1/canary"));
	box_do(&b, c_chroot, "%s", P("c"));
	box_do(&b, c_overlay, "/ov|lowerdir=/m1/canary/l1:/m1/canary/l2");
	ck_assert_int_eq(cli("-N %d --record %s /ov", (int)b.pid, P("rec.json")), 0);
	l = load_file(P("rec.json"));
	/* cover /m1; in the new /m1, "canary" -> the host's canary's parent */
	box_do(&b, c_tmpfs, "/m1");
	box_do(&b, c_symlink, "%s|/m1/canary", P("host"));
	ck_assert_int_eq(resolve_pid(l, b.pid, OVL_RESOLVE_FD, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_UNREACHABLE, NULL);
	ovl_layers_free(l);
	ck_assert_int_eq(cli("-N %d --load %s -o KIND,STATUS,ID,ROOT", (int)b.pid,
			     P("rec.json")), 2);
	ck_assert_int_eq(cli("-N %d --source mountinfo /ov", (int)b.pid), 1);
	ck_assert(err_has("the path strings are stale"));
	box_end(&b);
}
END_TEST

/* A symlink swapped in and out of a layer's path while the host reads and
 * resolves it (RENAME_EXCHANGE in a loop, for three seconds): every answer
 * is the container's directory or an error, never the host's. */
START_TEST(t_symlink_swapped_while_resolving)
{
	struct box b = box_std();
	struct timespec t0, t;
	unsigned int reads = 0, ok = 0, errors = 0;

	mkdir_p(P("c/x/L"));
	mkdir_p(P("c/x/L/lay"));
	ck_assert(!symlink(P("host"), P("c/x/S")));	/* -> the canary's parent */
	mkdir_p(P("host/lay"));	/* what the host would find through it */
	box_do(&b, c_overlay, "/ov|lowerdir=/x/L/lay:/lt/l1");
	box_do(&b, c_swap_loop, "/x/L|/x/S");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct ovl_layers *l = NULL;
		int e = read_pid(b.pid, "/ov", OVL_READ_MOUNTINFO_ONLY,
					&l, NULL);

		reads++;
		if (!e) {
			ck_no_canary(l);
			ck_assert_msg(!record_is(l, 0, P("host/lay")),
				      "read %u recorded the host's directory", reads);
			ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
			ok++;
		} else {
			ck_assert_msg(e == -ENOENT || e == -ENOTDIR, "read %u: %s",
				      reads, ovl_layers_strerror(e));
			errors++;
		}
		ovl_layers_free(l);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 3);
	fprintf(stderr, "hostile: symlink swap: %u reads, %u described, %u refused\n",
		reads, ok, errors);
	ck_assert_uint_gt(reads, 10);
	box_end(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Mount identity */

/* The issue's case: mount --bind lt/sub lt.  Mount 64 (the tmpfs) is no
 * longer at /lt; the bind mount (root /sub) is, with the same st_dev.  The
 * layer is found through the bind mount and named by it. */
START_TEST(t_bind_of_same_fs_over_mount_point)
{
	struct box b = box_new();
	struct ovl_layers *l;
	struct mnt lt, bound;
	char *json, want[256];

	mkdir_p(P("c"));
	box_do(&b, c_chroot, "%s", P("c"));
	box_do(&b, c_tmpfs, "/lt");
	box_do(&b, c_mkdir, "/lt/sub/l1");
	box_do(&b, c_mkdir, "/lt/l2");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/sub/l1:/lt/l2");
	ck_assert_int_eq(cli("-N %d --record %s /ov", (int)b.pid, P("rec.json")), 0);
	lt = mount_at_in(b.pid, "/lt");
	box_do(&b, c_bind, "/lt/sub|/lt");
	bound = mount_at_in(b.pid, "/lt");
	ck_assert_int_ne(bound.id, lt.id);
	ck_assert_str_eq(bound.root, "/sub");
	/* l2 is only on the covered tmpfs: unreachable, exit 2 */
	ck_assert_int_eq(cli("-N %d --load %s -r -n -o INDEX,ID,ROOT,PATH,STATUS",
			     (int)b.pid, P("rec.json")), 2);
	json = out_text();
	fmt(want, "1 %d /l1 /lt/l1 ok\n2    unreachable\n", bound.id);
	ck_assert_str_eq(json, want);
	free(json);
	l = load_file(P("rec.json"));
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 1, OVL_STATUS_UNREACHABLE, NULL);
	ovl_layers_free(l);
	box_end(&b);
}
END_TEST

/* A layer's mount moved after the descriptor was read: found at its new
 * place under the same mount ID; moved under a mount that hides it:
 * unreachable, never a path that leads elsewhere. */
START_TEST(t_mount_moved_after_read)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;
	struct ovl_layer_location loc;
	struct mnt lt = mount_at_in(b.pid, "/lt");

	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1:/lt/l2");
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, NULL), 0);
	box_do(&b, c_move, "/lt|/moved/here");
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_OK, "/moved/here/l1");
	ck_assert_int_eq(ovl_layers_get_location(l, 0, &loc, sizeof(loc)), (int)sizeof(loc));
	ck_assert_int_eq(loc.mnt_id, lt.id);
	box_do(&b, c_tmpfs, "/moved");
	box_do(&b, c_mkdir, "/moved/here/l1");	/* a decoy at the old path */
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_UNREACHABLE, NULL);
	ovl_layers_free(l);
	box_end(&b);
}
END_TEST

/* Two overlays stacked on one mount point: each read and listed by its
 * own mount ID, never the top one's layers for both. */
START_TEST(t_stacked_overlays)
{
	struct box b = box_std();
	struct ovl_view *v;
	struct ovl_layers *l = NULL;
	struct mnt below, top;
	struct ovl_error *oe = ovl_error_new();
	char *text, want[512];

	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1:/lt/l2");
	below = mount_at_in(b.pid, "/ov");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l2:/lt/l1");
	top = mount_at_in(b.pid, "/ov");
	ck_assert_int_ne(below.id, top.id);

	ck_assert_int_eq(ovl_view_open(b.pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, below.id, OVL_READ_MOUNTINFO_ONLY | OVL_READ_MNT_ID,
					       &l, oe), 0);
	ck_assert(record_is_in(l, 0, b.pid, "/lt/l1"));
	ovl_layers_free(l);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, top.id, OVL_READ_MOUNTINFO_ONLY | OVL_READ_MNT_ID,
					       &l, oe), 0);
	ck_assert(record_is_in(l, 0, b.pid, "/lt/l2"));
	ovl_layers_free(l);
	/* the lower one's root is covered: on this kernel, which makes no
	 * xattr, the kernel's value alone is none, and auto reads its
	 * strings as mountinfo does */
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, below.id, OVL_READ_KERNEL_ONLY | OVL_READ_MNT_ID,
					       &l, oe), -ENODATA);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "does not produce the layers xattr"));
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, below.id, OVL_READ_MNT_ID, &l, oe), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_assert(record_is_in(l, 0, b.pid, "/lt/l1"));
	ovl_layers_free(l);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, 999999, OVL_READ_MNT_ID, &l, oe), -ENOENT);
	ovl_view_unref(v);

	ck_assert_int_eq(cli("-N %d --source mountinfo -r -n -o OVERLAY,OVERLAY-ID,PATH",
			     (int)b.pid), 0);
	text = out_text();
	fmt(want, "/ov %d /lt/l1\n/ov %d /lt/l2\n/ov %d /lt/l2\n/ov %d /lt/l1\n",
	    below.id, below.id, top.id, top.id);
	ck_assert_str_eq(text, want);
	free(text);
	/* auto and mountinfo agree */
	ck_assert_int_eq(cli("-N %d -r -n -o OVERLAY,OVERLAY-ID,PATH", (int)b.pid), 0);
	text = out_text();
	ck_assert_str_eq(text, want);
	free(text);
	ck_assert_int_eq(cli("-N %d -r -n -o OVERLAY,PATH", (int)b.pid), 0);
	fmt(want, "note: overlays %d and %d are stacked on /ov", below.id, top.id);
	ck_assert(err_has(want));
	box_end(&b);
	ovl_error_free(oe);
}
END_TEST

/* A pid that exits and is reused (clone3 set_tid) by another container:
 * a view held on the old one, or a pidfd of it, fails with -ESRCH and
 * never describes the new one's overlay. */
START_TEST(t_recycled_pid)
{
	struct box a = box_std(), b2;
	struct ovl_view *v, *v2;
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();
	pid_t pid = a.pid;
	int pidfd, tries;

	box_do(&a, c_overlay, "/ov|lowerdir=/lt/l1:/lt/l2");
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	ck_assert_int_ge(pidfd, 0);
	ck_assert_int_eq(ovl_view_open(pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_view_pid(v), pid);
	box_end(&a);	/* gone, and reaped: its pid is free */
	/* another container, same pid, whose overlay shows the host's
	 * directory next to the canary */
	for (tries = 0; tries < 20; tries++) {
		b2 = box_new_tid(pid);
		if (b2.pid == pid)
			break;
		box_end(&b2);
	}
	ck_assert_int_eq(b2.pid, pid);
	mkdir_p(P("c2"));
	mkdir_p(P("host/other"));
	mkdir_p(P("host/other2"));
	box_do(&b2, c_bind, "%s|%s", P("host"), P("c2/h"));
	box_do(&b2, c_chroot, "%s", P("c2"));
	box_do(&b2, c_overlay, "/ov|lowerdir=/h/other:/h/other2");

	ck_assert_int_eq(ovl_layers_read(v, -1, "/ov", 0, 0, &l, oe), -ESRCH);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(ovl_view_open_pidfd(pidfd, 0, &v2, NULL), -ESRCH);
	ovl_view_unref(v);
	/* by its pid, now: the new process (that is what the pid names) */
	ck_assert_int_eq(ovl_view_open(pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, "/ov", 0, 0, &l, oe), 0);
	ck_assert(record_is(l, 0, P("host/other")));
	ovl_layers_free(l);
	ovl_view_unref(v);
	close(pidfd);
	box_end(&b2);
	ovl_error_free(oe);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Options */

/* SELinux prints context="...:c1,c2": one option, given whole to
 * fsconfig() without its quotes (SELinux mocked: see the top). */
START_TEST(t_selinux_quoted_context)
{
	const char *raw = "rw,lowerdir=/a:/b,context=\"system_u:object_r:"
			  "container_file_t:s0:c1,c2\",index=off,uuid=on";
	struct ovl_layers *l = NULL;
	const char *why = NULL;
	char *other = NULL;
	struct ovl_error *oe = ovl_error_new();

	ck_assert_int_eq(ovl_overlay_other_options(raw, &other, &why), 0);
	ck_assert_str_eq(other, "context=\"system_u:object_r:container_file_t:"
				"s0:c1,c2\",index=off,uuid=on");
	free(other);
	/* and mounted with it */
	host_overlay(0);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, NULL), 0);
	ck_assert(!umount(P("m")));
	fsconfig_log[0] = '\0';
	ck_assert_int_eq(ovl_layers_mount(l, "context=\"system_u:object_r:"
					  "container_file_t:s0:c1,c2\",index=off",
					  P("m"), 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), 0);
	ck_assert_msg(strstr(fsconfig_log, "\ncontext=system_u:object_r:container_file_t:s0:c1,c2\nindex=off\n"),
		      "fsconfig calls:\n%s", fsconfig_log);
	ck_assert_msg(!strstr(fsconfig_log, "c2\"") && !strstr(fsconfig_log, "\nc2"),
		      "context split: %s", fsconfig_log);
	ck_assert(!umount(P("m")));
	ovl_layers_free(l);
	ovl_error_free(oe);
}
END_TEST

/* Double quotes in layer paths join options in any quote-aware parser
 * (lowerdir=/q"1,upperdir=/q"2 reads as one lowerdir): refused, never
 * split into other layers. */
START_TEST(t_quotes_in_layer_paths)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;
	struct ovl_error *oe = ovl_error_new();

	box_do(&b, c_mkdir, "/lt/q\"1");
	box_do(&b, c_mkdir, "/lt/u\"2");
	box_do(&b, c_mkdir, "/lt/w");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/q\"1,upperdir=/lt/u\"2,workdir=/lt/w");
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, oe), -EINVAL);
	ck_assert_ptr_nonnull(strstr(ovl_error_message(oe), "double quote"));
	ck_assert_ptr_null(l);
	ck_assert_int_eq(cli("-N %d /ov", (int)b.pid), 1);
	ck_assert(err_has("/ov: a layer path in the mount options holds a double quote"));
	/* one quote alone: the options do not split at all */
	box_do(&b, c_overlay, "/ov2|lowerdir=/lt/q\"1:/lt/l1");
	ck_assert_int_eq(read_pid(b.pid, "/ov2", 0, &l, oe), -EINVAL);
	ck_assert_msg(strstr(ovl_error_message(oe), "quote"), "%s", ovl_error_message(oe));
	box_end(&b);
	ovl_error_free(oe);
}
END_TEST

/* A mount point named like a mountinfo line: escaped by the kernel, read
 * as one name, no mount injected. */
START_TEST(t_mount_point_named_like_a_line)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;
	struct ovl_view *v;
	char name[256];

	fmt(name, "/lt/x\n999999999 1 0:1 / %s rw - tmpfs t rw", canary.dir);
	box_do(&b, c_mkdir, "%s", name);
	box_do(&b, c_tmpfs, "%s", name);
	box_do(&b, c_mkdir, "%s/l3", name);
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1:/lt/l2");
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, NULL), 0);
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_OK, "/lt/l1");
	ovl_layers_free(l);
	ck_assert_int_eq(ovl_view_open(b.pid, 0, &v, NULL), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, NULL, 999999999, OVL_READ_MNT_ID, &l, NULL), -ENOENT);
	ovl_view_unref(v);
	ck_assert_int_eq(cli("-N %d -r -n -o OVERLAY,OVERLAY-ID", (int)b.pid), 0);
	box_end(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Mounting what was checked */

/* Resolved (without fds), then the directory swapped for another of the
 * same name: the mount checks the identity and refuses. */
START_TEST(t_mount_after_swap)
{
	struct ovl_layers *l;
	struct ovl_error *oe = ovl_error_new();
	char opts[PATHLEN * 2];

	mount_tmpfs("t");
	mkdir_p(P("t/l1"));
	mkdir_p(P("t/l2"));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s", P("t/l1"), P("t/l2"));
	ck_assert(!mount("o", P("m"), "overlay", 0, opts));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, NULL, 0, NULL, NULL), 0);
	ck_status(l, 1, OVL_STATUS_OK, P("t/l2"));
	run("mv %s %s && ln -s %s %s", P("t/l2"), P("t/l2.old"), canary.dir, P("t/l2"));
	ck_assert_int_eq(ovl_layers_mount(l, NULL, P("m"), 0, oe), -ESTALE);
	ck_assert_int_eq(ovl_error_code(oe), -ESTALE);
	ck_assert_int_eq(ovl_error_layer(oe), 1);
	ck_assert_ptr_nonnull(ovl_error_message(oe));
	run("rm %s && mkdir %s", P("t/l2"), P("t/l2"));
	ck_assert_int_eq(ovl_layers_mount(l, NULL, P("m"), 0, oe), -ESTALE);
	ck_assert_int_eq(ovl_error_layer(oe), 1);
	ck_assert_int_lt(ovl_layers_fsmount(l, NULL, 0, 0, oe), 0);
	ck_assert_int_eq(ovl_error_code(oe), -ESTALE);
	ck_assert_int_eq(ovl_error_layer(oe), 1);
	ck_assert(!is_mountpoint(P("m")) || !strcmp(mount_at(P("m")).source, "o"));
	ck_no_canary_under(P("m"));
	ovl_layers_free(l);
	ovl_error_free(oe);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Never hang, never lose an error */

/* A FUSE mount in the container whose daemon never answers, and a layer
 * on a btrfs subvolume (its st_dev is not in mountinfo, so the st_dev hint
 * never settles it: every superblock is looked at).  The plugin's dump
 * must end, in bounded time, with the overlay described; a record from
 * elsewhere resolves to "not-probed", not a hang. */
START_TEST(t_fuse_stuck_dump_does_not_hang)
{
	struct box b = box_new();
	struct json_object *o, *layers;
	struct mnt bt, lt, ov, fu;
	int st;
	pid_t child;

	ck_assert_msg(!access("/dev/fuse", R_OK | W_OK), "/dev/fuse: %m");
	mkdir_p(P("c/bt"));
	run("truncate -s 128M %s && mkfs.btrfs -q -f %s >/dev/null", P("bt.img"),
	    P("bt.img"));
	/* the loop mount in the container's namespace, from the host side
	 * (mount(8) and btrfs(8) need a shell; the image is the host's) */
	{
		char cmd[PATHLEN * 3];

		fmt(cmd, "nsenter -t %d -m sh -c 'mount -o loop %s %s && "
		    "btrfs -q subvolume create %s/sv && mkdir %s/sv/l2'",
		    (int)b.pid, P("bt.img"), P("c/bt"), P("c/bt"), P("c/bt"));
		run("%s", cmd);
	}
	box_do(&b, c_tmpfs, "%s", P("c/lt"));
	box_do(&b, c_mkdir, "%s", P("c/lt/l1"));
	box_do(&b, c_fuse_stuck, "%s", P("c/fuse"));	/* /dev/fuse: before */
	box_do(&b, c_chroot, "%s", P("c"));
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1:/bt/sv/l2");
	lt = mount_at_in(b.pid, "/lt");
	bt = mount_at_in(b.pid, "/bt");
	ov = mount_at_in(b.pid, "/ov");
	fu = mount_at_in(b.pid, "/fuse");
	ck_assert_str_eq(fu.fstype, "fuse");
	make_image("mountpoints-1.img", entry_in(b.pid, "/", FSTYPE_TMPFS, 0),
		   entry_in(b.pid, "/lt", FSTYPE_TMPFS, 0),
		   entry_in(b.pid, "/bt", FSTYPE_AUTO, 0),
		   entry_in(b.pid, "/fuse", FSTYPE_AUTO, 0),
		   entry_in(b.pid, "/ov", FSTYPE_OVERLAYFS, 0));
	/* the dump in a child of its own, killed if it takes 30 s */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (!child) {
		alarm(30);
		dump_stage();
		_exit(log_count(1) ? 10 : 0);
	}
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(!WIFSIGNALED(st), "the dump hung (killed after 30 s)");
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "the dump failed (%d)",
		      WEXITSTATUS(st));
	o = described(ov.id);
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	ck_assert_uint_eq(json_object_array_length(layers), 2);
	ck_assert_int_eq(jint(json_object_array_get_idx(layers, 0), "mnt_id"), lt.id);
	ck_assert_int_eq(jint(json_object_array_get_idx(layers, 1), "mnt_id"), bt.id);
	ck_assert_str_eq(jstr(json_object_array_get_idx(layers, 1), "root"), "/sv/l2");
	json_object_put(o);

	/* a record whose layer is on no filesystem here, its st_dev hint
	 * naming the FUSE mount (st_dev numbers of another boot mean nothing
	 * here): not-probed (the FUSE mount was not asked), and quickly */
	{
		struct ovl_layers *sample = load_file(OVT_TOP "/tests/cli/fixtures/sample.hex");
		unsigned char raw[1024];
		ssize_t n = ovl_layers_encode(sample, raw, sizeof(raw));
		size_t at = 4;
		FILE *f;

		ck_assert_int_gt(n, 4);
		for (unsigned int i = 0; i < ovl_layers_count(sample); i++) {
			struct ovl_layer_record r;

			ck_assert_int_eq(ovl_layers_get_record(sample, i, &r, sizeof(r)), (int)sizeof(r));
			/* version 1: le16 len, then kind, flags, index, dev */
			for (int k = 0; k < 4; k++) {
				raw[at + 2 + 4 + k] = fu.major >> (8 * k);
				raw[at + 2 + 8 + k] = fu.minor >> (8 * k);
			}
			at += raw[at] | raw[at + 1] << 8;
		}
		ck_assert_uint_eq(at, (size_t)n);
		ovl_layers_free(sample);
		f = fopen(P("hinted.bin"), "we");
		ck_assert(f && fwrite(raw, 1, n, f) == (size_t)n && !fclose(f));
	}
	alarm(30);
	ck_assert_int_eq(cli("--load %s -N %d -n -o MAJ:MIN,STATUS", P("hinted.bin"),
			     (int)b.pid), 2);
	alarm(0);
	{
		char *text = out_text(), want[64];

		fmt(want, "%u:%u", fu.major, fu.minor);
		ck_assert_msg(strstr(text, want), "the hints: %s", text);
		ck_assert_msg(strstr(text, "not-probed") && !strstr(text, "no-mount"),
			      "%s", text);
		free(text);
	}
	box_end(&b);
}
END_TEST

/* Out of file descriptors while resolving: an error of the call, not a
 * layer reported as not there. */
START_TEST(t_emfile_is_an_error)
{
	struct ovl_layers *l;
	struct rlimit rl;
	int e, low;

	host_overlay(0);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	/* the lowest limit that still opens the view and the mountinfo */
	low = dup(0);
	close(low);
	ck_assert(!getrlimit(RLIMIT_NOFILE, &rl));
	for (int n = low + 1; n < low + 12; n++) {
		struct rlimit tight = { n, rl.rlim_max };

		ck_assert(!setrlimit(RLIMIT_NOFILE, &tight));
		e = ovl_layers_resolve(l, NULL, OVL_RESOLVE_FD, NULL, NULL);
		ck_assert(!setrlimit(RLIMIT_NOFILE, &rl));
		ck_assert_msg(e == 0 || e == -EMFILE, "limit %d: %s", n,
			      ovl_layers_strerror(e));
		if (e == 0) {
			ck_status(l, 0, OVL_STATUS_OK, P("t/l1"));
		} else {
			struct ovl_layer_location loc;

			ck_assert_int_eq(ovl_layers_get_location(l, 0, &loc, sizeof(loc)), (int)sizeof(loc));
			ck_assert_int_eq(loc.status, OVL_STATUS_UNRESOLVED);
		}
	}
	ovl_layers_free(l);
}
END_TEST

/* A filesystem that cannot name its uuid (squashfs: FS_IOC_GETFSUUID is
 * ENOTTY) is not "no uuid": the handle is still checked, so a layer put
 * back in its place is confirmed, and a record's st_dev hint with a
 * non-null uuid still finds it. */
START_TEST(t_unknown_uuid_is_not_null)
{
	struct ovl_layers *l, *l2;
	unsigned char raw[512];
	ssize_t n;
	char opts[PATHLEN * 2];

	mkdir_p(P("sq/l1"));
	mkdir_p(P("sq/other"));
	run("mksquashfs %s %s -quiet -noappend >/dev/null", P("sq"), P("sq.img"));
	mkdir_p(P("s"));
	run("mount -o loop,ro %s %s", P("sq.img"), P("s"));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s", P("s/l1"), P("s/other"));
	ck_assert(!mount("o", P("m"), "overlay", MS_RDONLY, opts));
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_place(l, 0, P("s/l1"), 0, NULL), 1);	/* checked */
	ck_assert_int_eq(ovl_layers_place(l, 0, P("s/other"), 0, NULL), 0);	/* cannot */
	/* the kernel's record carries a uuid the filesystem cannot say */
	n = ovl_layers_encode(l, raw, sizeof(raw));
	ck_assert_int_gt(n, 32 + 48);
	/* the fallback's value is format 2: its first fs entry (after the
	 * 32-byte header) gets a 16-byte uuid (uuid_len at 24, uuid at 32) */
	raw[32 + 24] = 16;
	memset(raw + 32 + 32, 0x5a, 16);
	ck_assert_int_eq(ovl_layers_decode(raw, n, &l2, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l2, NULL, 0, NULL, NULL), 0);
	ck_status(l2, 0, OVL_STATUS_OK, P("s/l1"));
	ovl_layers_free(l2);
	ovl_layers_free(l);
	run("umount %s %s", P("m"), P("s"));
}
END_TEST

/* Inside a user namespace, trusted.* is hidden (ENODATA) even from its
 * root: that is no privilege, not a kernel without the xattr, and the
 * fallback is not taken behind the caller's back. */
START_TEST(t_user_namespace_is_no_privilege)
{
	pid_t pid;
	int st;

	host_overlay(0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct ovl_layers *l = NULL;
		struct ovl_error *oe = ovl_error_new();
		int e;

		if (!oe || unshare(CLONE_NEWUSER))
			_exit(10);
		e = ovl_layers_read(NULL, -1, P("m"), 0, 0, &l, oe);
		if (e != -EPERM || l || ovl_error_code(oe) != -EPERM)
			_exit(11);
		if (!strstr(ovl_error_message(oe), "initial user namespace"))
			_exit(12);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "step %d",
		      WEXITSTATUS(st));
}
END_TEST

/* A live layer directory named to look deleted: not stale. */
START_TEST(t_layer_named_deleted)
{
	struct box b = box_std();
	struct ovl_layers *l = NULL;

	box_do(&b, c_mkdir, "/lt/x (deleted)");
	box_do(&b, c_mkdir, "/lt/a (deleted)b");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/x (deleted):/lt/a (deleted)b");
	ck_assert_int_eq(read_pid(b.pid, "/ov", 0, &l, NULL), 0);
	ck_assert_int_eq(resolve_pid(l, b.pid, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_OK, "/lt/x (deleted)");
	ck_status(l, 1, OVL_STATUS_OK, "/lt/a (deleted)b");
	ovl_layers_free(l);
	box_end(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Records */

START_TEST(t_record_trailing_data)
{
	struct ovl_layers *l = NULL, *one = NULL;
	struct ovl_load_error why = { 0, NULL };
	struct ovl_error *oe = ovl_error_new();
	char *json = NULL, *two;

	host_overlay(0);
	ck_assert_int_eq(ovl_layers_read(NULL, -1, P("m"), 0, 0, &one, NULL), 0);
	ck_assert_int_eq(ovl_layers_save_checkpoint(one, &json, NULL), 0);
	ck_assert_int_gt(asprintf(&two, "%s%s", json, json), 0);
	ck_assert_int_eq(ovl_layers_load(two, strlen(two), &l, oe), -EINVAL);
	ck_assert_int_eq(ovl_error_code(oe), -EINVAL);
	ck_assert_str_eq(ovl_error_message(oe), "trailing data after the record");
	ck_assert_int_eq(ovl_error_offset(oe), (int64_t)strlen(json));
	ck_assert_ptr_null(l);
	write_text(P("two.json"), two);
	ck_assert_int_eq(cli("--load %s", P("two.json")), 1);
	ck_assert(err_has("trailing data after the record"));
	/* a length near 2^32: refused before a byte past the record is read
	 * (json-c takes an int) */
	ck_assert_int_eq(ovl_record_load(json, (size_t)UINT_MAX - 7, &l, &why),
			 -EINVAL);
	ck_assert_str_eq(why.reason, "record is larger than any checkpoint record");
	ck_assert_int_eq(ovl_record_load(json, (size_t)INT_MAX + 10, &l, &why),
			 -EINVAL);
	/* the source is kept: derived from mountinfo stays so */
	ck_assert_int_eq(ovl_layers_load(json, strlen(json), &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ovl_layers_free(l);
	ovl_layers_free(one);
	ovl_error_free(oe);
	free(json);
	free(two);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hostile images: the restore */

/* The plugin's scene, in this process: t1 (l1, u, w), b (a bind of t2/sub
 * with l2), an overlay on m; dumped, the overlay unmounted, a mount-v2
 * yard with a bind of each layer mount. */
struct yard {
	struct mnt t1, b, m;
	char json[PATHLEN], target[PATHLEN], t1_dir[PATHLEN];
};

static struct yard yard(void)
{
	struct yard y;
	char opts[1024], dir[PATHLEN];

	mount_tmpfs("t1");
	mkdir_p(P("t1/l1"));
	mkdir_p(P("t1/u"));
	mkdir_p(P("t1/w"));
	write_text(P("t1/l1/a"), "from-l1\n");
	mount_tmpfs("t2");
	mkdir_p(P("t2/sub/l2"));
	bind_mount(P("t2/sub"), P("b"));
	ck_assert(!umount(P("t2")));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s,upperdir=%s,workdir=%s",
	    P("t1/l1"), P("b/l2"), P("t1/u"), P("t1/w"));
	ck_assert(!mount("ovltest", P("m"), "overlay", 0, opts));
	y.t1 = mount_at(P("t1"));
	y.b = mount_at(P("b"));
	y.m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0), entry(P("b"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, 0));
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert(!umount(P("m")));
	fmt(y.json, "%s/ovl-layers-%d.json", images, y.m.id);
	mount_tmpfs("yard");
	fmt(y.t1_dir, "%s/mnt-%010d", P("yard"), y.t1.id);
	bind_mount(P("t1"), y.t1_dir);
	fmt(dir, "%s/mnt-%010d", P("yard"), y.b.id);
	bind_mount(P("b"), dir);
	fmt(y.target, "%s/mnt-%010d", P("yard"), y.m.id);
	mkdir_p(y.target);
	run("cp %s %s.good", y.json, y.json);
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	log_reset();
	return y;
}

/* The description with layer i's member key set to a string (or an int
 * when str is NULL). */
static void edit_layer(const struct yard *y, int i, const char *key,
		       const char *str, int64_t n)
{
	struct json_object *o, *layers;

	run("cp %s.good %s", y->json, y->json);
	o = json_object_from_file(y->json);
	ck_assert(o && json_object_object_get_ex(o, "layers", &layers));
	json_object_object_add(json_object_array_get_idx(layers, i), key,
			       str ? json_object_new_string(str) :
			       json_object_new_int64(n));
	ck_assert(!json_object_to_file(y->json, o));
	json_object_put(o);
}

/* The restore of the edited description fails with err and an Error line
 * holding what, and nothing is mounted. */
static void ck_refused(const struct yard *y, int err, const char *what)
{
	log_reset();
	ck_assert_int_eq(restore_mount(y->m.id, y->target), err);
	ck_assert_msg(log_has(what), "log lacks \"%s\":\n%s", what,
		      log_text ? log_text : "(empty)");
	ck_assert_uint_ge(log_count(1), 1);
	ck_assert(!is_mountpoint(y->target));
	ck_no_canary_under(y->target);
}

static void ck_restores(const struct yard *y)
{
	run("cp %s.good %s", y->json, y->json);
	log_reset();
	ck_assert_int_eq(restore_mount(y->m.id, y->target), 0);
	ck_assert_uint_eq(log_count(1), 0);
	ck_no_canary_under(y->target);
	ck_assert(!umount(y->target));
}

/* The issue's case: a root with ".." climbing out of the layer's mount. */
START_TEST(t_image_root_dotdot)
{
	struct yard y = yard();
	char root[PATHLEN];

	fmt(root, "/../../..%s", canary.dir);
	edit_layer(&y, 2, "root", root, 0);
	ck_refused(&y, -EXDEV, "lower layer 1");
	ck_assert(log_has("it leads out of its mount"));
	edit_layer(&y, 0, "root", "/u/../../..", 0);	/* the upper: write access */
	ck_refused(&y, -EXDEV, "upper layer 0");
	ck_restores(&y);
}
END_TEST

/* An absolute host path as a root: looked up inside the mount, where it
 * is not. */
START_TEST(t_image_root_absolute)
{
	struct yard y = yard();

	edit_layer(&y, 2, "root", canary.dir, 0);
	ck_refused(&y, -ENOENT, "lower layer 1");
	edit_layer(&y, 2, "root", "l1", 0);	/* not absolute at all */
	ck_refused(&y, -EINVAL, "its root is not a path inside its mount");
	ck_restores(&y);
}
END_TEST

/* A symlink at the root's place in the restored mount (absolute and
 * relative, both to the canary). */
START_TEST(t_image_root_symlinked)
{
	struct yard y = yard();
	char target[PATHLEN];

	ck_assert(!symlink(canary.dir, P("t1/abs")));
	fmt(target, "../../../../../../..%s", canary.dir);
	ck_assert(!symlink(target, P("t1/rel")));
	edit_layer(&y, 2, "root", "/abs", 0);
	ck_refused(&y, -ELOOP, "it leads out of its mount");
	edit_layer(&y, 2, "root", "/rel", 0);
	ck_refused(&y, -ELOOP, "it leads out of its mount");
	edit_layer(&y, 2, "root", "/abs/.", 0);
	ck_refused(&y, -ELOOP, "lower layer 1");
	ck_restores(&y);
}
END_TEST

/* A root that crosses into another mount inside the layer's mount: a bind
 * of the host's directory that holds the canary. */
START_TEST(t_image_root_crosses_a_mount)
{
	struct yard y = yard();
	char dir[PATHLEN];

	fmt(dir, "%s/hostdir", y.t1_dir);
	bind_mount(P("host"), dir);
	edit_layer(&y, 2, "root", "/hostdir/canary", 0);
	ck_refused(&y, -EXDEV, "it leads out of its mount");
	edit_layer(&y, 0, "root", "/hostdir", 0);
	ck_refused(&y, -EXDEV, "upper layer 0");
	ck_assert(!umount(dir));
	ck_restores(&y);
}
END_TEST

START_TEST(t_image_root_too_long)
{
	struct yard y = yard();
	char *root = malloc(70000);

	ck_assert(root);
	for (size_t i = 0; i < 69990; i += 2)
		memcpy(root + i, "/a", 2);
	root[69990] = '\0';
	edit_layer(&y, 2, "root", root, 0);
	ck_refused(&y, -EINVAL, "its root is not a path inside its mount");
	memset(root, 'a', 4000);
	root[0] = '/';
	root[4000] = '\0';
	edit_layer(&y, 2, "root", root, 0);
	ck_refused(&y, -ENAMETOOLONG, "lower layer 1");
	free(root);
	ck_restores(&y);
}
END_TEST

/* The description is a symlink to a crafted file outside the images. */
START_TEST(t_image_json_symlink)
{
	struct yard y = yard();
	char name[64];

	run("cp %s.good %s && rm %s", y.json, P("crafted.json"), y.json);
	ck_assert(!symlink(P("crafted.json"), y.json));
	fmt(name, "ovl-layers-%d.json: a symbolic link", y.m.id);
	ck_refused(&y, -EINVAL, name);
	ck_assert(!unlink(y.json));
	ck_restores(&y);
}
END_TEST

/* The description is a FIFO: read without blocking, refused. */
START_TEST(t_image_json_fifo)
{
	struct yard y = yard();
	char name[64];

	ck_assert(!unlink(y.json));
	ck_assert(!mkfifo(y.json, 0600));
	alarm(20);	/* a blocked open would be killed here: a failure */
	fmt(name, "ovl-layers-%d.json: not a regular file", y.m.id);
	ck_refused(&y, -EINVAL, name);
	alarm(0);
	ck_assert(!unlink(y.json));
	ck_restores(&y);
}
END_TEST

/* Mount IDs that disagree with CRIU's image: the overlay's own, a layer's
 * that is not in the image, a layer on the overlay itself, a layer's
 * mount point. */
START_TEST(t_image_mount_ids_disagree)
{
	struct yard y = yard();
	struct json_object *o;

	run("cp %s.good %s", y.json, y.json);
	o = json_object_from_file(y.json);
	json_object_object_add(o, "mnt_id", json_object_new_int(y.t1.id));
	ck_assert(!json_object_to_file(y.json, o));
	json_object_put(o);
	ck_refused(&y, -EINVAL, "disagrees with CRIU's mount image");

	edit_layer(&y, 2, "mnt_id", NULL, 999999);
	ck_refused(&y, -EINVAL, "its mount is not in CRIU's image of the overlay's mount namespace");
	edit_layer(&y, 2, "mnt_id", NULL, y.m.id);
	ck_refused(&y, -EINVAL, "its mount is not in CRIU's image");
	edit_layer(&y, 2, "mountpoint", canary.dir, 0);
	ck_refused(&y, -EINVAL, "its mount point disagrees with CRIU's image");
	ck_restores(&y);
}
END_TEST

/* Kinds, indexes and the count that disagree with the descriptor. */
START_TEST(t_image_kinds_indexes_count)
{
	struct yard y = yard();
	struct json_object *o, *layers, *extra = NULL;

	edit_layer(&y, 3, "kind", "upper", 0);
	ck_refused(&y, -EINVAL, "its kind or index disagrees with the descriptor");
	edit_layer(&y, 0, "kind", "lower", 0);
	ck_refused(&y, -EINVAL, "upper layer 0");
	edit_layer(&y, 3, "index", NULL, 1);
	ck_refused(&y, -EINVAL, "its kind or index disagrees with the descriptor");
	/* one layer more than the descriptor has records */
	run("cp %s.good %s", y.json, y.json);
	o = json_object_from_file(y.json);
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	json_object_deep_copy(json_object_array_get_idx(layers, 3), &extra, NULL);
	json_object_object_add(extra, "root", json_object_new_string(canary.dir));
	json_object_array_add(layers, extra);
	ck_assert(!json_object_to_file(y.json, o));
	json_object_put(o);
	ck_refused(&y, -EINVAL, "5 layers saved for 4 records");
	ck_restores(&y);
}
END_TEST

/* Trailing data after the description. */
START_TEST(t_image_json_trailing_data)
{
	struct yard y = yard();
	char name[64];

	run("cp %s.good %s && echo '{}' >> %s", y.json, y.json, y.json);
	fmt(name, "ovl-layers-%d.json: unreadable or not JSON", y.m.id);
	ck_refused(&y, -EINVAL, name);
	ck_restores(&y);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hostile images: the dump */

/* The mountpoints image is a symlink to a crafted image elsewhere: not
 * read, not rewritten through, nothing described. */
START_TEST(t_image_mountpoints_symlink)
{
	struct mnt m, t;
	struct snap before;

	host_overlay(0);
	t = mount_at(P("t"));
	m = mount_at(P("m"));
	make_image_in(P("."), "crafted.img", (struct json_object *[]){
		entry(base, FSTYPE_TMPFS, 0), entry(P("t"), FSTYPE_TMPFS, 0),
		entry(P("m"), FSTYPE_OVERLAYFS, 0), NULL });
	before = snap(P("crafted.img"));
	ck_assert(!symlink(P("crafted.img"), img_path("mountpoints-1.img")));
	dump_stage();
	ck_log_line(1, "Error (ovl_layers): mountpoints-1.img: a symbolic link: its overlays are not described");
	ck_untouched(P("crafted.img"), &before);
	ck_assert_str_eq(listing(), "mountpoints-1.img");
	(void)t;
	(void)m;
}
END_TEST

/* A symlink (to the canary's file) and a FIFO planted where the plugin
 * writes its temporary files: never written through, never blocked on. */
START_TEST(t_image_temp_files_planted)
{
	struct mnt m;
	char tmp[PATHLEN];
	struct json_object *o;

	host_overlay(0);
	m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t"), FSTYPE_TMPFS, 0), entry(P("m"), FSTYPE_OVERLAYFS, 0));
	fmt(tmp, "%s/.ovl-layers-%d.json.ovl_layers", images, m.id);
	ck_assert(!symlink(canary.file, tmp));
	fmt(tmp, "%s/.mountpoints-1.img.ovl_layers", images);
	ck_assert(!mkfifo(tmp, 0600));
	alarm(20);
	dump_stage();
	alarm(0);
	ck_assert_uint_eq(log_count(1), 0);
	o = described(m.id);
	ck_assert_uint_eq(jint(o, "mnt_id"), m.id);
	json_object_put(o);
	ck_assert(access(tmp, F_OK) && errno == ENOENT);
}
END_TEST

/* Every image is processed although one of them is broken. */
START_TEST(t_image_one_broken_others_described)
{
	struct mnt m;
	struct json_object *o;

	host_overlay(0);
	m = mount_at(P("m"));
	write_text(img_path("mountpoints-1.img"), "garbage");
	make_image("mountpoints-2.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t"), FSTYPE_TMPFS, 0), entry(P("m"), FSTYPE_OVERLAYFS, 0));
	ck_assert(!mkfifo(img_path("mountpoints-3.img"), 0600));
	alarm(20);
	dump_stage();
	alarm(0);
	ck_log_line(1, "Error (ovl_layers): mountpoints-1.img: not a CRIU mount image (or a damaged one): its overlays are not described");
	ck_log_line(1, "Error (ovl_layers): mountpoints-3.img: not a regular file: its overlays are not described");
	ck_assert_uint_eq(log_count(1), 2);
	o = described(m.id);
	json_object_put(o);
}
END_TEST

/* Writing the marked image back fails (a directory where its temporary
 * file goes): the image is moved aside, so that no restore can take the
 * overlays from their strings; a description that cannot be written
 * leaves a marked overlay that refuses to restore. */
START_TEST(t_image_write_fails_closed)
{
	struct mnt m;
	char opts[PATHLEN * 2], tmp[PATHLEN], name[64];

	host_overlay(0);
	m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t"), FSTYPE_TMPFS, 0), entry(P("m"), FSTYPE_OVERLAYFS, 0));
	fmt(tmp, "%s/.mountpoints-1.img.ovl_layers", images);
	mkdir_p(tmp);
	fmt(opts, "%s/x", tmp);
	write_text(opts, "x");	/* not empty: it cannot be removed */
	dump_stage();
	ck_assert(log_has("mountpoints-1.img: writing it back with its overlays marked"));
	ck_assert(log_has("mountpoints-1.img moved aside to mountpoints-1.img.ovl_layers-incomplete"));
	ck_assert(access(img_path("mountpoints-1.img"), F_OK) && errno == ENOENT);
	fmt(name, "ovl-layers-%d.json", m.id);
	ck_assert(access(img_path(name), F_OK) && errno == ENOENT);
	run("rm -r %s", tmp);

	/* now the description's temporary file cannot be made */
	run("rm -f %s/*", images);
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t"), FSTYPE_TMPFS, 0), entry(P("m"), FSTYPE_OVERLAYFS, 0));
	fmt(tmp, "%s/.ovl-layers-%d.json.ovl_layers", images, m.id);
	mkdir_p(tmp);
	fmt(opts, "%s/x", tmp);
	write_text(opts, "x");
	log_reset();
	dump_stage();
	ck_assert(log_has("writing ovl-layers-"));
	ck_assert(log_has("it will not be restored"));
	ck_assert(access(img_path(name), F_OK) && errno == ENOENT);
	ck_assert(!umount(P("m")));
	/* marked, no description: the restore is criu's error, not a mount
	 * from the strings */
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, P("m")), -ENOTSUP);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);
	ck_assert(!is_mountpoint(P("m")));
	run("rm -r %s", tmp);
}
END_TEST

/* The plugin's dump of a container that put the issue's bind over its
 * layer's mount point: the {mount ID, root} pair it saves is the bind's
 * and its root; the stacked overlays of a container are each described by
 * their own ID (the lower one, whose root is covered, as an error). */
START_TEST(t_dump_container_identity)
{
	struct box b = box_new();
	struct json_object *o, *layers, *one;
	struct mnt root, lt, bound, below, top;

	mkdir_p(P("c"));
	box_do(&b, c_chroot, "%s", P("c"));
	box_do(&b, c_tmpfs, "/lt");
	box_do(&b, c_mkdir, "/lt/sub/l1");
	box_do(&b, c_mkdir, "/lt/sub/l2");
	lt = mount_at_in(b.pid, "/lt");
	box_do(&b, c_bind, "/lt/sub|/lt");
	bound = mount_at_in(b.pid, "/lt");
	ck_assert_str_eq(bound.root, "/sub");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1:/lt/l2");
	below = mount_at_in(b.pid, "/ov");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l2:/lt/l1");
	top = mount_at_in(b.pid, "/ov");
	root = mount_at_in(b.pid, "/");
	make_image("mountpoints-1.img", entry_of(root, FSTYPE_TMPFS, 0),
		   entry_of(lt, FSTYPE_TMPFS, 0), entry_of(bound, FSTYPE_TMPFS, 0),
		   entry_of(below, FSTYPE_OVERLAYFS, 0),
		   entry_of(top, FSTYPE_OVERLAYFS, 0));
	dump_stage();
	o = described(top.id);
	ck_assert_msg(json_object_object_get_ex(o, "layers", &layers),
		      "%s", json_object_to_json_string(o));
	one = json_object_array_get_idx(layers, 0);
	ck_assert_int_eq(jint(one, "mnt_id"), bound.id);
	ck_assert_str_eq(jstr(one, "root"), "/l2");
	one = json_object_array_get_idx(layers, 1);
	ck_assert_int_eq(jint(one, "mnt_id"), bound.id);
	ck_assert_str_eq(jstr(one, "root"), "/l1");
	json_object_put(o);
	/* the covered one: from its strings, on this kernel without the
	 * series, found through the bind mount all the same */
	o = described(below.id);
	ck_assert_msg(json_object_object_get_ex(o, "layers", &layers),
		      "%s", json_object_to_json_string(o));
	one = json_object_array_get_idx(layers, 0);
	ck_assert_int_eq(jint(one, "mnt_id"), bound.id);
	ck_assert_str_eq(jstr(one, "root"), "/l1");
	ck_assert_str_eq(jstr(json_object_object_get(o, "record"), "source"),
			 "mountinfo");
	json_object_put(o);
	box_end(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Trust only the kernel: since Linux 6.7 overlayfs stores any
 * trusted.overlay.* / user.overlay.* name a user sets on an overlay inode
 * and returns it on read.  This host's kernel has no series, so a value
 * under the layers name is always a user's: each test makes the attack for
 * real (the value is there, read back through the overlay), and asserts it
 * is never taken as the kernel's. */

/* The forged value: upper and work the container's own, lower 1 the
 * host's canary directory (its handle, as a container that knows the
 * public format and the filesystem its files live on computes it). */
static size_t forge_value(unsigned char *v, const char *upper,
			  const char *work)
{
	size_t n = ovt_header(v, 3);

	n += ovt_record(v + n, upper, 1, 0);
	n += ovt_record(v + n, work, 2, 0);
	n += ovt_record(v + n, canary.dir, 3, 1);
	return n;
}

static void write_bin(const char *path, const unsigned char *v, size_t n)
{
	FILE *f = fopen(path, "we");

	ck_assert(f && fwrite(v, 1, n, f) == n && !fclose(f));
	ck_assert(!chmod(path, 0644));
}

/* The value really is there, as the container wrote it. */
static void ck_value_stored(const char *path, const char *name,
			    const unsigned char *v, size_t n)
{
	unsigned char got[4096];
	ssize_t len = getxattr(path, name, got, sizeof(got));

	ck_assert_msg(len == (ssize_t)n && !memcmp(got, v, n),
		      "the attack is not in place: %s on %s: %zd bytes (%m)",
		      name, path, len);
}

/* A box with an overlay at /ov, upper and work on its /lt */
static struct box box_upper_overlay(void)
{
	struct box b = box_std();

	box_do(&b, c_mkdir, "/lt/u");
	box_do(&b, c_mkdir, "/lt/w");
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1,upperdir=/lt/u,workdir=/lt/w");
	return b;
}

/* The fallback, and nothing of the forged value: lower 1 is /lt/l1. */
static void ck_fallback(pid_t pid, const char *ov)
{
	struct ovl_layers *l = NULL;

	ck_assert_int_eq(read_pid(pid, ov, 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_no_canary(l);
	ck_assert_int_eq(resolve_pid(l, pid, 0, NULL, NULL), 0);
	ck_status(l, 2, OVL_STATUS_OK, "/lt/l1");
	ovl_layers_free(l);
}

START_TEST(t_forged_trusted_layers_privileged)
{
	struct box b = box_upper_overlay();
	struct ovl_layers *l = NULL;
	unsigned char v[4096];
	struct ovl_error *oe = ovl_error_new();
	char ov[PATHLEN], u[PATHLEN], w[PATHLEN], *text;
	size_t n;

	fmt(ov, "/proc/%d/root/ov", (int)b.pid);
	fmt(u, "/proc/%d/root/lt/u", (int)b.pid);
	fmt(w, "/proc/%d/root/lt/w", (int)b.pid);
	n = forge_value(v, u, w);
	write_bin(P("c/forged"), v, n);
	box_do(&b, c_setxattr, "/ov|" OVL_LAYERS_XATTR "|/forged");
	ck_value_stored(ov, OVL_LAYERS_XATTR, v, n);

	/* this host's overlayfs, asked on an overlay of the library's own */
	ck_assert_int_eq(ovl_layers_kernel_probe(0, NULL), OVL_KERNEL_STORES);
	ck_assert_int_eq(read_pid(b.pid, "/ov",
						OVL_READ_KERNEL_ONLY,
						&l, oe), -EBADMSG);
	ck_assert_ptr_null(l);
	ck_assert_str_eq(ovl_error_message(oe), "the trusted.overlay.layers value on the overlay's "
			 "root was stored by a user, not produced by this kernel");
	ck_fallback(b.pid, "/ov");

	/* the CLI: --source xattr refuses and says why; the record is the
	 * fallback's, and names the container's own layer */
	ck_assert_int_eq(cli("-N %d --source xattr /ov", (int)b.pid), 1);
	ck_assert(err_has("stored by a user, not produced by this kernel"));
	ck_assert_int_eq(cli("-N %d /ov --record %s", (int)b.pid, P("rec")), 0);
	text = read_bytes(P("rec"), NULL);
	ck_assert_msg(strstr(text, "\"source\":\"mountinfo\""), "%s", text);
	free(text);
	ovl_layers_free(load_file(P("rec")));	/* checks: no canary */
	box_end(&b);
	ovl_error_free(oe);
}
END_TEST

/* A rootless container: uid 65534 on the host, a user namespace and a
 * mount namespace of its own, a userxattr overlay, user.overlay.layers. */
START_TEST(t_forged_user_layers_rootless)
{
	int go[2], ack[2], st;
	struct ovl_layers *l = NULL;
	unsigned char v[4096];
	struct ovl_error *oe = ovl_error_new();
	char ov[PATHLEN], u[PATHLEN], w[PATHLEN], c;
	size_t n;
	pid_t pid;

	mkdir_p(P("r"));
	ck_assert(!chmod(base, 0755));
	ck_assert(!pipe2(go, O_CLOEXEC) && !pipe2(ack, O_CLOEXEC));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		char map[64];
		int fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		/* as a user's own process is: its /proc files its own */
		prctl(PR_SET_DUMPABLE, 1);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			_exit(11);
		fd = open("/proc/self/setgroups", O_WRONLY);
		if (fd < 0 || write(fd, "deny", 4) != 4 || close(fd))
			_exit(12);
		snprintf(map, sizeof(map), "0 65534 1");
		fd = open("/proc/self/uid_map", O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0 || close(fd))
			_exit(13);
		fd = open("/proc/self/gid_map", O_WRONLY);
		if (fd < 0 || write(fd, map, strlen(map)) < 0 || close(fd))
			_exit(14);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tmpfs", P("r"), "tmpfs", 0, NULL) ||
		    mkdir(P("r/l1"), 0755) || mkdir(P("r/u"), 0755) ||
		    mkdir(P("r/w"), 0755) || mkdir(P("r/ov"), 0755))
			_exit(15);
		{
			char opts[PATHLEN * 4];

			fmt(opts, "userxattr,lowerdir=%s,upperdir=%s,workdir=%s",
			    P("r/l1"), P("r/u"), P("r/w"));
			if (mount("ovl", P("r/ov"), "overlay", 0, opts))
				_exit(16);
		}
		if (write(ack[1], "k", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(17);
		/* the attack: no privilege of the host's */
		fd = open(P("forged"), O_RDONLY);
		n = fd < 0 ? 0 : (size_t)read(fd, v, sizeof(v));
		if (!n || setxattr(P("r/ov"), OVL_LAYERS_XATTR_USER, v, n, 0))
			_exit(18);
		if (write(ack[1], "k", 1) != 1)
			_exit(19);
		pause();
		_exit(0);
	}
	close(go[0]);
	close(ack[1]);
	if (read(ack[0], &c, 1) != 1) {
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_abort_msg("the rootless container did not start: step %d",
			     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	fmt(ov, "/proc/%d/root%s", (int)pid, P("r/ov"));
	fmt(u, "/proc/%d/root%s", (int)pid, P("r/u"));
	fmt(w, "/proc/%d/root%s", (int)pid, P("r/w"));
	n = forge_value(v, u, w);
	write_bin(P("forged"), v, n);
	ck_assert(write(go[1], "k", 1) == 1);
	ck_assert_msg(read(ack[0], &c, 1) == 1, "the rootless setxattr failed");
	ck_value_stored(ov, OVL_LAYERS_XATTR_USER, v, n);

	ck_assert_int_eq(ovl_layers_kernel_probe(OVL_PROBE_USERXATTR, NULL),
			 OVL_KERNEL_STORES);
	ck_assert_int_eq(read_pid(pid, P("r/ov"),
						OVL_READ_KERNEL_ONLY,
						&l, oe), -EBADMSG);
	ck_assert_str_eq(ovl_error_message(oe), "the user.overlay.layers value on the overlay's "
			 "root was stored by a user, not produced by this kernel");
	ck_assert_int_eq(read_pid(pid, P("r/ov"), 0, &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_source(l), OVL_SOURCE_MOUNTINFO);
	ck_no_canary(l);
	ovl_layers_free(l);
	ck_assert_int_eq(cli("-N %d %s --record %s", (int)pid, P("r/ov"), P("rec")), 0);
	ovl_layers_free(load_file(P("rec")));
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ovl_error_free(oe);
}
END_TEST

/* The value set and removed in a loop while the host reads: never once
 * the container's. */
START_TEST(t_forged_layers_racing)
{
	struct box b = box_upper_overlay();
	unsigned char v[4096];
	char u[PATHLEN], w[PATHLEN];
	int stored = 0;
	size_t n;

	fmt(u, "/proc/%d/root/lt/u", (int)b.pid);
	fmt(w, "/proc/%d/root/lt/w", (int)b.pid);
	n = forge_value(v, u, w);
	write_bin(P("c/forged"), v, n);
	box_do(&b, c_setxattr_loop, "/ov|" OVL_LAYERS_XATTR "|/forged");
	for (int i = 0; i < 300; i++) {
		struct ovl_layers *l = NULL;
		struct ovl_error *oe = ovl_error_new();
		int e = read_pid(b.pid, "/ov", OVL_READ_KERNEL_ONLY, &l, oe);

		ck_assert_msg(e == -EBADMSG || e == -ENODATA, "read %d: %d", i, e);
		ck_assert_int_eq(ovl_error_code(oe), e);
		ck_assert_ptr_nonnull(ovl_error_message(oe));
		ovl_error_free(oe);
		ck_assert_ptr_null(l);
		stored += e == -EBADMSG;
		ck_fallback(b.pid, "/ov");
	}
	/* the race was run: the value was seen there at least once */
	ck_assert_int_gt(stored, 0);
	box_end(&b);
}
END_TEST

/* The plugin: a forged lower naming a directory the runtime masked (a
 * mount the container cannot remove covers it).  From the value it would
 * be "shadowed" and restored into the yard with its contents; it is never
 * read: the overlay is described from its mount options. */
START_TEST(t_forged_layers_masked_dir_plugin)
{
	struct box b = box_new();
	struct json_object *o, *layers, *rec;
	unsigned char v[4096];
	struct mnt lt, ov;
	size_t n = 4;
	char path[PATHLEN];

	mkdir_p(P("c/masked"));
	write_text(P("c/masked/secret"), "masked\n");
	box_do(&b, c_tmpfs, "%s", P("c/lt"));
	box_do(&b, c_mkdir, "%s", P("c/lt/l1"));
	box_do(&b, c_mkdir, "%s", P("c/lt/u"));
	box_do(&b, c_mkdir, "%s", P("c/lt/w"));
	box_do(&b, c_chroot, "%s", P("c"));
	box_do(&b, c_tmpfs, "/masked");		/* the runtime's mask */
	box_do(&b, c_overlay, "/ov|lowerdir=/lt/l1,upperdir=/lt/u,workdir=/lt/w");
	ovt_header(v, 3);
	fmt(path, "/proc/%d/root/lt/u", (int)b.pid);
	n += ovt_record(v + n, path, 1, 0);
	fmt(path, "/proc/%d/root/lt/w", (int)b.pid);
	n += ovt_record(v + n, path, 2, 0);
	n += ovt_record(v + n, P("c/masked"), 3, 1);	/* beneath the mask */
	write_bin(P("c/forged"), v, n);
	box_do(&b, c_setxattr, "/ov|" OVL_LAYERS_XATTR "|/forged");
	fmt(path, "/proc/%d/root/ov", (int)b.pid);
	ck_value_stored(path, OVL_LAYERS_XATTR, v, n);

	lt = mount_at_in(b.pid, "/lt");
	ov = mount_at_in(b.pid, "/ov");
	make_image("mountpoints-1.img", entry_in(b.pid, "/", FSTYPE_TMPFS, 0),
		   entry_in(b.pid, "/lt", FSTYPE_TMPFS, 0),
		   entry_in(b.pid, "/masked", FSTYPE_TMPFS, 0),
		   entry_in(b.pid, "/ov", FSTYPE_OVERLAYFS, 0));
	dump_stage();
	ck_assert(!log_has("from trusted.overlay.layers"));
	o = described(ov.id);
	ck_assert(json_object_object_get_ex(o, "record", &rec));
	ck_assert_str_eq(jstr(rec, "source"), "mountinfo");
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	ck_assert_uint_eq(json_object_array_length(layers), 3);
	for (size_t i = 0; i < 3; i++) {
		struct json_object *one = json_object_array_get_idx(layers, i);

		ck_assert_int_eq(jint(one, "mnt_id"), lt.id);
		ck_assert_msg(!strstr(jstr(one, "root"), "masked"), "layer %zu: %s",
			      i, jstr(one, "root"));
	}
	ck_assert_str_eq(jstr(json_object_array_get_idx(layers, 2), "root"), "/l1");
	json_object_put(o);
	box_end(&b);
}
END_TEST

/* What a container names, on every output (issue 25) */

/* A mount point and a layer directory of the container's, named with ESC
 * (an OSC sequence that retitles a terminal), BEL, a newline, a CR, a
 * backslash and UTF-8; and what each is when escaped (lib/common.c). */
#define HOSTILE_MP	"/ov-\x1b]0;pwned\x07-n\nl-r\rc-\\-caf\xc3\xa9"
#define HOSTILE_MP_ESC	"/ov-\\x1b]0;pwned\\x07-n\\x0al-r\\x0dc-\\\\-caf\xc3\xa9"
#define HOSTILE_LY	"/lt/L-\x1b[31m\x07-n\nl-r\rc-caf\xc3\xa9"
#define HOSTILE_LY_ESC	"/lt/L-\\x1b[31m\\x07-n\\x0al-r\\x0dc-caf\xc3\xa9"

/* No control byte (C0 but the newline ending a line, DEL, a raw C1 CSI) in
 * text. */
static bool no_raw_control(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] == 0x9b))
			return false;
	return true;
}

/* The container's overlay at HOSTILE_MP, its lower layers HOSTILE_LY and
 * /lt/l2. */
static struct box box_hostile_names(void)
{
	struct box b = box_std();

	box_do(&b, c_mkdir, "%s", HOSTILE_LY);
	box_do(&b, c_overlay, "%s|lowerdir=%s:/lt/l2", HOSTILE_MP, HOSTILE_LY);
	return b;
}

struct collected {
	char text[16384];
	bool fmt_not_plain;	/* a call whose format was not "%s" */
};

static void collect_log(void *data, int priority, const char *func,
			const char *fmt_, va_list ap)
{
	struct collected *c = data;
	size_t n = strlen(c->text);

	(void)priority;
	c->fmt_not_plain |= strcmp(fmt_, "%s") != 0;
	snprintf(c->text + n, sizeof(c->text) - n, "%s: ", func);
	n = strlen(c->text);
	vsnprintf(c->text + n, sizeof(c->text) - n, fmt_, ap);
	n = strlen(c->text);
	snprintf(c->text + n, sizeof(c->text) - n, "\n");
}

/* The library's log callback gets the container's mount point and layer
 * path escaped to the byte, each message one line, as "%s" and its text. */
START_TEST(t_log_callback_escapes_container_names)
{
	struct box b = box_hostile_names();
	struct collected got = { .text = "" };
	struct ovl_layers *l = NULL;
	struct ovl_view *v;
	unsigned int lines = 0;

	ck_assert_int_eq(ovl_view_open(b.pid, 0, &v, NULL), 0);
	/* 7: syslog(3)'s LOG_DEBUG */
	ck_assert_int_eq(ovl_view_set_log(v, 7, collect_log, &got, 0), 0);
	ck_assert_int_eq(ovl_layers_read(v, -1, HOSTILE_MP, 0, OVL_READ_MOUNTINFO_ONLY,
					      &l, NULL), 0);
	ck_assert_int_eq(ovl_layers_resolve(l, v, 0, NULL, NULL), 0);
	ck_status(l, 0, OVL_STATUS_OK, HOSTILE_LY);
	ovl_layers_free(l);
	ovl_view_unref(v);
	ck_assert_msg(strstr(got.text, " (" HOSTILE_MP_ESC "): 2 records from mountinfo\n"),
		      "the mount point is not escaped in: %s", got.text);
	/* (whichever function of the resolver logs it) */
	ck_assert_msg(strstr(got.text, ": record 0 (lower 1): ok at "
			     HOSTILE_LY_ESC "\n"),
		      "the layer path is not escaped in: %s", got.text);
	ck_assert(no_raw_control(got.text));
	ck_assert(!got.fmt_not_plain);
	/* one line a message: every line starts with the function's name */
	for (const char *p = got.text; *p; p = strchr(p, '\n') + 1, lines++)
		ck_assert_msg(!strncmp(p, "read_mount: ", 12) || !strncmp(p, "ovl_", 4) ||
			      !strncmp(p, "resolve_one: ", 13) ||
			      !strncmp(p, "resolve_in: ", 12),
			      "a line that is no message: %.60s", p);
	ck_assert_uint_ge(lines, 3);
	box_end(&b);
}
END_TEST

/* The CLI's stderr for -N of that container: its mount point (a second
 * overlay stacked on it: the note that names where) and, with the
 * library's log, its layer path, escaped; no raw control. */
START_TEST(t_cli_stderr_escapes_container_names)
{
	struct box b = box_hostile_names();
	char *err;

	box_do(&b, c_overlay, "%s|lowerdir=/lt/l2:%s", HOSTILE_MP, HOSTILE_LY);
	setenv("OVL_LAYERS_DEBUG", "all", 1);
	ck_assert_int_eq(cli("-N %d --source mountinfo -n -o KIND", (int)b.pid), 0);
	unsetenv("OVL_LAYERS_DEBUG");
	ck_assert(err_has(" are stacked on " HOSTILE_MP_ESC ": -o +OVERLAY-ID tells their rows apart\n"));
	ck_assert(err_has("ok at " HOSTILE_LY_ESC "\n"));
	err = read_bytes(cli_err, NULL);
	ck_assert_msg(no_raw_control(err), "stderr: %s", err);
	free(err);
	box_end(&b);
}
END_TEST

/*
 * One ovl-layers run, its peak RSS (KiB) and CPU time (s) from wait4(2):
 * its exit status, or -1 when it did not exit (a signal: the OOM killer).
 */
static int cli_usage(long *maxrss_kb, double *cpu, const char *args, ...)
	__attribute__((format(printf, 3, 4)));
static int cli_usage(long *maxrss_kb, double *cpu, const char *args, ...)
{
	char cmd[4096];
	struct rusage ru;
	va_list ap;
	pid_t pid;
	int st;

	/* exec'd by the shell: the rusage is the CLI's, not a shell's */
	va_start(ap, args);
	cli_cmd(cmd, "exec", args, ap);
	va_end(ap);
	pid = fork();
	ck_assert(pid >= 0);
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
	*maxrss_kb = ru.ru_maxrss;
	*cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Issue 25, "bounded": a container with a mount table as large as it
 * makes it (BIG_MOUNTS bind mounts at 16,000-byte mount points: 800 MB of
 * mountinfo at 50,000) and an overlay of 500 layers at 4,000-byte paths
 * (2 MB of mount options).  Reading that one overlay by its path, with
 * --record, reads only the mounts it needs (listmount/statmount): at most
 * 128 MiB peak RSS.  Listing every overlay reads mountinfo, up to its cap
 * (64 MiB): at most 256 MiB, or the cap's error, never an OOM; so does
 * the library where it reads mountinfo (a snapshot): -EFBIG.  Memory is
 * asserted, never time (the CPU time is printed).  OVT_BIG_MOUNTS sets
 * the count: 10,000 by default (160 MB of mountinfo, past the cap), as
 * the kernel makes them in time that grows faster than their number
 * (about 1 s for 5,000, 10 s for 10,000, 40 s for 20,000, on 2 busy
 * cores); 50,000 with CK_TIMEOUT_MULTIPLIER for the 120 s.
 */
#define BIG_LAYERS	500

START_TEST(t_big_mount_table)
{
	const char *env = getenv("OVT_BIG_MOUNTS");
	int nmounts = env ? atoi(env) : 10000;
	struct box b;
	struct timespec t0, t1;
	long rss;
	double cpu;
	int st;

#if defined(__SANITIZE_ADDRESS__)
	/* ASan's shadow memory and quarantine are counted in the RSS the
	 * test asserts on; the normal build's run is the one that counts */
	printf("hostile: big mount table: SKIP under ASan (RSS is ASan's)\n");
	return;
#endif
	/* the bound holds where listmount/statmount give what a read needs
	 * (Linux 6.13: sb_source); before, one overlay is read from
	 * mountinfo, capped but not small */
	{
		struct utsname u;
		int maj = 0, min = 0;

		ck_assert(!uname(&u));
		if (sscanf(u.release, "%d.%d", &maj, &min) != 2 ||
		    maj < 6 || (maj == 6 && min < 13)) {
			printf("hostile: big mount table: SKIP: Linux %s has no usable statmount\n",
			       u.release);
			return;
		}
	}
	b = box_new();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	box_do(&b, c_big_table, "%s|%d|%d", P("big"), nmounts, BIG_LAYERS);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("hostile: big mount table: %d mounts at 16,000-byte mount points, %d layers of 4,000 bytes, made in %.1f s\n",
	       nmounts, BIG_LAYERS, (double)(t1.tv_sec - t0.tv_sec) +
	       (t1.tv_nsec - t0.tv_nsec) / 1e9);
	fflush(stdout);

	st = cli_usage(&rss, &cpu, "-N %d %s --record %s -n -o STATUS",
		       (int)b.pid, P("big/ovl"), P("big.json"));
	printf("hostile: big mount table: -N PID PATH --record: exit %d, peak RSS %ld KiB, CPU %.2f s\n",
	       st, rss, cpu);
	fflush(stdout);
	ck_assert_msg(st == 0, "--record: exit %d", st);
	ck_assert_msg(rss <= 128 * 1024, "--record: peak RSS %ld KiB > 128 MiB", rss);
	{
		struct ovl_layers *l = load_file(P("big.json"));

		ck_assert_uint_eq(ovl_layers_count(l), BIG_LAYERS);
		ovl_layers_free(l);
	}

	st = cli_usage(&rss, &cpu, "-N %d -n -o STATUS", (int)b.pid);
	printf("hostile: big mount table: -N PID (every overlay): exit %d, peak RSS %ld KiB, CPU %.2f s\n",
	       st, rss, cpu);
	fflush(stdout);
	ck_assert_msg(rss <= 256 * 1024, "listing: peak RSS %ld KiB > 256 MiB", rss);
	/* listed, or the cap's error: never killed */
	ck_assert_msg(st == 0 || (st == 1 &&
		      err_has("ovl-layers: the mount table is larger than the library reads (64 MiB of mountinfo, 1,000,000 mounts): not read\n")),
		      "listing: exit %d", st);
	/* the library's cap on a table it keeps whole (a snapshot: from
	 * statmount, 64 MiB of strings; a view told to read mountinfo):
	 * -EFBIG and why, not a read without end */
	if ((long long)nmounts * 16000 > 80ll << 20) {
		struct ovl_layers *l = NULL;
		struct ovl_view *v;
		struct ovl_error *oe = ovl_error_new();

		ck_assert_int_eq(ovl_view_open(b.pid, 0, &v, NULL), 0);
		ck_assert_int_eq(ovl_view_snapshot(v, 0, oe), -EFBIG);
		ck_assert_int_eq(ovl_error_code(oe), -EFBIG);
		ovl_view_set_table_way(v, OVL_MOUNT_TABLE_MOUNTINFO);
		ck_assert_int_eq(ovl_layers_read(v, -1, P("big/ovl"), 0, 0, &l, oe),
				 -EFBIG);
		ck_assert_str_eq(ovl_error_message(oe), "the mount table is larger than the library reads (64 MiB of mountinfo, 1,000,000 mounts)");
		ovl_error_free(oe);
		ck_assert_str_eq(ovl_layers_strerror(-EFBIG), "The mount table is larger than the library reads (64 MiB of mountinfo, 1,000,000 mounts)");
		ovl_view_unref(v);
	}
	box_end(&b);
}
END_TEST

/* The container covers its layer's directory with a tmpfs of its own after
 * the record was made: --record and --save of it in its view refuse, say
 * which layer, and write nothing; --force writes. */
START_TEST(t_cli_record_refused_layer_covered)
{
	struct box b = box_hostile_names();
	char want[1024];

	/* (its one overlay, listed: the name needs no quoting for the shell) */
	ck_assert_int_eq(cli("-N %d --source mountinfo --record %s -n -o STATUS",
			     (int)b.pid, P("rec.json")), 0);
	box_do(&b, c_tmpfs, "%s", HOSTILE_LY);
	ck_assert_int_eq(cli("-N %d --load %s --record %s --save %s -n -o STATUS",
			     (int)b.pid, P("rec.json"), P("rec2.json"), P("rec2.bin")), 1);
	fmt(want, "ovl-layers: %s: lower layer 1 (" HOSTILE_LY_ESC ") is shadowed (its path is covered by another mount; its fd and mount ID still lead to it): nothing written to %s or %s (--force writes it all the same)\n",
	    P("rec.json"), P("rec2.bin"), P("rec2.json"));
	ck_assert(err_has(want));
	ck_assert(access(P("rec2.json"), F_OK) && errno == ENOENT);
	ck_assert(access(P("rec2.bin"), F_OK) && errno == ENOENT);
	ck_assert_int_eq(cli("-N %d --load %s --force --record %s -n -o STATUS",
			     (int)b.pid, P("rec.json"), P("rec2.json")), 2);
	ovl_layers_free(load_file(P("rec2.json")));
	box_end(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("hostile");

	if (geteuid() != 0) {
		printf("hostile: SKIP: needs root (real mounts, containers)\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, hostile_setup, hostile_teardown);
	tcase_set_timeout(tc, 90);
	/* symlinks and magic links */
	tcase_add_test(tc, t_abs_symlink_on_layer_path);
	tcase_add_test(tc, t_relative_symlink_climbing_out);
	tcase_add_test(tc, t_overlay_path_symlink_to_host);
	tcase_add_test(tc, t_overlay_path_through_proc_magic_link);
	tcase_add_test(tc, t_layer_through_proc_magic_link);
	tcase_add_test(tc, t_layer_given_as_fd);
	tcase_add_test(tc, t_symlink_on_mount_point_path);
	tcase_add_test(tc, t_symlink_swapped_while_resolving);
	/* mount identity */
	tcase_add_test(tc, t_bind_of_same_fs_over_mount_point);
	tcase_add_test(tc, t_mount_moved_after_read);
	tcase_add_test(tc, t_stacked_overlays);
	tcase_add_test(tc, t_recycled_pid);
	tcase_add_test(tc, t_dump_container_identity);
	/* options */
	tcase_add_test(tc, t_selinux_quoted_context);
	tcase_add_test(tc, t_quotes_in_layer_paths);
	tcase_add_test(tc, t_mount_point_named_like_a_line);
	/* mounting what was checked */
	tcase_add_test(tc, t_mount_after_swap);
	/* never hang, never lose an error */
	tcase_add_test(tc, t_fuse_stuck_dump_does_not_hang);
	tcase_add_test(tc, t_emfile_is_an_error);
	tcase_add_test(tc, t_unknown_uuid_is_not_null);
	tcase_add_test(tc, t_user_namespace_is_no_privilege);
	tcase_add_test(tc, t_layer_named_deleted);
	/* records */
	tcase_add_test(tc, t_record_trailing_data);
	/* trust only the kernel: forged layers values */
	tcase_add_test(tc, t_forged_trusted_layers_privileged);
	tcase_add_test(tc, t_forged_user_layers_rootless);
	tcase_add_test(tc, t_forged_layers_racing);
	tcase_add_test(tc, t_forged_layers_masked_dir_plugin);
	/* images: restore */
	tcase_add_test(tc, t_image_root_dotdot);
	tcase_add_test(tc, t_image_root_absolute);
	tcase_add_test(tc, t_image_root_symlinked);
	tcase_add_test(tc, t_image_root_crosses_a_mount);
	tcase_add_test(tc, t_image_root_too_long);
	tcase_add_test(tc, t_image_json_symlink);
	tcase_add_test(tc, t_image_json_fifo);
	tcase_add_test(tc, t_image_mount_ids_disagree);
	tcase_add_test(tc, t_image_kinds_indexes_count);
	tcase_add_test(tc, t_image_json_trailing_data);
	/* images: dump */
	tcase_add_test(tc, t_image_mountpoints_symlink);
	tcase_add_test(tc, t_image_temp_files_planted);
	tcase_add_test(tc, t_image_one_broken_others_described);
	tcase_add_test(tc, t_image_write_fails_closed);
	/* what a container names, on every output; no record of a layer
	 * it hides (issue 25) */
	tcase_add_test(tc, t_log_callback_escapes_container_names);
	tcase_add_test(tc, t_cli_stderr_escapes_container_names);
	tcase_add_test(tc, t_cli_record_refused_layer_covered);
	suite_add_tcase(s, tc);
	/* a mount table as large as a container makes it (issue 25): a case
	 * of its own (CK_RUN_CASE=bounded runs it alone) */
	tc = tcase_create("bounded");
	tcase_add_checked_fixture(tc, hostile_setup, hostile_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_big_mount_table);
	suite_add_tcase(s, tc);
	return ovt_run(s, "hostile");
}
