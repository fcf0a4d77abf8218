// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The CRIU plugin (build/criu/ovl_layers_plugin.so) on real mounts of the
 * host kernel (root needed), driven the way criu 3.17 drives it: loaded
 * with dlopen(), CR_PLUGIN_DESC looked up, init(stage) and exit(stage,
 * ret) around a dump, the RESTORE_EXT_MOUNT hook called with a mount ID
 * and the place CRIU wants the mount, "/" and NULL.
 *
 * What is mocked, and why: criu itself cannot run here (it would have to
 * dump and restore a whole process tree; tests/criu/criu.sh does that in
 * the VM).  So this program plays criu's part:
 *  - it defines criu_get_image_dir() (an fd of this test's images
 *    directory) and print_on_level() (criu's log, captured so that the
 *    tests can assert on the messages), and is linked with -rdynamic so
 *    that the plugin resolves both here as it does in criu;
 *  - its mountpoints images are real CRIU images, written by `crit
 *    encode` from JSON entries that describe this test's own mounts (mount
 *    IDs, devices, roots and sources from /proc/self/mountinfo), with the
 *    mount points as this process sees them from its root "/", since the
 *    plugin reads an overlay at /proc/PID/root + its mount point;
 *  - at restore, the yard CRIU would have built is a tmpfs with a
 *    mnt-<mount ID> directory per layer mount (mount-v2), each a bind
 *    mount of that mount (or the same ext4 mounted again), or the mount
 *    tree under a root (--mntns-compat-mode).
 * Everything else is the plugin's real code on real mounts, each test in a
 * private mount namespace on a fresh tmpfs (tests/common/fixture.h).
 */
#include <check.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>

#include "plugin_harness.h"
#include "testrun.h"

/* ------------------------------------------------------------------ */
/* The scene most tests use:
 *   t1   tmpfs: l1 (a), u (c), w
 *   b    a bind mount of sub/ of another tmpfs, no longer mounted
 *        elsewhere: l2 (b)
 *   m    overlay "ovltest" lowerdir=t1/l1:b/l2,upperdir=t1/u,workdir=t1/w
 */
struct scene {
	struct mnt top, t1, b, m;
};

static struct scene scene(unsigned long flags)
{
	struct scene s;
	char opts[1024];

	mount_tmpfs("t1");
	mkdir_p(P("t1/l1"));
	mkdir_p(P("t1/u"));
	mkdir_p(P("t1/w"));
	write_text(P("t1/l1/a"), "from-l1\n");
	write_text(P("t1/u/c"), "from-upper\n");
	mount_tmpfs("t2");
	mkdir_p(P("t2/sub/l2"));
	write_text(P("t2/sub/l2/b"), "from-l2\n");
	bind_mount(P("t2/sub"), P("b"));
	ck_assert(!umount(P("t2")));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s,upperdir=%s,workdir=%s",
	    P("t1/l1"), P("b/l2"), P("t1/u"), P("t1/w"));
	ck_assert_msg(!mount("ovltest", P("m"), "overlay", flags, opts),
		      "mount overlay: %m");
	s.top = mount_at(base);
	s.t1 = mount_at(P("t1"));
	s.b = mount_at(P("b"));
	s.m = mount_at(P("m"));
	ck_assert_str_eq(s.b.root, "/sub");
	ck_assert_str_eq(s.m.fstype, "overlay");
	return s;
}

/* the scene's image, mountpoints-<ns>.img */
static void scene_image(const char *name, const struct scene *s,
			unsigned int ovl_flags)
{
	make_image(name, entry(s->top.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s->t1.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s->b.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s->m.mountpoint, FSTYPE_OVERLAYFS, ovl_flags));
}

static void ck_scene_layers(struct json_object *o, const struct scene *s)
{
	struct json_object *layers;

	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	ck_assert_uint_eq(json_object_array_length(layers), 4);
	ck_layer(layers, 0, "upper", 0, &s->t1, "/u", P("t1/u"));
	ck_layer(layers, 1, "work", 0, &s->t1, "/w", P("t1/w"));
	ck_layer(layers, 2, "lower", 1, &s->t1, "/l1", P("t1/l1"));
	ck_layer(layers, 3, "lower", 2, &s->b, "/l2", P("b/l2"));
}

/* The yard of a mount-v2 restore: <yard>/mnt-<id> of each layer mount is
 * a bind mount of it; returns where the overlay goes. */
static const char *yard_v2(const struct mnt *const *layer_mounts, int ovl_id)
{
	static char target[PATHLEN];
	char dir[PATHLEN];

	mount_tmpfs("yard");
	for (; *layer_mounts; layer_mounts++) {
		fmt(dir, "%s/mnt-%010d", P("yard"),
		    (*layer_mounts)->id);
		bind_mount((*layer_mounts)->mountpoint, dir);
	}
	fmt(target, "%s/mnt-%010d", P("yard"), ovl_id);
	mkdir_p(target);
	return target;
}

/* ------------------------------------------------------------------ */
/* Loading */

