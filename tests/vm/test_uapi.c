// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's constants against the series' uapi header ("uapi", built
 * and run on the host by tests/vm/vm.mk): include/ovllayers.h (and the
 * wire sizes in lib/internal.h) must say what the patched tree's
 * include/uapi/linux/overlayfs.h says.  Compiled with
 * -I<tree>/include/uapi, tree = build/kernel/tree.
 *
 * Every pair is a _Static_assert, so a mismatch does not compile (vm.mk
 * then writes "uapi 0 1"); the same table is checked again at run time
 * so that the result line counts the pairs, and the header's structs are
 * held to the spec's layout (sizes and offsets, no padding).
 *
 * Both headers define OVL_LAYERS_VERSION, OVL_LAYERS_MAGIC, ...: the
 * uapi values are taken into an enum first and its macros undefined, so
 * that neither header's definition hides the other's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/overlayfs.h>	/* the tree's include/uapi */

#ifndef _UAPI_LINUX_OVERLAYFS_H
#error "not the series' include/uapi/linux/overlayfs.h"
#endif

enum {
	K_VERSION = OVL_LAYERS_VERSION,
	K_MAGIC = OVL_LAYERS_MAGIC,
	K_UPPER = OVL_LAYERS_UPPER,
	K_WORK = OVL_LAYERS_WORK,
	K_LOWER = OVL_LAYERS_LOWER,
	K_DATA = OVL_LAYERS_DATA,
	K_NOFH = OVL_LAYERS_NOFH,
	K_FID = OVL_LAYERS_FID,
	K_BAD_UUID = OVL_LAYERS_BAD_UUID,
	K_NODEV = OVL_LAYERS_NODEV,
	K_FB_VERSION = OVL_LAYERS_FB_VERSION,
	K_FB_MAGIC = OVL_LAYERS_FB_MAGIC,
	K_FB_BIG_ENDIAN = OVL_LAYERS_FB_BIG_ENDIAN,
	K_FB_PATH_UPPER = OVL_LAYERS_FB_PATH_UPPER,
	K_FID_MAX = OVL_LAYERS_FID_MAX,
};
static const char k_xattr[] = OVL_LAYERS_XATTR;
static const char k_xattr_user[] = OVL_LAYERS_XATTR_USER;

#undef OVL_LAYERS_XATTR
#undef OVL_LAYERS_XATTR_USER
#undef OVL_LAYERS_VERSION
#undef OVL_LAYERS_MAGIC
#undef OVL_LAYERS_FID_MAX

#include "ovllayers.h"
#include "../../lib/internal.h"

#define K_ALL_FLAGS (K_NOFH | K_FID | K_BAD_UUID | K_NODEV)

/* library's value, uapi header's value */
#define PAIRS(X)							\
	X(OVL_LAYERS_VERSION, K_VERSION)				\
	X(OVL_LAYERS_MAGIC, K_MAGIC)					\
	X(OVL_LAYER_UPPER, K_UPPER)					\
	X(OVL_LAYER_WORK, K_WORK)					\
	X(OVL_LAYER_LOWER, K_LOWER)					\
	X(OVL_LAYER_DATA, K_DATA)					\
	X(OVL_LAYER_NOFH, K_NOFH)					\
	X(OVL_LAYER_FID, K_FID)						\
	X(OVL_LAYER_BAD_UUID, K_BAD_UUID)				\
	X(OVL_LAYER_NODEV, K_NODEV)					\
	X(OVL_LAYER_FLAGS_V1, K_ALL_FLAGS)				\
	X(OVL_LAYERS_FID_MAX, K_FID_MAX)				\
	X(OVL_FB_VERSION, K_FB_VERSION)					\
	X(OVL_FB_MAGIC, K_FB_MAGIC)					\
	X(OVL_FB_FLAG_PATH_UPPER, K_FB_PATH_UPPER)			\
	X(OVL_HDR_LEN, sizeof(struct ovl_layers_hdr))			\
	X(OVL_REC_LEN_FIELD + OVL_REC_LEN, sizeof(struct ovl_layers_rec)) \
	X(OVL_FB_HDR_LEN, sizeof(struct ovl_layers_fb))			\
	X(OVL_FB_HDR_LEN, offsetof(struct ovl_layers_fb, fid))

