// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Records that grow (libovllayers(3), ABI): built against the installed
 * header, run on the installed library.  The 2.0 layouts, as released
 * (copied here as v2_*), never change: fields are added at their end
 * only.  Their VER0 sizes (OVL_RECORD_SIZE_VER0, OVL_LOCATION_SIZE_VER0,
 * OVL_MOUNT_SIZE_VER0) are the whole 2.0 structs, the smallest size the
 * sized getters take; sizes from this and newer headers are filled as the
 * size says, not a byte more, the fields past the library's zeroed; bad
 * sizes are refused.  (1.x's 0.1 layouts and ovl_layers_record() /
 * ovl_layers_location() are gone with SONAME libovllayers.so.2.)
 * argv[1]: a layers xattr value (raw bytes).  Exit 0 when all holds, 1
 * with a line per failure.
 */
#include <errno.h>
#include <ovllayers.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The 2.0 layouts, as released: never to change. */
struct v2_record {
	unsigned int kind, index, flags, fs_flags, valid;
	unsigned int dev_major, dev_minor, fs_index;
	uint64_t fs_magic, attr;
	unsigned char uuid[16];
	unsigned int uuid_len;
	int fh_type;
	unsigned int fh_flags;
	size_t fid_len;
	const unsigned char *fid;
	const void *fb;
	size_t fb_len;
	const char *fs_path;
};

struct v2_location {
	int status;
	int mnt_id;
	uint64_t mnt_id_unique;
	const char *mount_point, *root, *path;
	int fd;
	const char *reason;
};

struct v2_mount {
	int mnt_id, parent_id;
	uint64_t mnt_id_unique;
	unsigned int dev_major, dev_minor;
	const char *root, *mount_point, *fstype, *source;
};

#define SAME(a, b, f) _Static_assert(offsetof(struct a, f) == \
				     offsetof(struct b, f), #f " moved")
SAME(v2_record, ovl_layer_record, kind);
SAME(v2_record, ovl_layer_record, index);
SAME(v2_record, ovl_layer_record, flags);
SAME(v2_record, ovl_layer_record, fs_flags);
SAME(v2_record, ovl_layer_record, valid);
SAME(v2_record, ovl_layer_record, dev_major);
SAME(v2_record, ovl_layer_record, fs_index);
SAME(v2_record, ovl_layer_record, fs_magic);
SAME(v2_record, ovl_layer_record, attr);
SAME(v2_record, ovl_layer_record, uuid);
SAME(v2_record, ovl_layer_record, uuid_len);
SAME(v2_record, ovl_layer_record, fh_type);
SAME(v2_record, ovl_layer_record, fh_flags);
SAME(v2_record, ovl_layer_record, fid_len);
SAME(v2_record, ovl_layer_record, fid);
SAME(v2_record, ovl_layer_record, fb);
SAME(v2_record, ovl_layer_record, fb_len);
SAME(v2_record, ovl_layer_record, fs_path);
SAME(v2_location, ovl_layer_location, status);
SAME(v2_location, ovl_layer_location, mnt_id_unique);
SAME(v2_location, ovl_layer_location, path);
SAME(v2_location, ovl_layer_location, fd);
SAME(v2_location, ovl_layer_location, reason);
SAME(v2_mount, ovl_mount, mnt_id_unique);
SAME(v2_mount, ovl_mount, dev_major);
SAME(v2_mount, ovl_mount, source);
/* VER0 is the whole 2.0 struct */
_Static_assert(OVL_RECORD_SIZE_VER0 == sizeof(struct v2_record), "record VER0 size");
_Static_assert(OVL_LOCATION_SIZE_VER0 == sizeof(struct v2_location), "location VER0 size");
_Static_assert(OVL_MOUNT_SIZE_VER0 == sizeof(struct v2_mount), "mount VER0 size");
_Static_assert(sizeof(struct ovl_layer_record) == sizeof(struct v2_record), "record size");
_Static_assert(sizeof(struct ovl_layer_location) == sizeof(struct v2_location), "location size");
_Static_assert(sizeof(struct ovl_mount) == sizeof(struct v2_mount), "mount size");
/* the kernel's values, from <ovllayers/overlayfs.h> */
_Static_assert(OVL_LAYERS_LAYER_FID == 0x01 && OVL_LAYERS_LAYER_NOFH == 0x02 &&
	       OVL_LAYERS_LAYER_NOPATH == 0x04 && OVL_LAYERS_FS_BAD_UUID == 0x01,
	       "record flags");