START_TEST(t_loads_like_criu)
{
	ck_assert_str_eq(desc->name, "ovl_layers");
	ck_assert_uint_eq(desc->version, CRIU_PLUGIN_VERSION);
	ck_assert_uint_eq(desc->max_hooks, CR_PLUGIN_HOOK__MAX);
	ck_assert_ptr_nonnull(desc->init);
	ck_assert_ptr_nonnull(desc->exit);
	for (int h = 0; h < CR_PLUGIN_HOOK__MAX; h++)
		ck_assert_msg(!desc->hooks[h] == (h != CR_PLUGIN_HOOK__RESTORE_EXT_MOUNT),
			      "hook %d", h);
	/* only CR_PLUGIN_DESC is exported: not the library, not the parser */
	ck_assert_ptr_null(dlsym(plugin, "ovl_layers_read"));
	ck_assert_ptr_null(dlsym(plugin, "criu_mnt_image_read"));
	ck_assert_ptr_null(dlsym(plugin, "say"));
	/* a dump without mountpoints images: nothing to do, nothing said
	 * but init's debug line with the version (criu -v4 shows it) */
	write_text(img_path("inventory.img"), "not read\n");
	version_lines = 0;
	dump_stage();
	ck_assert_str_eq(listing(), "inventory.img");
	ck_assert_ptr_null(log_text);
	ck_assert_int_eq(version_lines, 1);
	ck_assert_str_eq(version_line, "ovl_layers: libovllayers " PLUGIN_VERSION "\n");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Dump */

START_TEST(t_dump_describes_and_marks)
{
	struct scene s = scene(0);
	struct json_object *o, *rec, *dec;
	struct snap before;
	struct mnt ms;
	char want[256];
	bool fallback;

	/* a bind mount of a directory of the overlay: CRIU's to restore */
	mkdir_p(P("m/sub"));
	bind_mount(P("m/sub"), P("ms"));
	ms = mount_at(P("ms"));
	ck_assert_str_eq(ms.root, "/sub");
	make_image("mountpoints-9.img", entry(s.top.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s.t1.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s.b.mountpoint, FSTYPE_TMPFS, 0),
		   entry(s.m.mountpoint, FSTYPE_OVERLAYFS, MS_NOATIME),
		   entry(ms.mountpoint, FSTYPE_OVERLAYFS, 0));
	before = snap(img_path("mountpoints-9.img"));
	dec = decode(img_path("mountpoints-9.img"));

	dump_stage();

	/* criu's images directory fd: its position is criu's, not moved */
	ck_assert_int_eq(lseek(images_fd, 0, SEEK_CUR), 0);
	fmt(want, "mountpoints-9.img ovl-layers-%d.json", s.m.id);
	ck_assert_str_eq(listing(), want);	/* no temporary file left */
	o = described(s.m.id);
	ck_assert_str_eq(jstr(o, "format"), "ovl_layers_plugin");
	ck_assert_int_eq(jint(o, "version"), 1);
	ck_assert_int_eq(jint(o, "mnt_id"), s.m.id);
	ck_assert_str_eq(jstr(o, "mountpoint"), P("m"));
	ck_assert_str_eq(jstr(o, "source"), "ovltest");
	ck_assert_int_eq(jint(o, "root_dev"),
			 (int64_t)s.m.major << KERN_MINORBITS | s.m.minor);
	ck_assert_int_eq(jint(o, "flags"), MS_NOATIME);
	ck_assert(!json_object_object_get_ex(o, "error", NULL));
	ck_scene_layers(o, &s);
	ck_assert(json_object_object_get_ex(o, "record", &rec));
	ck_assert_str_eq(jstr(rec, "format"), "libovllayers-checkpoint");
	fallback = !strcmp(jstr(rec, "source"), "mountinfo");
	ck_assert(fallback || !strcmp(jstr(rec, "source"), "xattr"));
	json_object_put(o);

	/* the overlay's entry marked, the bind mount of its subdirectory and
	 * every other entry as they were */
	ck_marked("mountpoints-9.img", &before, dec, (int[]){ s.m.id, 0 });
	/* the host kernel has no layers xattr: the option strings */
	ck_log_line(3, "ovl_layers: overlay %s (mount %d): 4 layers described from its mount option strings",
		    P("m"), s.m.id);
	/* this kernel without the series: said so, once */
	ck_assert_uint_eq(log_count(2), fallback);
	if (fallback)
		ck_log_line(2, "Warn  (ovl_layers): overlay %s (mount %d): the kernel has no trusted.overlay.layers; its layers come from the mount option path strings, which are true only until the first restore",
			    P("m"), s.m.id);
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(4), 4);	/* one line per layer */
	json_object_put(dec);
	free(before.bytes);
}
END_TEST

/* A layer on a mount the checkpoint does not have: recorded with the
 * reason, marked all the same, and its restore fails with that reason. */
START_TEST(t_layer_mount_not_in_image)
{
	struct json_object *o, *dec;
	struct snap before;
	struct mnt t1, t2, m;
	char opts[512], reason[512], target[PATHLEN];

	mount_tmpfs("t1");
	mount_tmpfs("t2");
	mkdir_p(P("t1/l1"));
	mkdir_p(P("t2/l2"));
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s", P("t1/l1"), P("t2/l2"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	t1 = mount_at(P("t1"));
	t2 = mount_at(P("t2"));
	m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, 0));	/* no t2 */
	before = snap(img_path("mountpoints-1.img"));
	dec = decode(img_path("mountpoints-1.img"));

	dump_stage();

	fmt(reason,
	    "its lower layer 2 (%s) is on mount %d, which is not in the dumped mount namespace",
	    P("t2/l2"), t2.id);
	o = described(m.id);
	ck_assert_str_eq(jstr(o, "error"), reason);
	ck_assert_int_eq(jint(o, "mnt_id"), m.id);
	ck_assert(!json_object_object_get_ex(o, "layers", NULL));
	ck_assert(!json_object_object_get_ex(o, "record", NULL));
	json_object_put(o);
	ck_marked("mountpoints-1.img", &before, dec, (int[]){ m.id, 0 });
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d) cannot be described: %s; it will not be restored",
		    P("m"), m.id, reason);
	json_object_put(dec);
	free(before.bytes);

	/* restore: refused with the dump's reason, nothing mounted */
	ck_assert(!umount(P("m")));
	fmt(target, "%s",
	    yard_v2((const struct mnt *const[]){ &t1, &t2, NULL }, m.id));
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, target), -EINVAL);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d) was not described at checkpoint time: %s",
		    P("m"), m.id, reason);
	ck_assert(!is_mountpoint(target));
}
END_TEST

/*
 * A layer the task cannot reach whole is never described: the scene's l1
 * covered by a tmpfs in the task's view is shadowed (its mount and handle
 * still lead to it, its path does not).  On a kernel with the layers xattr
 * it is covered before the dump; on one without, the plugin's fresh read
 * from the option strings would take the cover for the layer, so it is
 * covered between the read and the resolution, at the Warn line that
 * marks that moment.  The overlay is described by the reason, marked, and
 * its image moved aside: no restore from these images, plugin or not.
 */
static const char *cover_path;

static void cover_at_fallback_warning(unsigned int level, const char *msg)
{
	if (level == 2 && strstr(msg, "the kernel has no trusted.overlay.layers"))
		mount_tmpfs(cover_path + strlen(base) + 1);
}

START_TEST(t_shadowed_layer_not_described)
{
	struct scene s = scene(0);
	struct json_object *o, *dec;
	struct snap before;
	char reason[1024], want[256], target[PATHLEN];
	char aside[] = "mountpoints-1.img.ovl_layers-incomplete";

	scene_image("mountpoints-1.img", &s, 0);
	before = snap(img_path("mountpoints-1.img"));
	dec = decode(img_path("mountpoints-1.img"));
	cover_path = P("t1/l1");
	if (getxattr(P("m"), "trusted.overlay.layers", NULL, 0) >= 0)
		mount_tmpfs("t1/l1");
	else
		log_hook = cover_at_fallback_warning;

	dump_stage();
	log_hook = NULL;

	ck_assert(is_mountpoint(P("t1/l1")));
	fmt(reason, "its lower layer 1 is shadowed in process %d's view at %s: its path is covered by another mount; its fd and mount ID still lead to it",
	    (int)getpid(), P("t1/l1"));
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d) cannot be described: %s; it will not be restored",
		    P("m"), s.m.id, reason);
	ck_log_line(1, "Error (ovl_layers): mountpoints-1.img moved aside to %s: these images cannot be restored",
		    aside);
	ck_assert_uint_eq(log_count(1), 2);
	ck_assert_uint_eq(log_count(3), 0);	/* nothing described */
	ck_assert_uint_eq(log_count(4), 2);	/* upper and work, before it */
	/* not described: the reason, no layer, no record */
	o = described(s.m.id);
	ck_assert_str_eq(jstr(o, "error"), reason);
	ck_assert(!json_object_object_get_ex(o, "layers", NULL));
	ck_assert(!json_object_object_get_ex(o, "record", NULL));
	json_object_put(o);
	/* the image aside, its overlay marked all the same */
	fmt(want, "%s ovl-layers-%d.json", aside, s.m.id);
	ck_assert_str_eq(listing(), want);
	ck_marked(aside, &before, dec, (int[]){ s.m.id, 0 });
	json_object_put(dec);
	free(before.bytes);

	/* no restore: criu finds no image of the overlay's namespace */
	ck_assert(!umount(P("m")));
	fmt(target, "%s",
	    yard_v2((const struct mnt *const[]){ &s.t1, &s.b, NULL }, s.m.id));
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);
	ck_log_line(1, "Error (ovl_layers): overlay mount %d: not in CRIU's mount images",
		    s.m.id);
	ck_assert(!is_mountpoint(target));
}
END_TEST

