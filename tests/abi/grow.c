// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Records that grow (libovllayers(3), ABI): built against the installed
 * header, run on the installed library.  A program built against 0.1's
 * header (its struct copied here as v0_*) keeps its layout; sizes from
 * older and newer headers are filled as the size says, not a byte more;
 * bad sizes are refused.  argv[1]: a layers xattr value (raw bytes).
 * Exit 0 when all holds, 1 with a line per failure.
 */
#define OVL_LAYERS_DEPRECATED_0_1	/* the 0.1 calls are tested here */
#include <errno.h>
#include <ovllayers.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The 0.1 layouts, as released: never to change. */
struct v0_record {
	unsigned int kind, flags, index, dev_major, dev_minor, fh_flags;
	int fh_type;
	unsigned char uuid[16];
	size_t fid_len;
	const unsigned char *fid;
	const void *fb;
	size_t fb_len;
};

struct v0_location {
	int status;
	int mnt_id;
	uint64_t mnt_id_unique;
	const char *mount_point, *root, *path;
	int fd;
};

#define SAME(a, b, f) _Static_assert(offsetof(struct a, f) == \
				     offsetof(struct b, f), #f " moved")
SAME(v0_record, ovl_layer_record, kind);
SAME(v0_record, ovl_layer_record, uuid);
SAME(v0_record, ovl_layer_record, fid_len);
SAME(v0_record, ovl_layer_record, fb_len);
SAME(v0_location, ovl_layer_location, status);
SAME(v0_location, ovl_layer_location, mnt_id_unique);
SAME(v0_location, ovl_layer_location, path);
SAME(v0_location, ovl_layer_location, fd);
_Static_assert(OVL_LAYER_RECORD_SIZE_VER0 == offsetof(struct v0_record, fb_len) + sizeof(size_t), "record v0 size");
_Static_assert(OVL_LAYER_LOCATION_SIZE_VER0 == offsetof(struct v0_location, fd) + sizeof(int), "location v0 size");

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
	if (ovl_layers_decode(value, len, &l) || ovl_layers_count(l) < 1) {
		fprintf(stderr, "grow: %s does not decode\n", argv[1]);
		return 2;
	}

	/* 0.1 calls: exactly the 0.1 layout */
	memset(buf, CANARY, sizeof(buf));
	CHECK(ovl_layers_record(l, 0, (struct ovl_layer_record *)buf) == 0, "ovl_layers_record");
	CHECK(all(buf, OVL_LAYER_RECORD_SIZE_VER0, sizeof(buf), CANARY),
	      "ovl_layers_record wrote past the 0.1 record (%zu bytes)", (size_t)OVL_LAYER_RECORD_SIZE_VER0);
	CHECK(((struct v0_record *)buf)->kind == OVL_LAYER_UPPER || ((struct v0_record *)buf)->kind == OVL_LAYER_LOWER,
	      "ovl_layers_record: kind %u", ((struct v0_record *)buf)->kind);
	memset(buf, CANARY, sizeof(buf));
	CHECK(ovl_layers_location(l, 0, (struct ovl_layer_location *)buf) == 0, "ovl_layers_location");
	CHECK(all(buf, OVL_LAYER_LOCATION_SIZE_VER0, sizeof(buf), CANARY),
	      "ovl_layers_location wrote past the 0.1 location (%zu bytes)", (size_t)OVL_LAYER_LOCATION_SIZE_VER0);
	CHECK(((struct v0_location *)buf)->status == OVL_LAYER_UNRESOLVED && ((struct v0_location *)buf)->fd == -1,
	      "ovl_layers_location: status %d fd %d", ((struct v0_location *)buf)->status, ((struct v0_location *)buf)->fd);

	/* this header's size: all of it, the size returned */
	memset(&rec, CANARY, sizeof(rec));
	n = ovl_layers_get_record(l, 0, &rec, sizeof(rec));
	CHECK(n == (int)sizeof(rec), "ovl_layers_get_record returned %d, not %zu", n, sizeof(rec));
	memset(&loc, CANARY, sizeof(loc));
	n = ovl_layers_get_location(l, 0, &loc, sizeof(loc));
	CHECK(n == (int)sizeof(loc), "ovl_layers_get_location returned %d, not %zu", n, sizeof(loc));
	CHECK(loc.reason == NULL && loc.fd == -1, "ovl_layers_get_location: unresolved has reason %p, fd %d",
	      (const void *)loc.reason, loc.fd);

	/* an older header's size: that much, not a byte more */
	memset(buf, CANARY, sizeof(buf));
	n = ovl_layers_get_location(l, 0, (struct ovl_layer_location *)buf, OVL_LAYER_LOCATION_SIZE_VER0);
	CHECK(n == (int)sizeof(loc), "get_location(VER0) returned %d", n);
	CHECK(all(buf, OVL_LAYER_LOCATION_SIZE_VER0, sizeof(buf), CANARY), "get_location(VER0) wrote past VER0");

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

	/* refused: too small, absurd, out of range */
	CHECK(ovl_layers_get_record(l, 0, &rec, OVL_LAYER_RECORD_SIZE_VER0 - 1) == -EINVAL, "get_record(VER0 - 1)");
	CHECK(ovl_layers_get_location(l, 0, &loc, 0) == -EINVAL, "get_location(0)");
	CHECK(ovl_layers_get_record(l, 0, (struct ovl_layer_record *)buf, 4097) == -EINVAL, "get_record(4097)");
	CHECK(ovl_layers_get_record(l, ovl_layers_count(l), &rec, sizeof(rec)) == -EINVAL, "get_record(count)");
	CHECK(ovl_layers_get_location(NULL, 0, &loc, sizeof(loc)) == -EINVAL, "get_location(NULL)");

	/* reserved flags refused */
	CHECK(ovl_layers_set_log(l, 7, NULL, NULL, 1) == -EINVAL, "set_log(flags 1)");
	CHECK(ovl_layers_set_log(l, 8, NULL, NULL, 0) == -EINVAL, "set_log(priority 8)");
	CHECK(ovl_layers_set_log(l, -1, NULL, NULL, 0) == 0, "set_log(-1)");
	ovl_layers_free(l);
	if (!failed)
		puts("grow: ok");
	return failed;
}