_Static_assert(OVL_LAYERS_ORIGIN == 0 && OVL_LAYERS_UPPER == 1 && OVL_LAYERS_WORK == 2 &&
	       OVL_LAYERS_LOWER == 3 && OVL_LAYERS_DATA == 4, "kinds");
_Static_assert(OVL_STATUS_NOT_PROBED == 9 && OVL_STATUS_SUSPECT == 10, "statuses");

static int failed;

#define CHECK(cond, ...) do { if (!(cond)) { failed = 1; \
	fprintf(stderr, "grow: FAIL " __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define PAD 64
#define CANARY 0xa5

/* bytes [from, to) of buf are all c */
static int all(const unsigned char *buf, size_t from, size_t to, int c)
{
	for (size_t i = from; i < to; i++)
		if (buf[i] != c)
			return 0;
	return 1;
}

/* The mount table's getter, on the caller's own mounts. */
static void mounts(void)
{
	unsigned char buf[4096 + PAD];
	struct ovl_mount_table *t = NULL;
	struct ovl_view *v = NULL;
	struct ovl_mount m;
	int n;

	if (ovl_view_open(0, 0, &v, NULL) || ovl_view_read_mounts(v, 0, &t, NULL)) {
		CHECK(0, "cannot read the caller's mount table");
		ovl_view_unref(v);
		return;
	}
	CHECK(ovl_mount_table_count(t) > 0, "an empty mount table");
	memset(&m, CANARY, sizeof(m));
	n = ovl_mount_table_get(t, 0, &m, sizeof(m));
	CHECK(n == (int)sizeof(m), "ovl_mount_table_get returned %d, not %zu", n, sizeof(m));
	CHECK(m.mount_point && m.fstype && m.source && m.root, "mount 0: a NULL string");
	memset(buf, CANARY, sizeof(buf));
	n = ovl_mount_table_get(t, 0, (struct ovl_mount *)buf, OVL_MOUNT_SIZE_VER0);
	CHECK(n == (int)sizeof(m) && all(buf, OVL_MOUNT_SIZE_VER0, sizeof(buf), CANARY),
	      "ovl_mount_table_get(VER0): %d, or wrote past it", n);
	memset(buf, CANARY, sizeof(buf));
	n = ovl_mount_table_get(t, 0, (struct ovl_mount *)buf, sizeof(m) + PAD);
	CHECK(n == (int)sizeof(m) && all(buf, sizeof(m), sizeof(m) + PAD, 0) &&
	      all(buf, sizeof(m) + PAD, sizeof(buf), CANARY) && !memcmp(buf, &m, sizeof(m)),
	      "ovl_mount_table_get(newer): %d", n);
	CHECK(ovl_mount_table_get(t, 0, &m, OVL_MOUNT_SIZE_VER0 - 1) == -EINVAL,
	      "ovl_mount_table_get(VER0 - 1)");
	CHECK(ovl_mount_table_get(t, ovl_mount_table_count(t), &m, sizeof(m)) == -EINVAL,
	      "ovl_mount_table_get(count)");
	ovl_mount_table_free(t);
	ovl_view_unref(v);
}

int main(int argc, char **argv)
{
	unsigned char value[65536], buf[4096 + PAD];
	struct ovl_layer_location loc;
	struct ovl_layer_record rec;
	struct ovl_layers *l = NULL;
	size_t len;
	FILE *f;
	int n;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: grow VALUE-FILE\n");
		return 2;
	}
	len = fread(value, 1, sizeof(value), f);
	fclose(f);
	if (ovl_layers_decode(value, len, &l, NULL) || ovl_layers_count(l) < 1) {
		fprintf(stderr, "grow: %s does not decode\n", argv[1]);
		return 2;
	}

	/* this header's size: all of it, the size returned */
	memset(&rec, CANARY, sizeof(rec));
	n = ovl_layers_get_record(l, 0, &rec, sizeof(rec));
	CHECK(n == (int)sizeof(rec), "ovl_layers_get_record returned %d, not %zu", n, sizeof(rec));
	CHECK(rec.kind == OVL_LAYERS_UPPER || rec.kind == OVL_LAYERS_LOWER,
	      "ovl_layers_get_record: kind %u", rec.kind);
	memset(&loc, CANARY, sizeof(loc));
	n = ovl_layers_get_location(l, 0, &loc, sizeof(loc));
	CHECK(n == (int)sizeof(loc), "ovl_layers_get_location returned %d, not %zu", n, sizeof(loc));
	CHECK(loc.status == OVL_STATUS_UNRESOLVED && loc.reason == NULL && loc.fd == -1,
	      "ovl_layers_get_location: unresolved has status %d, reason %p, fd %d",
	      loc.status, (const void *)loc.reason, loc.fd);

	/* VER0, the 2.0 struct: that much, not a byte more */
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_record(l, 0, (struct ovl_layer_record *)buf, OVL_RECORD_SIZE_VER0);
	CHECK(n == (int)sizeof(rec), "get_record(VER0) returned %d", n);
	CHECK(all(buf, OVL_RECORD_SIZE_VER0, sizeof(buf), CANARY), "get_record(VER0) wrote past VER0");
	CHECK(!memcmp(buf, &rec, sizeof(rec)), "get_record(VER0): fields differ");
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_location(l, 0, (struct ovl_layer_location *)buf, OVL_LOCATION_SIZE_VER0);
	CHECK(n == (int)sizeof(loc), "get_location(VER0) returned %d", n);
	CHECK(all(buf, OVL_LOCATION_SIZE_VER0, sizeof(buf), CANARY), "get_location(VER0) wrote past VER0");

	/* a newer header's: the fields unknown here zeroed */
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_record(l, 0, (struct ovl_layer_record *)buf, sizeof(rec) + PAD);
	CHECK(n == (int)sizeof(rec), "get_record(newer) returned %d", n);
	CHECK(all(buf, sizeof(rec), sizeof(rec) + PAD, 0), "get_record(newer): tail not zeroed");
	CHECK(all(buf, sizeof(rec) + PAD, sizeof(buf), CANARY), "get_record(newer) wrote past the size");
	CHECK(!memcmp(buf, &rec, sizeof(rec)), "get_record(newer): known fields differ");
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_location(l, 0, (struct ovl_layer_location *)buf, sizeof(loc) + PAD);
	CHECK(n == (int)sizeof(loc) && all(buf, sizeof(loc), sizeof(loc) + PAD, 0) &&
	      all(buf, sizeof(loc) + PAD, sizeof(buf), CANARY), "get_location(newer): %d", n);
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_record(l, 0, (struct ovl_layer_record *)buf, 4096);
	CHECK(n == (int)sizeof(rec) && all(buf, sizeof(rec), 4096, 0) &&
	      all(buf, 4096, sizeof(buf), CANARY), "get_record(4096): %d", n);

	/* refused: too small (a 1.x record is smaller than VER0), absurd,
	 * out of range */
	CHECK(ovl_layers_get_record(l, 0, &rec, OVL_RECORD_SIZE_VER0 - 1) == -EINVAL, "get_record(VER0 - 1)");
	CHECK(ovl_layers_get_location(l, 0, &loc, OVL_LOCATION_SIZE_VER0 - 1) == -EINVAL, "get_location(VER0 - 1)");
	CHECK(ovl_layers_get_location(l, 0, &loc, 0) == -EINVAL, "get_location(0)");
	CHECK(ovl_layers_get_record(l, 0, (struct ovl_layer_record *)buf, 4097) == -EINVAL, "get_record(4097)");
	CHECK(ovl_layers_get_record(l, ovl_layers_count(l), &rec, sizeof(rec)) == -EINVAL, "get_record(count)");
	CHECK(ovl_layers_get_location(NULL, 0, &loc, sizeof(loc)) == -EINVAL, "get_location(NULL)");

	/* reserved flags refused */
	CHECK(ovl_layers_set_log(l, 7, NULL, NULL, 1) == -EINVAL, "set_log(flags 1)");
	CHECK(ovl_layers_set_log(l, 8, NULL, NULL, 0) == -EINVAL, "set_log(priority 8)");
	CHECK(ovl_layers_set_log(l, -1, NULL, NULL, 0) == 0, "set_log(-1)");
	ovl_layers_free(l);

	mounts();
	if (!failed)
		puts("grow: ok");
	return failed;
}