/*
 * The names of the images and of the container's view in criu's log:
 * an overlay mounted at a name with ESC (a sequence that retitles a
 * terminal), BEL, a newline, a CR, a backslash and UTF-8, a layer
 * directory named so too.  Every line of the plugin's and of the library's
 * (OVL_LAYERS_DEBUG) is one message with the bytes escaped once, as
 * \xHH, \\ (the library's text is not escaped again); the descriptions,
 * JSON, keep the names as they are.  At restore, a description whose
 * path holds a forged log line is named escaped in the refusal.
 */
#define ESC_MP		"m-\x1b]0;pwned\x07-n\nl-r\rc-\\-caf\xc3\xa9"
#define ESC_MP_OUT	"m-\\x1b]0;pwned\\x07-n\\x0al-r\\x0dc-\\\\-caf\xc3\xa9"
#define ESC_LY		"L-\x1b[31m\x07-n\nl-r\rc-caf\xc3\xa9"
#define ESC_LY_OUT	"L-\\x1b[31m\\x07-n\\x0al-r\\x0dc-caf\xc3\xa9"

START_TEST(t_log_escapes_names)
{
	struct json_object *o, *layers, *one;
	struct mnt t1, m;
	char mp[PATHLEN], ly[PATHLEN], opts[1024], line[1024], target[PATHLEN];
	char name[64];

	mount_tmpfs("t1");
	mkdir_p(P("t1/u"));
	mkdir_p(P("t1/w"));
	fmt(ly, "%s/" ESC_LY, P("t1"));
	ck_assert(!mkdir(ly, 0755));
	fmt(mp, "%s/" ESC_MP, base);
	ck_assert(!mkdir(mp, 0755));
	fmt(opts, "lowerdir=%s,upperdir=%s,workdir=%s", ly, P("t1/u"), P("t1/w"));
	ck_assert_msg(!mount("ovl", mp, "overlay", 0, opts), "mount: %m");
	t1 = mount_at(P("t1"));
	m = mount_at(mp);
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0), entry(mp, FSTYPE_OVERLAYFS, 0));
	setenv("OVL_LAYERS_DEBUG", "all", 1);
	dump_stage();
	unsetenv("OVL_LAYERS_DEBUG");

	ck_log_clean();
	ck_assert_uint_eq(log_count(1), 0);
	/* the plugin's own lines: the image's mount point, the view's path */
	fmt(line, "ovl_layers: overlay %s/" ESC_MP_OUT " (mount %d): 3 layers described from ",
	    base, m.id);
	ck_assert_msg(log_has(line), "log lacks \"%s\":\n%s", line, log_text);
	ck_log_line(4, "ovl_layers: overlay %s/" ESC_MP_OUT ": lower layer 1 at %s/" ESC_LY_OUT " (mount %d %s, ok)",
		    base, P("t1"), t1.id, P("t1"));
	/* the library's, through the plugin's log: escaped once (whichever
	 * of its functions says it: "libovllayers: <func>: ...") */
	fmt(line, ": record 2 (lower 1): ok at %s/" ESC_LY_OUT "\n", P("t1"));
	{
		const char *at = log_text ? strstr(log_text, line) : NULL;
		const char *bol = at, *lib = "4|ovl_layers: libovllayers: ";

		while (bol && bol > log_text && bol[-1] != '\n')
			bol--;
		ck_assert_msg(at && !strncmp(bol, lib, strlen(lib)) &&
			      at > bol + strlen(lib) &&
			      !memchr(bol + strlen(lib), ' ', at - bol - strlen(lib)),
			      "log lacks \"%s<func>%s\":\n%s", lib, line, log_text);
	}
	ck_assert(!log_has("\\\\x1b"));
	/* the description keeps the names */
	o = described(m.id);
	ck_assert_str_eq(jstr(o, "mountpoint"), mp);
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	ck_assert_str_eq(jstr(json_object_array_get_idx(layers, 2), "path"), ly);

	/* restore: a description whose layer path forges a line, its root
	 * lost: refused, the path escaped in the one Error line */
	one = json_object_array_get_idx(layers, 2);
	json_object_object_add(one, "path", json_object_new_string(
		"/x\x1b]2;evil\x07\n1|Error (ovl_layers): forged"));
	json_object_object_del(one, "root");
	fmt(name, "ovl-layers-%d.json", m.id);
	ck_assert(!json_object_to_file(img_path(name), o));
	json_object_put(o);
	ck_assert(!umount(mp));
	fmt(target, "%s", yard_v2((const struct mnt *const[]){ &t1, NULL }, m.id));
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, target), -EINVAL);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);
	ck_log_clean();
	ck_log_line(1, "Error (ovl_layers): overlay %s/" ESC_MP_OUT " (mount %d): lower layer 1 (/x\\x1b]2;evil\\x07\\x0a1|Error (ovl_layers): forged on mount %d): its place in the image is incomplete",
		    base, m.id, t1.id);
	ck_assert_uint_eq(log_count(1), 1);
	ck_assert(!is_mountpoint(target));
}
END_TEST

/* Images without an overlay are not rewritten; an overlay's image next to
 * them is. */
START_TEST(t_image_without_overlay_untouched)
{
	struct scene s = scene(0);
	struct json_object *dec;
	struct snap plain, ovl;
	char want[256];

	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, MS_NOSUID | MS_NODEV),
		   entry(P("b"), FSTYPE_TMPFS, 0));
	scene_image("mountpoints-2.img", &s, 0);
	plain = snap(img_path("mountpoints-1.img"));
	ovl = snap(img_path("mountpoints-2.img"));
	dec = decode(img_path("mountpoints-2.img"));

	dump_stage();

	ck_untouched(img_path("mountpoints-1.img"), &plain);
	ck_marked("mountpoints-2.img", &ovl, dec, (int[]){ s.m.id, 0 });
	fmt(want, "mountpoints-1.img mountpoints-2.img ovl-layers-%d.json",
	    s.m.id);
	ck_assert_str_eq(listing(), want);
	ck_assert_uint_eq(log_count(1), 0);
	json_object_put(dec);
	free(ovl.bytes);
}
END_TEST