/* the uapi header against the spec (shared/spec/layers-xattr.md) */
#define SPEC(X)								\
	X(1, K_VERSION)							\
	X(0xfc, K_MAGIC)						\
	X(1, K_UPPER)							\
	X(2, K_WORK)							\
	X(3, K_LOWER)							\
	X(4, K_DATA)							\
	X(0x01, K_NOFH)							\
	X(0x02, K_FID)							\
	X(0x04, K_BAD_UUID)						\
	X(0x08, K_NODEV)						\
	X(0, K_FB_VERSION)						\
	X(0xfb, K_FB_MAGIC)						\
	X(0x01, K_FB_BIG_ENDIAN)					\
	X(0x04, K_FB_PATH_UPPER)					\
	X(128, K_FID_MAX)						\
	X(4, sizeof(struct ovl_layers_hdr))				\
	X(0, offsetof(struct ovl_layers_hdr, version))			\
	X(1, offsetof(struct ovl_layers_hdr, magic))			\
	X(2, offsetof(struct ovl_layers_hdr, count))			\
	X(14, sizeof(struct ovl_layers_rec))				\
	X(0, offsetof(struct ovl_layers_rec, len))			\
	X(2, offsetof(struct ovl_layers_rec, kind))			\
	X(3, offsetof(struct ovl_layers_rec, flags))			\
	X(4, offsetof(struct ovl_layers_rec, index))			\
	X(6, offsetof(struct ovl_layers_rec, dev_major))		\
	X(10, offsetof(struct ovl_layers_rec, dev_minor))		\
	X(21, sizeof(struct ovl_layers_fb))				\
	X(0, offsetof(struct ovl_layers_fb, version))			\
	X(1, offsetof(struct ovl_layers_fb, magic))			\
	X(2, offsetof(struct ovl_layers_fb, len))			\
	X(3, offsetof(struct ovl_layers_fb, flags))			\
	X(4, offsetof(struct ovl_layers_fb, type))			\
	X(5, offsetof(struct ovl_layers_fb, uuid))			\
	X(21, offsetof(struct ovl_layers_fb, fid))

#define ASSERT(a, b) _Static_assert((long)(a) == (long)(b), \
				    #a " != " #b " of the uapi header");
PAIRS(ASSERT)
SPEC(ASSERT)

struct pair {
	const char *a, *b;
	long va, vb;
};

#define ROW(a, b) { #a, #b, (long)(a), (long)(b) },
static const struct pair pairs[] = { PAIRS(ROW) SPEC(ROW) };

int main(void)
{
	const char *res = getenv("OVT_RESULTS");
	int passed = 0, failed = 0;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (pairs[i].va == pairs[i].vb) {
			passed++;
			continue;
		}
		printf("uapi: %s (%ld) != %s (%ld)\n", pairs[i].a, pairs[i].va,
		       pairs[i].b, pairs[i].vb);
		failed++;
	}
	/* the names (strings: no static assert in C) */
	if (strcmp(OVL_LAYERS_XATTR, k_xattr) ||
	    strcmp(OVL_LAYERS_XATTR_USER, k_xattr_user)) {
		printf("uapi: the xattr names differ: %s, %s\n", k_xattr,
		       k_xattr_user);
		failed++;
	} else {
		passed++;
	}
	printf("uapi: %d passed, %d failed\n", passed, failed);
	if (res && *res) {
		FILE *f = fopen(res, "a");

		if (f) {
			fprintf(f, "uapi %d %d\n", passed, failed);
			fclose(f);
		}
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
