/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Playing criu's part for the CRIU plugin's host tests (tests/plugin/
 * test_plugin.c, tests/hostile/): criu_get_image_dir() and print_on_level()
 * (the log captured for assertions; the test program is linked with
 * -rdynamic so that the plugin resolves both there, as in criu), the
 * plugin loaded with dlopen() and driven through CR_PLUGIN_DESC, mounts
 * read from mountinfo, and real mountpoints images written by `crit
 * encode` from JSON entries that describe the test's own mounts.  Each
 * test runs in a private mount namespace on a fresh tmpfs (fixture.h).
 */
#ifndef OVT_PLUGIN_HARNESS_H
#define OVT_PLUGIN_HARNESS_H

#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criu/criu-plugin.h>

#include "fixture.h"
#include "../../lib/missing.h"

#ifndef PLUGIN_SO
#error "build with -DPLUGIN_SO=\"/path/to/ovl_layers_plugin.so\""
#endif

#define OVERLAYFS_MAGIC	0x794c7630
#define PATHLEN		256	/* fixture.h's mkdir_p() takes this much */

/* snprintf() into an array, which must hold it all */
#define fmt(buf, ...) \
	ck_assert(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))
/* images/fstype.proto */
enum { FSTYPE_TMPFS = 5, FSTYPE_AUTO = 16, FSTYPE_OVERLAYFS = 17 };
#define KERN_MINORBITS	20

/* ------------------------------------------------------------------ */
/* criu's side: what the plugin calls back */

static int images_fd = -1;
static char *log_text;		/* every message, "<level>|<text>" lines */
static size_t log_len;
/* init's one debug line, "ovl_layers: libovllayers <VERSION>": counted
 * here and kept out of log_text, so that a test's log is what its stage
 * said */
static char version_line[64];
static int version_lines;
/* Called with each message after it is kept (NULL: none): a test acts at
 * a moment of the plugin's work that its log marks, as a container that
 * changes its mounts then would (the Warn line of a read from mountinfo
 * comes between the plugin's read of an overlay and its resolution). */
static void (*log_hook)(unsigned int level, const char *msg);

int criu_get_image_dir(void)
{
	return images_fd;
}