/* A failed dump, a pre-dump: the plugin leaves the images alone. */
START_TEST(t_failed_dump_and_predump_untouched)
{
	struct scene s = scene(0);
	struct snap before;

	scene_image("mountpoints-1.img", &s, 0);
	before = snap(img_path("mountpoints-1.img"));
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__DUMP), 0);
	desc->exit(CR_PLUGIN_STAGE__DUMP, -1);
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__PRE_DUMP), 0);
	desc->exit(CR_PLUGIN_STAGE__PRE_DUMP, 0);
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_untouched(img_path("mountpoints-1.img"), &before);
	ck_assert_str_eq(listing(), "mountpoints-1.img");
	ck_assert_ptr_null(log_text);
	/* the control: a successful dump does mark it */
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);
	ck_assert(strstr(listing(), "ovl-layers-"));
}
END_TEST

/* Only mountpoints-<ns>.img: a copy kept next to it is not an image of
 * this dump, and is neither read nor rewritten. */
START_TEST(t_only_image_names)
{
	struct scene s = scene(0);
	struct snap copy, tilde;

	scene_image("mountpoints-1.img", &s, 0);
	run("cp -p %s %s.orig", img_path("mountpoints-1.img"),
	    img_path("mountpoints-1.img"));
	run("cp -p %s %s", img_path("mountpoints-1.img"),
	    img_path("mountpoints-2.img~"));
	copy = snap(img_path("mountpoints-1.img.orig"));
	tilde = snap(img_path("mountpoints-2.img~"));
	dump_stage();
	ck_untouched(img_path("mountpoints-1.img.orig"), &copy);
	ck_untouched(img_path("mountpoints-2.img~"), &tilde);
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);	/* the one image, described once */
}
END_TEST

/* The task images the harness writes are CRIU's: crit reads them so. */
START_TEST(t_task_images_as_crit_reads_them)
{
	struct json_object *o, *e, *arr;

	make_task_images((const uint32_t[]){ 7, 300 }, 2);
	o = decode(img_path("pstree.img"));
	ck_assert(json_object_object_get_ex(o, "entries", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 2);
	e = json_object_array_get_idx(arr, 1);
	ck_assert_int_eq(jint(e, "pid"), 1001);
	ck_assert_int_eq(jint(e, "ppid"), 1000);
	json_object_put(o);
	o = decode(img_path("ids-1001.img"));
	ck_assert(json_object_object_get_ex(o, "entries", &arr));
	ck_assert_int_eq(json_object_array_length(arr), 1);
	ck_assert_int_eq(jint(json_object_array_get_idx(arr, 0), "mnt_ns_id"), 300);
	json_object_put(o);
}
END_TEST

/*
 * A reused images directory (podman container checkpoint --keep, criu -D
 * on an old folder): an earlier dump's mountpoints-13.img is still there,
 * this dump's namespace is 14 (ids-<pid>.img).  Only 14 is read and
 * marked; 13 is neither read nor rewritten, and no Error is said.
 */
START_TEST(t_reused_folder_only_this_dumps_images)
{
	struct scene s = scene(0);
	struct json_object *dec;
	struct snap stale, cur;

	scene_image("mountpoints-13.img", &s, 0);
	scene_image("mountpoints-14.img", &s, 0);
	stale = snap(img_path("mountpoints-13.img"));
	cur = snap(img_path("mountpoints-14.img"));
	dec = decode(img_path("mountpoints-14.img"));
	make_task_images((const uint32_t[]){ 14, 14 }, 2);

	dump_stage();

	ck_untouched(img_path("mountpoints-13.img"), &stale);
	ck_marked("mountpoints-14.img", &cur, dec, (int[]){ s.m.id, 0 });
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);	/* described once: from 14 */
	ck_log_line(4, "ovl_layers: mountpoints-13.img: not this dump's (an earlier dump's in a reused folder): left alone");
	json_object_put(dec);
	free(cur.bytes);
}
END_TEST

/* core-1001.img as criu writes it for a process: CoreEntry mtype x86_64,
 * its tc (TaskCoreEntry) with task_state state (criu 3.17's values: 1
 * alive, 2 a zombie, dump_one_zombie()'s TASK_DEAD, 3 stopped) */
static void make_core(uint32_t state)
{
	unsigned char core[1][64], tc[16], *p = core[0], *t = tc;
	size_t len;

	t += put_varint(t, 1 << 3);	/* task_state */
	t += put_varint(t, state);
	t += put_varint(t, 2 << 3);	/* exit_code */
	t += put_varint(t, 0);
	p += put_varint(p, 1 << 3);	/* mtype */
	p += put_varint(p, 1);
	p += put_varint(p, 3 << 3 | 2);	/* tc */
	p += put_varint(p, t - tc);
	memcpy(p, tc, t - tc);
	p += t - tc;
	len = p - core[0];
	put_image("core-1001.img", 0x55053847, core, &len, 1);
}

/*
 * A process of the tree that exited and was not reaped yet is dumped as a
 * zombie: pstree.img lists it, criu writes its core-<pid>.img (task state
 * 2, TASK_DEAD: a real dump's, tests/criu/criu.sh's zombie case) and no
 * ids-<pid>.img.  The dump's namespaces are the others'; a process that
 * is not a zombie (alive, 1; stopped, 3) must still have its
 * ids-<pid>.img.
 */
START_TEST(t_zombie_in_the_tree)
{
	struct scene s = scene(0);
	struct json_object *dec;
	struct snap cur;

	scene_image("mountpoints-14.img", &s, 0);
	cur = snap(img_path("mountpoints-14.img"));
	dec = decode(img_path("mountpoints-14.img"));
	make_task_images((const uint32_t[]){ 14, 14 }, 2);
	ck_assert(!unlinkat(images_fd, "ids-1001.img", 0));
	make_core(2);

	dump_stage();

	ck_marked("mountpoints-14.img", &cur, dec, (int[]){ s.m.id, 0 });
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);
	json_object_put(dec);
	free(cur.bytes);

	/* alive (1) or stopped (3): its ids-<pid>.img is missing, and that
	 * is said; the image is moved aside (t_dump_namespaces_unknown) */
	for (uint32_t state = 1; state <= 3; state += 2) {
		scene_image("mountpoints-14.img", &s, 0);
		cur = snap(img_path("mountpoints-14.img"));
		unlinkat(images_fd, "ovl-layers-0.json", 0);
		make_core(state);
		log_reset();
		ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__DUMP), 0);
		desc->exit(CR_PLUGIN_STAGE__DUMP, 0);
		ck_log_line(1, "Error (ovl_layers): ids-1001.img: No such file or directory: cannot tell this dump's mount namespaces; no overlay is described");
		ck_untouched(img_path("mountpoints-14.img.ovl_layers-incomplete"), &cur);
		ck_assert(!unlinkat(images_fd, "mountpoints-14.img.ovl_layers-incomplete", 0));
	}
	unlinkat(images_fd, "core-1001.img", 0);
	remove_task_images(2);
}
END_TEST

/* Which images are the dump's cannot be told: no overlay described,
 * criu's log says which file and why, and every mountpoints image with an
 * overlay to describe is moved aside (criu must not mount its overlays
 * from their strings); one without is left as it is. */
START_TEST(t_dump_namespaces_unknown)
{
	static const struct {
		const char *setup, *line;
	} cases[] = {
		{ "", "pstree.img: No such file or directory" },
		{ "pstree", "ids-1000.img: No such file or directory" },
		{ "garbage-ids", "ids-1000.img: not the CRIU image its name says (or a damaged one)" },
		{ "pstree-symlink", "pstree.img: a symbolic link" },
		{ "ids-as-pstree", "pstree.img: not the CRIU image its name says (or a damaged one)" },
	};
	struct scene s = scene(0);
	struct snap before, plain;
	char line[512];

	make_image("mountpoints-2.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *c = cases[i].setup;

		scene_image("mountpoints-1.img", &s, 0);
		before = snap(img_path("mountpoints-1.img"));
		plain = snap(img_path("mountpoints-2.img"));
		remove_task_images(1);
		unlinkat(images_fd, "elsewhere.img", 0);
		if (strcmp(c, "")) {
			make_task_images((const uint32_t[]){ 1 }, 1);
			if (!strcmp(c, "pstree"))
				unlinkat(images_fd, "ids-1000.img", 0);
			if (!strcmp(c, "garbage-ids"))
				write_text(img_path("ids-1000.img"), "garbage");
			if (!strcmp(c, "pstree-symlink")) {
				ck_assert(!renameat(images_fd, "pstree.img", images_fd, "elsewhere.img"));
				ck_assert(!symlinkat("elsewhere.img", images_fd, "pstree.img"));
			}
			if (!strcmp(c, "ids-as-pstree"))
				ck_assert(!renameat(images_fd, "ids-1000.img", images_fd, "pstree.img"));
		}
		log_reset();
		ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__DUMP), 0);
		desc->exit(CR_PLUGIN_STAGE__DUMP, 0);
		fmt(line, "Error (ovl_layers): %s: cannot tell this dump's mount namespaces; no overlay is described",
		    cases[i].line);
		ck_log_line(1, "%s", line);
		ck_log_line(1, "Error (ovl_layers): mountpoints-1.img moved aside to mountpoints-1.img.ovl_layers-incomplete: these images cannot be restored");
		ck_assert_uint_eq(log_count(1), 2);
		ck_assert_uint_eq(log_count(3), 0);
		ck_assert(faccessat(images_fd, "mountpoints-1.img", F_OK, AT_SYMLINK_NOFOLLOW) && errno == ENOENT);
		ck_untouched(img_path("mountpoints-1.img.ovl_layers-incomplete"), &before);
		ck_untouched(img_path("mountpoints-2.img"), &plain);
		ck_assert_msg(!strstr(listing(), "ovl-layers-"), "case %zu: %s", i, listing());
		ck_assert(!unlinkat(images_fd, "mountpoints-1.img.ovl_layers-incomplete", 0));
	}
	remove_task_images(1);
	unlinkat(images_fd, "elsewhere.img", 0);
	unlinkat(images_fd, "mountpoints-2.img", 0);
}
END_TEST

/* The namespace's root mount is criu's (--root), even an overlay: an
 * overlay whose parent is not in the image, or at "/". */
START_TEST(t_namespace_root_overlay_left)
{
	struct scene s = scene(0);
	struct json_object *root;
	struct snap before;

	root = entry(P("m"), FSTYPE_OVERLAYFS, 0);
	json_object_object_add(root, "mountpoint", json_object_new_string("/"));
	make_image("mountpoints-1.img", entry(P("t1"), FSTYPE_TMPFS, 0),
		   entry(P("b"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, 0));	/* base not in it */
	make_image("mountpoints-2.img", root);
	before = snap(img_path("mountpoints-1.img"));
	dump_stage();
	ck_untouched(img_path("mountpoints-1.img"), &before);
	ck_assert_str_eq(listing(), "mountpoints-1.img mountpoints-2.img");
	ck_assert_ptr_null(log_text);
	/* the control: with its parent in the image, it is described */
	scene_image("mountpoints-1.img", &s, 0);
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);
	json_object_put(described(s.m.id));
}
END_TEST

static void write_bytes(const char *path, const char *bytes, size_t len)
{
	FILE *f = fopen(path, "we");

	ck_assert_msg(f, "%s: %m", path);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert(!fclose(f));
}