void print_on_level(unsigned int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_on_level(unsigned int level, const char *fmt, ...)
{
	char *msg = NULL, *more;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (getenv("OVT_VERBOSE"))
		fprintf(stderr, "%u| %s", level, msg);
	if (level == 4 && !strncmp(msg, "ovl_layers: libovllayers ", 25)) {
		snprintf(version_line, sizeof(version_line), "%s", msg);
		version_lines++;
		free(msg);
		return;
	}
	more = realloc(log_text, log_len + n + 16);
	if (!more)
		abort();
	log_text = more;
	log_len += sprintf(log_text + log_len, "%u|%s", level, msg);
	if (log_hook)
		log_hook(level, msg);
	free(msg);
}

static inline void log_reset(void)
{
	free(log_text);
	log_text = NULL;
	log_len = 0;
}

/* the log holds this exact line (level, text without the newline) */
static inline bool log_has_line(unsigned int level, const char *line)
{
	char want[4096];

	fmt(want, "%u|%s\n", level, line);
	return log_text && strstr(log_text, want);
}

#define ck_log_line(level, ...)						\
	do {								\
		char _l[4096];						\
		fmt(_l, __VA_ARGS__);					\
		ck_assert_msg(log_has_line(level, _l),			\
			      "log lacks \"%u|%s\"; it is:\n%s", level,	\
			      _l, log_text ? log_text : "(empty)");	\
	} while (0)

static inline bool log_has(const char *s)
{
	return log_text && strstr(log_text, s);
}

/* Every line of the log is one message of the plugin's ("<level>|"), and
 * none holds a control character (C0 but the newline that ends it, DEL,
 * a raw C1 CSI): what a container named is escaped, nothing forges a
 * line or reaches a terminal raw. */
static inline void ck_log_clean(void)
{
	const unsigned char *p = (const unsigned char *)log_text;
	bool start = true;

	ck_assert_ptr_nonnull(log_text);
	for (; *p; p++) {
		ck_assert_msg(!start || (p[0] >= '1' && p[0] <= '4' && p[1] == '|'),
			      "a line that is no message of the plugin's: %.80s",
			      (const char *)p);
		ck_assert_msg((*p >= 0x20 || *p == '\n') && *p != 0x7f &&
			      !(p[0] == 0xc2 && p[1] == 0x9b),
			      "a raw control byte 0x%02x in the log at: %.80s", *p,
			      (const char *)p);
		start = *p == '\n';
	}
}

/* the plugin's levels: 1 error, 2 warning, 3 info, 4 debug */
static inline unsigned int log_count(unsigned int level)
{
	char want[8];
	unsigned int n = 0;

	fmt(want, "%u|", level);
	for (const char *p = log_text; p && *p; p = strchr(p, '\n') + 1) {
		n += !strncmp(p, want, strlen(want));
		if (!strchr(p, '\n'))
			break;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* The plugin, as criu loads it */

static void *plugin;
static cr_plugin_desc_t *desc;
static char images[256];	/* this test's images directory */

static inline void use_images(const char *rel)
{
	if (images_fd >= 0)
		close(images_fd);
	fmt(images, "%s", P(rel));
	mkdir_p(images);
	images_fd = open(images, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(images_fd, 0);
}

static inline void plugin_setup(void)
{
	ovt_private_tmp("ovp");
	/* criu: dlopen(path, RTLD_LAZY); RTLD_NOW also proves that every
	 * symbol the plugin needs from criu is here */
	plugin = dlopen(PLUGIN_SO, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(plugin, "dlopen: %s", dlerror());
	desc = dlsym(plugin, "CR_PLUGIN_DESC");
	ck_assert_msg(desc, "no CR_PLUGIN_DESC: %s", dlerror());
	use_images("img");
	log_reset();
}

/* After a test that passed: the tmpfs off its directory in /tmp, which
 * goes (the namespace and its other mounts go with the process). */
static inline void plugin_teardown(void)
{
	log_reset();
	close(images_fd);
	images_fd = -1;
	ck_assert(!umount2(base, MNT_DETACH));
	ck_assert_msg(!rmdir(base), "rmdir %s: %m", base);
}

static inline void dump_stage(void);

static inline int restore_mount(int id, const char *target)
{
	CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT_t *hook =
		desc->hooks[CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT];
	char buf[PATHLEN], old_root[] = "/";

	ck_assert_ptr_nonnull(hook);
	fmt(buf, "%s", target);
	return hook(id, buf, old_root, NULL);
}

/* ------------------------------------------------------------------ */
/* Mounts */

struct mnt {
	int id, parent;
	unsigned int major, minor;
	char root[256], mountpoint[256], fstype[32], source[256], opts[1024];
};

/* mountinfo's octal escapes (\040, \011, \012, \134) undone in place */
static inline void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* the topmost mount at path, from the mountinfo of process pid (0: ours);
 * its root, mount point and source unescaped, as criu saves them */
static inline struct mnt mount_at_in(pid_t pid, const char *path)
{
	struct mnt m, found = { .id = -1 };
	char *line = NULL, file[64];
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (pid)
		snprintf(file, sizeof(file), "/proc/%d/mountinfo", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/mountinfo");
	f = fopen(file, "re");

	ck_assert(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		/* fields are split at single spaces, not at any white space
		 * as scanf's %s would: a CR or a form feed in a name is raw
		 * in mountinfo (spaces, tabs, newlines and backslashes are
		 * octal escapes) */
		char *fld[64], *p = line;
		int k, nf = 0, dash = -1;

		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		while (nf < 64 && (fld[nf] = strsep(&p, " ")))
			if (!strcmp(fld[nf++], "-") && dash < 0)
				dash = nf - 1;
		memset(&m, 0, sizeof(m));
		k = dash;
		if (k < 6 || nf < k + 4 ||
		    sscanf(fld[0], "%d", &m.id) != 1 ||
		    sscanf(fld[1], "%d", &m.parent) != 1 ||
		    sscanf(fld[2], "%u:%u", &m.major, &m.minor) != 2)
			continue;
		snprintf(m.root, sizeof(m.root), "%s", fld[3]);
		snprintf(m.mountpoint, sizeof(m.mountpoint), "%s", fld[4]);
		snprintf(m.fstype, sizeof(m.fstype), "%s", fld[k + 1]);
		snprintf(m.source, sizeof(m.source), "%s", fld[k + 2]);
		snprintf(m.opts, sizeof(m.opts), "%s", fld[k + 3]);
		unescape_octal(m.root);
		unescape_octal(m.mountpoint);
		unescape_octal(m.source);
		if (!strcmp(m.mountpoint, path))
			found = m;
	}
	free(line);
	fclose(f);
	ck_assert_msg(found.id > 0, "no mount at %s", path);
	return found;
}

static inline struct mnt mount_at(const char *path)
{
	return mount_at_in(0, path);
}

static inline bool is_mountpoint(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	bool yes = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	ck_assert(f);
	while (!yes && getline(&line, &cap, f) > 0) {
		char root[256], mp[256];

		yes = sscanf(line, "%*d %*d %*u:%*u %255s %255s", root, mp) == 2;
		if (yes)
			unescape_octal(mp);
		yes = yes && !strcmp(mp, path);
	}
	free(line);
	fclose(f);
	return yes;
}

static inline void mount_tmpfs(const char *rel)
{
	mkdir_p(P(rel));
	ck_assert_msg(!mount("tmpfs", P(rel), "tmpfs", 0, NULL), "tmpfs: %m");
}

static inline void bind_mount(const char *from, const char *to)
{
	mkdir_p(to);
	ck_assert_msg(!mount(from, to, NULL, MS_BIND, NULL), "bind %s %s: %m",
		      from, to);
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_msg(f, "%s: %m", path);
	fputs(text, f);
	ck_assert(!fclose(f));
}

static inline char *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_msg(f, "%s: %m", path);
	ck_assert(!fseek(f, 0, SEEK_END));
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	ck_assert(buf);
	ck_assert_int_eq(fread(buf, 1, n, f), n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

static inline void ck_file(const char *path, const char *text)
{
	char *got = read_bytes(path, NULL);

	ck_assert_str_eq(got, text);
	free(got);
}

/* the number of these directories whose filesystem has a non-null uuid:
 * where the plugin can check a layer by its file handle */
static inline unsigned int with_uuid(const char *const *dirs)
{
	unsigned int n = 0;

	for (; *dirs; dirs++) {
		struct ovl_fsuuid2 u = { .len = 16 };
		static const unsigned char zero[16];
		int fd = open(*dirs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		if (!ioctl(fd, OVL_FS_IOC_GETFSUUID, &u) && u.len == 16 &&
		    memcmp(u.uuid, zero, 16))
			n++;
		close(fd);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Images: crit encode / decode */

/* A crit JSON MntEntry for mount m (or the mount at path in process pid's
 * view, 0: ours), as CRIU dumps it. */
static inline struct json_object *entry_of(struct mnt m, int fstype,
					  unsigned int flags)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "fstype", json_object_new_int(fstype));
	json_object_object_add(e, "mnt_id", json_object_new_int(m.id));
	json_object_object_add(e, "root_dev", json_object_new_int64(
		(int64_t)m.major << KERN_MINORBITS | m.minor));
	json_object_object_add(e, "parent_mnt_id", json_object_new_int(m.parent));
	json_object_object_add(e, "flags", json_object_new_int64(flags));
	json_object_object_add(e, "root", json_object_new_string(m.root));
	json_object_object_add(e, "mountpoint", json_object_new_string(m.mountpoint));
	json_object_object_add(e, "source", json_object_new_string(m.source));
	json_object_object_add(e, "options", json_object_new_string(m.opts));
	json_object_object_add(e, "shared_id", json_object_new_int(0));
	json_object_object_add(e, "master_id", json_object_new_int(0));
	json_object_object_add(e, "sb_flags", json_object_new_int(0));
	if (fstype == FSTYPE_AUTO)
		json_object_object_add(e, "fsname", json_object_new_string(m.fstype));
	json_object_object_add(e, "ext_key", json_object_new_string(""));
	return e;
}

static inline struct json_object *entry_in(pid_t pid, const char *path,
					  int fstype, unsigned int flags)
{
	return entry_of(mount_at_in(pid, path), fstype, flags);
}

static inline struct json_object *entry(const char *path, int fstype,
				 unsigned int flags)
{
	return entry_in(0, path, fstype, flags);
}

static inline void crit(const char *verb, const char *in, const char *out)
{
	run("crit %s -i '%s' -o '%s'", verb, in, out);
}

/* images/name from these entries (a NULL-terminated list), by crit */
static inline void make_image_in(const char *dir, const char *name,
			  struct json_object **ents)
{
	struct json_object *img = json_object_new_object(),
			   *arr = json_object_new_array();
	char json[PATHLEN], out[PATHLEN];

	for (; *ents; ents++)
		json_object_array_add(arr, *ents);
	json_object_object_add(img, "magic", json_object_new_string("MNTS"));
	json_object_object_add(img, "entries", arr);
	fmt(json, "%s/%s.json", P("."), name);
	fmt(out, "%s/%s", dir, name);
	ck_assert(!json_object_to_file(json, img));
	json_object_put(img);
	crit("encode", json, out);
}

#define make_image(name, ...) \
	make_image_in(images, name, (struct json_object *[]){ __VA_ARGS__, NULL })

static inline struct json_object *decode(const char *path)
{
	char out[PATHLEN];
	struct json_object *o;

	fmt(out, "%s.decoded", path);
	crit("decode", path, out);
	o = json_object_from_file(out);
	ck_assert_msg(o, "crit decode %s: not JSON", path);
	unlink(out);
	return o;
}

static inline const char *img_path(const char *name)
{
	static char buf[2][PATHLEN];
	static int n;
	char *b = buf[n++ % 2];

	ck_assert(snprintf(b, sizeof(buf[0]), "%s/%s", images, name) <
		  (int)sizeof(buf[0]));
	return b;
}

/* What criu has written when the plugin's dump ends: pstree.img, and an
 * ids-<pid>.img for each of its processes naming the process's mount
 * namespace, by which the plugin knows the dump's mountpoints images.
 * Written here in CRIU's encoding (the two magics, then each entry's
 * length and protobuf bytes; t_task_images_as_crit_reads_them checks
 * them with crit): process 1000 + i in namespace ns[i]. */
static inline size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	return n;
}

static inline void put_image(const char *name, uint32_t magic,
			     const unsigned char (*ents)[64], const size_t *lens,
			     size_t n)
{
	FILE *f = fopen(img_path(name), "w");
	const uint32_t magics[2] = { 0x54564319, magic };

	ck_assert_msg(f, "%s: %m", name);
	fwrite(magics, sizeof(magics), 1, f);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = lens[i];

		fwrite(&len, 4, 1, f);
		fwrite(ents[i], 1, len, f);
	}
	ck_assert(!fclose(f));
}

static inline void make_task_images(const uint32_t *ns, size_t n)
{
	unsigned char (*pst)[64] = calloc(n ? n : 1, sizeof(*pst));
	size_t *plen = calloc(n ? n : 1, sizeof(*plen));

	ck_assert(pst && plen);
	for (size_t i = 0; i < n; i++) {
		unsigned char ids[1][64], *p = pst[i];
		uint32_t pid = 1000 + i;
		size_t ilen;
		char name[32];

		/* PstreeEntry: pid 1, ppid 2, pgid 3, sid 4, threads 5 */
		p += put_varint(p, 1 << 3);
		p += put_varint(p, pid);
		p += put_varint(p, 2 << 3);
		p += put_varint(p, i ? 1000 : 0);
		p += put_varint(p, 3 << 3);
		p += put_varint(p, 1000);
		p += put_varint(p, 4 << 3);
		p += put_varint(p, 1000);
		p += put_varint(p, 5 << 3);
		p += put_varint(p, pid);
		plen[i] = p - pst[i];
		/* TaskKobjIdsEntry: vm, files, fs, sighand ids 1-4 (required),
		 * mnt_ns_id 9 */
		p = ids[0];
		for (unsigned int f = 1; f <= 4; f++) {
			p += put_varint(p, f << 3);
			p += put_varint(p, 1 + i);
		}
		p += put_varint(p, 9 << 3);
		p += put_varint(p, ns[i]);
		ilen = p - ids[0];
		snprintf(name, sizeof(name), "ids-%u.img", pid);
		put_image(name, 0x54432030, ids, &ilen, 1);
	}
	put_image("pstree.img", 0x50273030, pst, plen, n);
	free(pst);
	free(plen);
}

static inline void remove_task_images(size_t n)
{
	char name[32];

	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "ids-%zu.img", 1000 + i);
		unlinkat(images_fd, name, 0);
	}
	unlinkat(images_fd, "pstree.img", 0);
}

/* A dump: init, then exit with success.  Unless the test wrote its own
 * pstree.img, one process per mountpoints-<N>.img name in the folder (of
 * whatever kind the file is), in namespace N, so that every image a test
 * made is the dump's (none: one process in namespace 1); those task
 * images go again afterwards. */
static inline void dump_stage(void)
{
	uint32_t ns[64];
	size_t n = 0;
	bool own = !faccessat(images_fd, "pstree.img", F_OK, AT_SYMLINK_NOFOLLOW);

	if (!own) {
		struct dirent **names;
		int k = scandir(images, &names, NULL, alphasort);

		ck_assert_int_ge(k, 0);
		for (int i = 0; i < k; i++) {
			unsigned int id;
			int end = 0;

			if (sscanf(names[i]->d_name, "mountpoints-%u.img%n", &id, &end) == 1 &&
			    !names[i]->d_name[end] && n < 64)
				ns[n++] = id;
			free(names[i]);
		}
		free(names);
		/* no image: one process, in a namespace not dumped */
		if (!n)
			ns[n++] = 1;
		make_task_images(ns, n);
	}
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__DUMP), 0);
	desc->exit(CR_PLUGIN_STAGE__DUMP, 0);
	if (!own)
		remove_task_images(n);
}

/* A file's bytes and identity, before the plugin ran. */
struct snap {
	char *bytes;
	size_t len;
	ino_t ino;
	struct timespec mtime;
};

static inline struct snap snap(const char *path)
{
	struct snap s;
	struct stat st;

	ck_assert(!stat(path, &st));
	s.bytes = read_bytes(path, &s.len);
	s.ino = st.st_ino;
	s.mtime = st.st_mtim;
	return s;
}

/* the file was not touched: same inode, same mtime, same bytes */
static inline void ck_untouched(const char *path, struct snap *s)
{
	struct stat st;
	size_t len;
	char *now = read_bytes(path, &len);

	ck_assert(!stat(path, &st));
	ck_assert_msg(st.st_ino == s->ino, "%s was replaced", path);
	ck_assert(st.st_mtim.tv_sec == s->mtime.tv_sec &&
		  st.st_mtim.tv_nsec == s->mtime.tv_nsec);
	ck_assert_uint_eq(len, s->len);
	ck_assert(!memcmp(now, s->bytes, len));
	free(now);
	free(s->bytes);
}

/* The protobuf entries of an image as crit writes it (two magics, then
 * 32-bit length + entry), walked independently of criu/images.c. */
static inline size_t walk(const char *b, size_t len, size_t *off, size_t *n,
		   size_t max)
{
	size_t at = 8, k = 0;

	ck_assert_uint_ge(len, 8);
	while (at < len) {
		uint32_t l;

		ck_assert_uint_ge(len - at, 4);
		memcpy(&l, b + at, 4);
		ck_assert_uint_le(l, len - at - 4);
		ck_assert_uint_lt(k, max);
		off[k] = at + 4;
		n[k++] = l;
		at += 4 + l;
	}
	return k;
}

static inline bool in_list(int id, const int *ids)
{
	for (; *ids; ids++)
		if (*ids == id)
			return true;
	return false;
}

/*
 * The image after the plugin, against its bytes and crit's decoding
 * before: the entries whose mnt_id is in marked (0-terminated) have
 * with_plugin, their bytes are the old ones + field 12 = 1; every other
 * entry is byte-identical and decodes to the same fields.
 */
static inline void ck_marked(const char *name, const struct snap *before,
		      struct json_object *dec_before, const int *marked)
{
	size_t len, boff[64], blen[64], aoff[64], alen[64], nb, na;
	char *after = read_bytes(img_path(name), &len);
	struct json_object *dec_after = decode(img_path(name)), *eb, *ea;
	size_t nmarked = 0;

	nb = walk(before->bytes, before->len, boff, blen, 64);
	na = walk(after, len, aoff, alen, 64);
	ck_assert_uint_eq(na, nb);
	ck_assert(!memcmp(after, before->bytes, 8));	/* magics */
	ck_assert(json_object_object_get_ex(dec_before, "entries", &eb));
	ck_assert(json_object_object_get_ex(dec_after, "entries", &ea));
	ck_assert_uint_eq(json_object_array_length(ea), nb);
	ck_assert_uint_eq(json_object_array_length(eb), nb);
	for (size_t i = 0; i < nb; i++) {
		struct json_object *b = json_object_array_get_idx(eb, i),
				   *a = json_object_array_get_idx(ea, i), *v;
		int id = json_object_get_int(json_object_object_get(b, "mnt_id"));

		ck_assert_msg(!json_object_object_get_ex(b, "with_plugin", NULL),
			      "entry %zu marked before the plugin ran", i);
		if (in_list(id, marked)) {
			nmarked++;
			ck_assert_uint_eq(alen[i], blen[i] + 2);
			ck_assert(!memcmp(after + aoff[i], before->bytes + boff[i],
					  blen[i]));
			ck_assert(!memcmp(after + aoff[i] + blen[i], "\x60\x01", 2));
			ck_assert_msg(json_object_object_get_ex(a, "with_plugin", &v) &&
				      json_object_get_boolean(v),
				      "mount %d: no with_plugin", id);
			json_object_object_del(a, "with_plugin");
		} else {
			ck_assert_uint_eq(alen[i], blen[i]);
			ck_assert_msg(!memcmp(after + aoff[i], before->bytes + boff[i],
					      blen[i]), "mount %d changed", id);
		}
		ck_assert_msg(json_object_equal(a, b), "mount %d: %s != %s", id,
			      json_object_to_json_string(a),
			      json_object_to_json_string(b));
	}
	for (const int *m = marked; *m; m++)
		nmarked--;	/* every one asked for was there */
	ck_assert_uint_eq(nmarked, 0);
	json_object_put(dec_after);
	free(after);
}

/* the names in the images directory, sorted, space-separated */
static inline char *listing(void)
{
	struct dirent **names;
	static char buf[4096];
	int n = scandir(images, &names, NULL, alphasort);
	size_t at = 0;

	ck_assert_int_ge(n, 0);
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			at += snprintf(buf + at, sizeof(buf) - at, "%s%s",
				       at ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return buf;
}

/* the plugin's description of overlay mount id */
/* The names of o's members, in their order, joined by commas. */
static inline void member_names(struct json_object *o, char *out, size_t size)
{
	out[0] = '\0';
	json_object_object_foreach(o, key, val) {
		(void)val;
		snprintf(out + strlen(out), size - strlen(out), "%s%s",
			 out[0] ? "," : "", key);
	}
}

/*
 * ovl-layers-<id>.json as the plugin wrote it: its text is json-c's own
 * pretty text of what it reads back to, byte for byte, its members in the
 * order of the plugin's first images (json-c wrote them until the dump
 * wrote them itself, struct ovl_json_out, lib/json.h), and a restore of
 * either reads the other.
 */
static inline struct json_object *described(int id)
{
	char name[64], keys[256];
	struct json_object *o, *layers;
	char *text;
	size_t len;

	fmt(name, "ovl-layers-%d.json", id);
	o = json_object_from_file(img_path(name));
	ck_assert_msg(o, "%s: %s", name, json_util_get_last_err());
	text = read_bytes(img_path(name), &len);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert_str_eq(text, json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	free(text);
	member_names(o, keys, sizeof(keys));
	if (json_object_object_get_ex(o, "error", NULL))
		ck_assert_str_eq(keys, "format,version,mnt_id,mountpoint,source,root_dev,flags,error");
	else
		ck_assert_str_eq(keys, "format,version,mnt_id,mountpoint,source,root_dev,flags,layers,record");
	if (json_object_object_get_ex(o, "layers", &layers))
		for (size_t i = 0; i < json_object_array_length(layers); i++) {
			member_names(json_object_array_get_idx(layers, i),
				     keys, sizeof(keys));
			ck_assert_str_eq(keys, "kind,index,mnt_id,mountpoint,root,path");
		}
	return o;
}

static inline const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v) &&
		      json_object_is_type(v, json_type_string),
		      "no string %s in %s", key, json_object_to_json_string(o));
	return json_object_get_string(v);
}

static inline int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v) &&
		      json_object_is_type(v, json_type_int),
		      "no integer %s in %s", key, json_object_to_json_string(o));
	return json_object_get_int64(v);
}

static inline void ck_layer(struct json_object *layers, size_t i, const char *kind,
		     int index, const struct mnt *m, const char *root,
		     const char *path)
{
	struct json_object *l = json_object_array_get_idx(layers, i);

	ck_assert_msg(l, "no layer %zu", i);
	ck_assert_str_eq(jstr(l, "kind"), kind);
	ck_assert_int_eq(jint(l, "index"), index);
	ck_assert_int_eq(jint(l, "mnt_id"), m->id);
	ck_assert_str_eq(jstr(l, "mountpoint"), m->mountpoint);
	ck_assert_str_eq(jstr(l, "root"), root);
	ck_assert_str_eq(jstr(l, "path"), path);
}


#endif