/* Malformed images: an error, no crash, not rewritten, nothing written. */
START_TEST(t_malformed_images)
{
	struct scene s = scene(0);
	struct edit {
		const char *what;
		size_t len;		/* keep the first len bytes */
		size_t at;		/* and set this one to poke, */
		unsigned char poke;	/* unless 0 */
	} edits[40];
	size_t len, off[16], n[16], k, nedits = 0;
	char *good, *bad, msg[128];

	scene_image("good.img", &s, 0);
	good = read_bytes(img_path("good.img"), &len);
	k = walk(good, len, off, n, 16);
	ck_assert_uint_eq(k, 4);
	ck_assert(!unlink(img_path("good.img")));

	edits[nedits++] = (struct edit){ "empty", 0, 0, 0 };
	edits[nedits++] = (struct edit){ "a magic and a half", 6, 0, 0 };
	edits[nedits++] = (struct edit){ "bad first magic", len, 0, 0x42 };
	edits[nedits++] = (struct edit){ "another image's magic", len, 5, 0x42 };
	for (size_t i = 0; i < k; i++) {
		edits[nedits++] = (struct edit){ "cut in a length", off[i] - 2, 0, 0 };
		edits[nedits++] = (struct edit){ "cut in an entry", off[i] + n[i] / 2, 0, 0 };
		edits[nedits++] = (struct edit){ "one byte short", off[i] + n[i] - 1, 0, 0 };
		edits[nedits++] = (struct edit){ "a length past the end", len, off[i] - 1, 0x7f };
		edits[nedits++] = (struct edit){ "wire type 7", len, off[i], 0x0f };
	}
	edits[nedits++] = (struct edit){ "garbage after the magic", len, 0, 0 };
	ck_assert_uint_eq(nedits, 5 + 5 * k);
	fmt(msg, "1|Error (ovl_layers): mountpoints-1.img: not a CRIU mount image (or a damaged one): its overlays are not described\n");

	bad = malloc(len);
	ck_assert(bad);
	for (size_t e = 0; e < nedits; e++) {
		struct snap before;

		memcpy(bad, good, len);
		if (e == nedits - 1) {
			srandom(1);
			for (size_t i = 8; i < len; i++)
				bad[i] = random();
		} else if (edits[e].poke) {
			bad[edits[e].at] = edits[e].poke;
		}
		write_bytes(img_path("mountpoints-1.img"), bad, edits[e].len);
		before = snap(img_path("mountpoints-1.img"));
		log_reset();
		dump_stage();
		ck_untouched(img_path("mountpoints-1.img"), &before);
		ck_assert_msg(!strcmp(listing(), "mountpoints-1.img"),
			      "%s: the plugin wrote %s", edits[e].what, listing());
		ck_assert_msg(log_text && !strcmp(log_text, msg),
			      "%s: log: %s", edits[e].what, log_text);
	}
	/* the control: the good bytes are described and marked */
	write_bytes(img_path("mountpoints-1.img"), good, len);
	log_reset();
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert_uint_eq(log_count(3), 1);
	free(bad);
	free(good);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Restore */

/* the scene's overlay at target, its layers from t1_dir and b_dir */
static void ck_scene_mounted(const char *target, const char *t1_dir,
			     const char *b_dir)
{
	struct statfs sfs;
	struct mnt now = mount_at(target);
	char want[2048], want2[2048];

	ck_assert(!statfs(target, &sfs));
	ck_assert_uint_eq(sfs.f_type, OVERLAYFS_MAGIC);
	ck_assert_str_eq(now.fstype, "overlay");
	ck_assert_str_eq(now.source, "ovltest");
	/* the layers went to the kernel as the fds of the directories the
	 * plugin opened in the yard and checked: a kernel that takes fds
	 * (6.13+) shows their paths in the yard (as lowerdir+), an older one
	 * the links it was given, /proc/self/fd/N; what the overlay shows
	 * below proves which directories they were */
	fmt(want, "lowerdir+=%s/l1,lowerdir+=%s/l2,upperdir=%s/u,workdir=%s/w",
	    t1_dir, b_dir, t1_dir, t1_dir);
	fmt(want2, "lowerdir+=/proc/self/fd/");
	ck_assert_msg(strstr(now.opts, want) || strstr(now.opts, want2),
		      "options %s, want %s or fds", now.opts, want);
	ck_file(P("t1/l1/a"), "from-l1\n");
	{
		char p[PATHLEN];

		fmt(p, "%s/a", target);
		ck_file(p, "from-l1\n");
		fmt(p, "%s/b", target);
		ck_file(p, "from-l2\n");
		fmt(p, "%s/c", target);
		ck_file(p, "from-upper\n");
		/* a write lands in the upper, not in a lower */
		fmt(p, "%s/new", target);
		write_text(p, "written\n");
		fmt(p, "%s/a", target);
		write_text(p, "changed\n");
	}
	ck_file(P("t1/u/new"), "written\n");
	ck_file(P("t1/u/a"), "changed\n");
	ck_file(P("t1/l1/a"), "from-l1\n");
	ck_assert(access(P("b/l2/new"), F_OK) && errno == ENOENT);
}

/* mount-v2: each layer at <yard>/mnt-<its mount's ID><root> */
START_TEST(t_restore_v2)
{
	struct scene s = scene(0);
	char target[PATHLEN], t1_dir[PATHLEN], b_dir[PATHLEN];
	struct statvfs sv;
	unsigned int checked;

	scene_image("mountpoints-1.img", &s, MS_NOATIME | MS_NODEV);
	dump_stage();
	ck_assert(!umount(P("m")));	/* the container is gone */

	fmt(target, "%s",
	    yard_v2((const struct mnt *const[]){ &s.t1, &s.b, NULL }, s.m.id));
	fmt(t1_dir, "%s/mnt-%010d", P("yard"), s.t1.id);
	fmt(b_dir, "%s/mnt-%010d", P("yard"), s.b.id);
	checked = with_uuid((const char *const[]){ P("t1/u"), P("t1/w"),
						   P("t1/l1"), P("b/l2"), NULL });
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(s.m.id, target), 0);
	ck_log_line(3, "ovl_layers: overlay %s (mount %d) mounted at %s from 4 layers (%u checked by file handle)",
		    P("m"), s.m.id, target, checked);
	ck_assert_uint_eq(log_count(1), 0);
	ck_scene_mounted(target, t1_dir, b_dir);
	/* its own flags again */
	ck_assert(!statvfs(target, &sv));
	ck_assert(sv.f_flag & ST_NOATIME);
	ck_assert(sv.f_flag & ST_NODEV);
	ck_assert(!(sv.f_flag & (ST_RDONLY | ST_NOSUID | ST_NOEXEC)));
	/* not ours: CRIU's to mount */
	ck_assert_int_eq(restore_mount(s.t1.id, t1_dir), -ENOTSUP);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
}
END_TEST

/* --mntns-compat-mode: the namespace's tree under a root, each layer at
 * <root><its mount's mount point><root in the mount>; the overlay nosuid
 * and noexec, as dumped */
START_TEST(t_restore_compat)
{
	struct scene s = scene(MS_NOSUID | MS_NOEXEC);
	char root[PATHLEN], target[PATHLEN], t1_dir[PATHLEN], b_dir[PATHLEN];
	struct statvfs sv;
	unsigned int checked;

	scene_image("mountpoints-1.img", &s, MS_NOSUID | MS_NOEXEC);
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert(!umount(P("m")));

	mount_tmpfs("yard");
	fmt(root, "%s/1", P("yard"));	/* <yard>/<ns> */
	fmt(t1_dir, "%s%s", root, P("t1"));
	fmt(b_dir, "%s%s", root, P("b"));
	fmt(target, "%s%s", root, P("m"));
	bind_mount(P("t1"), t1_dir);
	bind_mount(P("b"), b_dir);
	mkdir_p(target);
	checked = with_uuid((const char *const[]){ P("t1/u"), P("t1/w"),
						   P("t1/l1"), P("b/l2"), NULL });
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(s.m.id, target), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_assert_uint_eq(log_count(1), 0);
	ck_log_line(3, "ovl_layers: overlay %s (mount %d) mounted at %s from 4 layers (%u checked by file handle)",
		    P("m"), s.m.id, target, checked);
	ck_assert(!statvfs(target, &sv));
	ck_assert(sv.f_flag & ST_NOSUID);
	ck_assert(sv.f_flag & ST_NOEXEC);
	ck_assert(!(sv.f_flag & (ST_RDONLY | ST_NODEV)));
	ck_scene_mounted(target, t1_dir, b_dir);
}
END_TEST

/* An overlay of lowers alone mounted read-only: its superblock read-only
 * again, and the mount read-only and nosuid */
START_TEST(t_restore_read_only)
{
	struct mnt t1, t2, m;
	char opts[512], target[PATHLEN], p[PATHLEN];
	struct statvfs sv;

	mount_tmpfs("t1");
	mount_tmpfs("t2");
	mkdir_p(P("t1/l1"));
	mkdir_p(P("t2/l2"));
	write_text(P("t1/l1/a"), "top\n");
	write_text(P("t2/l2/a"), "below\n");
	write_text(P("t2/l2/b"), "from-l2\n");
	mkdir_p(P("m"));
	fmt(opts, "lowerdir=%s:%s", P("t1/l1"), P("t2/l2"));
	ck_assert(!mount("ro-ovl", P("m"), "overlay", MS_RDONLY | MS_NOSUID, opts));
	t1 = mount_at(P("t1"));
	t2 = mount_at(P("t2"));
	m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0), entry(P("t2"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, MS_RDONLY | MS_NOSUID));
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert(!umount(P("m")));

	fmt(target, "%s", yard_v2((const struct mnt *const[]){ &t1, &t2, NULL }, m.id));
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, target), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert(!statvfs(target, &sv));
	ck_assert(sv.f_flag & ST_RDONLY);
	ck_assert(sv.f_flag & ST_NOSUID);
	ck_assert_str_eq(mount_at(target).source, "ro-ovl");
	ck_assert_msg(!strncmp(mount_at(target).opts, "ro,", 3), "%s",
		      mount_at(target).opts);
	fmt(p, "%s/a", target);
	ck_file(p, "top\n");
	fmt(p, "%s/b", target);
	ck_file(p, "from-l2\n");
	fmt(p, "%s/new", target);
	ck_assert(open(p, O_WRONLY | O_CREAT, 0644) < 0 && errno == EROFS);
}
END_TEST

/* An ext4 layer mounted again: its file handle confirms it; moved to
 * another directory (same filesystem, same uuid), it is refused. */
START_TEST(t_restore_ext4_moved_layer)
{
	struct mnt e, t, m;
	char opts[1024], target[PATHLEN], e_dir[PATHLEN], p[PATHLEN];
	unsigned int checked;

	mkdir_p(P("e"));
	run("truncate -s 32M %s && mkfs.ext4 -q -F %s && mount -o loop %s %s",
	    P("e.img"), P("e.img"), P("e.img"), P("e"));
	mount_tmpfs("t");
	mkdir_p(P("e/l1"));
	mkdir_p(P("t/u"));
	mkdir_p(P("t/w"));
	mkdir_p(P("m"));
	write_text(P("e/l1/a"), "from-ext4\n");
	fmt(opts, "lowerdir=%s,upperdir=%s,workdir=%s",
	    P("e/l1"), P("t/u"), P("t/w"));
	ck_assert(!mount("overlay", P("m"), "overlay", 0, opts));
	e = mount_at(P("e"));
	t = mount_at(P("t"));
	m = mount_at(P("m"));
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("e"), FSTYPE_AUTO, 0), entry(P("t"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, 0));
	dump_stage();
	ck_assert_uint_eq(log_count(1), 0);
	checked = with_uuid((const char *const[]){ P("t/u"), P("t/w"), P("e/l1"), NULL });
	ck_assert_uint_ge(checked, 1);	/* ext4 has its uuid */
	run("umount %s %s", P("m"), P("e"));

	/* restore 1: the ext4 mounted again at its place in the yard */
	fmt(target, "%s",
	    yard_v2((const struct mnt *const[]){ &t, NULL }, m.id));
	fmt(e_dir, "%s/mnt-%010d", P("yard"), e.id);
	mkdir_p(e_dir);
	run("mount -o loop %s %s", P("e.img"), e_dir);
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, target), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_log_line(3, "ovl_layers: overlay %s (mount %d) mounted at %s from 3 layers (%u checked by file handle)",
		    P("m"), m.id, target, checked);
	fmt(p, "%s/a", target);
	ck_file(p, "from-ext4\n");
	ck_assert(!umount(target));

	/* restore 2: l1 moved away, another directory in its place */
	fmt(p, "mv %s/l1 %s/moved && mkdir %s/l1 && echo decoy > %s/l1/a",
	    e_dir, e_dir, e_dir, e_dir);
	run("%s", p);
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(m.id, target), -ESTALE);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): lower layer 1 (%s on mount %d) at %s/l1: another directory than the checkpoint's (its file handle differs)",
		    P("m"), m.id, P("e/l1"), e.id, e_dir);
	ck_assert(!is_mountpoint(target));
	run("umount %s", e_dir);
}
END_TEST

/* Two mounts of one overlay (a bind mount of its root): the second is
 * bound from the first, one filesystem as dumped. */
START_TEST(t_restore_second_mount_bound)
{
	struct scene s = scene(0);
	struct json_object *o1, *o2, *dec;
	struct snap before;
	struct mnt mb;
	struct stat st1, st2, yard;
	char target[PATHLEN], target2[PATHLEN], p[PATHLEN];

	bind_mount(P("m"), P("mb"));
	mb = mount_at(P("mb"));
	ck_assert_str_eq(mb.root, "/");
	make_image("mountpoints-1.img", entry(base, FSTYPE_TMPFS, 0),
		   entry(P("t1"), FSTYPE_TMPFS, 0), entry(P("b"), FSTYPE_TMPFS, 0),
		   entry(P("m"), FSTYPE_OVERLAYFS, 0),
		   entry(P("mb"), FSTYPE_OVERLAYFS, 0));
	before = snap(img_path("mountpoints-1.img"));
	dec = decode(img_path("mountpoints-1.img"));
	dump_stage();
	ck_marked("mountpoints-1.img", &before, dec, (int[]){ s.m.id, mb.id, 0 });
	o1 = described(s.m.id);
	o2 = described(mb.id);
	ck_assert_str_eq(jstr(o2, "mountpoint"), P("mb"));
	ck_assert_int_eq(jint(o1, "root_dev"), jint(o2, "root_dev"));
	ck_scene_layers(o2, &s);
	json_object_put(o1);
	json_object_put(o2);
	json_object_put(dec);
	free(before.bytes);
	run("umount %s %s", P("mb"), P("m"));

	fmt(target, "%s",
	    yard_v2((const struct mnt *const[]){ &s.t1, &s.b, NULL }, s.m.id));
	fmt(target2, "%s/mnt-%010d", P("yard"), mb.id);
	mkdir_p(target2);
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(s.m.id, target), 0);
	ck_assert_int_eq(restore_mount(mb.id, target2), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_log_line(3, "ovl_layers: overlay mount %d: a bind mount of %s", mb.id, target);
	ck_assert_uint_eq(log_count(1), 0);
	ck_assert(!stat(target, &st1));
	ck_assert(!stat(target2, &st2));
	ck_assert_uint_eq(st1.st_dev, st2.st_dev);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert(!stat(P("yard"), &yard));
	ck_assert_uint_ne(st2.st_dev, yard.st_dev);	/* a mount, not a directory */
	ck_assert_str_eq(mount_at(target2).fstype, "overlay");
	ck_assert_str_eq(mount_at(target2).root, "/");
	fmt(p, "%s/via-bind", target2);
	write_text(p, "one fs\n");
	fmt(p, "%s/via-bind", target);
	ck_file(p, "one fs\n");
	ck_file(P("t1/u/via-bind"), "one fs\n");
}
END_TEST

/* Not an overlay of ours, damaged descriptions, a target CRIU would not
 * give, a layer mount not restored: errors, and nothing mounted. */
START_TEST(t_restore_refusals)
{
	struct scene s = scene(0);
	char name[64], target[PATHLEN], path[PATHLEN];
	struct json_object *o, *layers;

	scene_image("mountpoints-1.img", &s, 0);
	dump_stage();
	ck_assert(!umount(P("m")));
	fmt(name, "ovl-layers-%d.json", s.m.id);
	fmt(path, "%s", img_path(name));
	run("cp %s %s.good", path, path);
	mount_tmpfs("yard");	/* no layer mounts in it yet */
	fmt(target, "%s/mnt-%010d", P("yard"), s.m.id);
	mkdir_p(target);
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);

	/* no description: not ours (-ENOTSUP lets CRIU go on), no message */
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id + 100000, target), -ENOTSUP);
	ck_assert_ptr_null(log_text);

	/* the layer mounts are not in the yard (yet) */
	ck_assert_int_eq(restore_mount(s.m.id, target), -ENOENT);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): upper layer 0 (%s on mount %d) at %s/mnt-%010d/u: No such file or directory (is that mount restored after the overlay?)",
		    P("m"), s.m.id, P("t1/u"), s.t1.id, P("yard"), s.t1.id);

	/* a place neither <yard>/mnt-<id> nor ending in its mount point */
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, P("yard")), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): cannot tell where CRIU restores the other mounts from %s",
		    P("m"), s.m.id, P("yard"));

	/* not JSON; another format; another version */
	write_text(path, "{ not json");
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): %s: unreadable or not JSON", name);
	run("cp %s.good %s", path, path);
	o = json_object_from_file(path);
	json_object_object_add(o, "format", json_object_new_string("other"));
	ck_assert(!json_object_to_file(path, o));
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): %s: not an ovl_layers_plugin image", name);
	json_object_object_add(o, "format", json_object_new_string("ovl_layers_plugin"));
	json_object_object_add(o, "version", json_object_new_int(2));
	ck_assert(!json_object_to_file(path, o));
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): %s: version 2, this plugin reads 1", name);

	/* a layer too few for its descriptor */
	json_object_object_add(o, "version", json_object_new_int(1));
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	json_object_array_del_idx(layers, 3, 1);
	ck_assert(!json_object_to_file(path, o));
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): 3 layers saved for 4 records",
		    P("m"), s.m.id);
	json_object_put(o);

	/* a layer that lost its root (a damaged or hand-edited file): named,
	 * and no other layer's place reported for it */
	{
		char dir[PATHLEN];

		fmt(dir, "%s/mnt-%010d", P("yard"), s.t1.id);
		bind_mount(P("t1"), dir);
		fmt(dir, "%s/mnt-%010d", P("yard"), s.b.id);
		bind_mount(P("b"), dir);
	}
	run("cp %s.good %s", path, path);
	o = json_object_from_file(path);
	ck_assert(json_object_object_get_ex(o, "layers", &layers));
	json_object_object_del(json_object_array_get_idx(layers, 2), "root");
	ck_assert(!json_object_to_file(path, o));
	json_object_put(o);
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): lower layer 1 (%s on mount %d): its place in the image is incomplete",
		    P("m"), s.m.id, P("t1/l1"), s.t1.id);
	ck_assert(!log_has("/w: "));

	/* an option the kernel refuses: what it said is in criu's log */
	run("cp %s.good %s", path, path);
	o = json_object_from_file(path);
	{
		struct json_object *rec;

		ck_assert(json_object_object_get_ex(o, "record", &rec));
		json_object_object_add(rec, "options",
				       json_object_new_string("redirect_dir=sideways"));
	}
	ck_assert(!json_object_to_file(path, o));
	json_object_put(o);
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EINVAL);
	ck_assert_msg(log_has("libovllayers: ovl_layers_fsmount: kernel: ") &&
		      log_has("redirect_dir"), "the kernel's message is not in criu's log: %s",
		      log_text ? log_text : "");

	ck_assert(!is_mountpoint(target));

	/* a layer given through an idmapped mount at checkpoint time (a
	 * description the dump would have refused: written by hand, or
	 * elsewhere): the library does not mount it without its mapping,
	 * which criu does not re-create, and the plugin says which and why */
	run("cp %s.good %s", path, path);
	o = json_object_from_file(path);
	{
		struct json_object *rec;
		const char *hex;
		unsigned char *v;
		char *out;
		size_t n;
		uint32_t hdr, layer_off, layer_size;
		uint64_t attr;

		ck_assert(json_object_object_get_ex(o, "record", &rec));
		hex = jstr(rec, "descriptor");
		n = strlen(hex) / 2;
		v = malloc(n);
		out = malloc(2 * n + 1);
		ck_assert(v && out);
		for (size_t i = 0; i < n; i++)
			ck_assert(sscanf(hex + 2 * i, "%2hhx", &v[i]) == 1);
		/* format 2 (include/ovllayers/overlayfs.h): the header, then
		 * the layers; record 2 is lower 1, its attr 16 bytes in */
		memcpy(&hdr, v, 4);
		memcpy(&layer_off, v + 16, 4);
		ck_assert_uint_eq(hdr, 32);
		ck_assert(layer_off + 4 <= n);
		memcpy(&layer_size, v + layer_off, 4);
		ck_assert(layer_off + 3 * layer_size <= n);
		memcpy(&attr, v + layer_off + 2 * layer_size + 16, 8);
		attr |= MOUNT_ATTR_IDMAP;
		memcpy(v + layer_off + 2 * layer_size + 16, &attr, 8);
		for (size_t i = 0; i < n; i++)
			sprintf(out + 2 * i, "%02x", v[i]);
		json_object_object_add(rec, "descriptor", json_object_new_string(out));
		free(out);
		free(v);
	}
	ck_assert(!json_object_to_file(path, o));
	json_object_put(o);
	log_reset();
	ck_assert_int_eq(restore_mount(s.m.id, target), -EOPNOTSUPP);
	ck_log_line(1, "Error (ovl_layers): overlay %s (mount %d): not mounted at %s: its lower layer 1 was given through an idmapped mount at checkpoint time, and its directory here is on a mount without that mapping, which criu does not re-create: mounted so, its files would have other owners",
		    P("m"), s.m.id, target);
	ck_assert(!is_mountpoint(target));
	desc->exit(CR_PLUGIN_STAGE__RESTORE, -1);

	/* the control: the good description mounts */
	run("cp %s.good %s", path, path);
	log_reset();
	ck_assert_int_eq(desc->init(CR_PLUGIN_STAGE__RESTORE), 0);
	ck_assert_int_eq(restore_mount(s.m.id, target), 0);
	desc->exit(CR_PLUGIN_STAGE__RESTORE, 0);
	ck_assert(is_mountpoint(target));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("criu");

	if (geteuid() != 0) {
		printf("plugin: SKIP: needs root (real mounts in a private mount namespace)\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, plugin_setup, plugin_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_loads_like_criu);
	tcase_add_test(tc, t_dump_describes_and_marks);
	tcase_add_test(tc, t_layer_mount_not_in_image);
	tcase_add_test(tc, t_shadowed_layer_not_described);
	tcase_add_test(tc, t_log_escapes_names);
	tcase_add_test(tc, t_image_without_overlay_untouched);
	tcase_add_test(tc, t_failed_dump_and_predump_untouched);
	tcase_add_test(tc, t_only_image_names);
	tcase_add_test(tc, t_task_images_as_crit_reads_them);
	tcase_add_test(tc, t_reused_folder_only_this_dumps_images);
	tcase_add_test(tc, t_zombie_in_the_tree);
	tcase_add_test(tc, t_dump_namespaces_unknown);
	tcase_add_test(tc, t_namespace_root_overlay_left);
	tcase_add_test(tc, t_malformed_images);
	tcase_add_test(tc, t_restore_v2);
	tcase_add_test(tc, t_restore_compat);
	tcase_add_test(tc, t_restore_read_only);
	tcase_add_test(tc, t_restore_ext4_moved_layer);
	tcase_add_test(tc, t_restore_second_mount_bound);
	tcase_add_test(tc, t_restore_refusals);
	suite_add_tcase(s, tc);
	return ovt_run(s, "plugin");
}
