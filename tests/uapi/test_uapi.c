// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The series' uapi against the project ("uapi", built and run on the host
 * by tests/uapi/uapi.mk, compiled with -I<tree>/include/uapi, tree =
 * build/kernel/tree, the tree `make kernel` built):
 *
 *  - the tree's include/uapi/linux/overlayfs.h is byte for byte the copy
 *    the library builds with, include/ovllayers/overlayfs.h (argv[1], argv[2]);
 *  - its structs and constants are what docs/layers-format.md says
 *    (sizes, offsets, values);
 *  - the library's public header (include/ovllayers.h), which includes
 *    its copy as <ovllayers/overlayfs.h> and names the kinds and the
 *    record's flags by the kernel's names, compiles against the tree's
 *    header: the copy has its include guard (_UAPI_LINUX_OVERLAYFS_H), so
 *    included after it, as here, it adds nothing (another guard would
 *    define every struct twice and this file would not compile); the
 *    record's fields hold the kernel's values, and the library's own
 *    kind (OVL_LAYERS_ORIGIN) is none of the kernel's;
 *  - the tree's linux/mount.h has statmount's layers field where the
 *    docs put it.
 *
 * Every pair is a _Static_assert, so a mismatch does not compile (uapi.mk
 * then writes "uapi 0 1"); the same table is checked again at run time so
 * that the result line counts the pairs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/overlayfs.h>	/* the tree's include/uapi */
#include <linux/mount.h>

#include "ovllayers.h"		/* its <ovllayers/overlayfs.h>: the guard */

#ifndef _UAPI_LINUX_OVERLAYFS_H
#error "the tree's <linux/overlayfs.h> does not define _UAPI_LINUX_OVERLAYFS_H"
#endif

#define DOC(X)								\
	X(32, OVL_LAYERS_HDR_SIZE_VER0)					\
	X(32, sizeof(struct ovl_layers_hdr))				\
	X(0, offsetof(struct ovl_layers_hdr, size))				\
	X(4, offsetof(struct ovl_layers_hdr, len))				\
	X(8, offsetof(struct ovl_layers_hdr, fs_off))			\
	X(12, offsetof(struct ovl_layers_hdr, nr_fs))			\
	X(16, offsetof(struct ovl_layers_hdr, layer_off))			\
	X(20, offsetof(struct ovl_layers_hdr, nr_layers))			\
	X(24, offsetof(struct ovl_layers_hdr, flags))			\
	X(48, OVL_LAYERS_FS_SIZE_VER0)					\
	X(48, sizeof(struct ovl_layers_fs))				\
	X(0, offsetof(struct ovl_layers_fs, size))			\
	X(4, offsetof(struct ovl_layers_fs, flags))			\
	X(8, offsetof(struct ovl_layers_fs, dev_major))			\
	X(12, offsetof(struct ovl_layers_fs, dev_minor))		\
	X(16, offsetof(struct ovl_layers_fs, magic))			\
	X(24, offsetof(struct ovl_layers_fs, uuid_len))			\
	X(32, offsetof(struct ovl_layers_fs, uuid))			\
	X(0x1, OVL_LAYERS_FS_BAD_UUID)					\
	X(48, OVL_LAYERS_LAYER_SIZE_VER0)				\
	X(48, sizeof(struct ovl_layers_layer))				\
	X(0, offsetof(struct ovl_layers_layer, size))			\
	X(4, offsetof(struct ovl_layers_layer, kind))			\
	X(6, offsetof(struct ovl_layers_layer, fs))			\
	X(8, offsetof(struct ovl_layers_layer, index))			\
	X(12, offsetof(struct ovl_layers_layer, flags))			\
	X(16, offsetof(struct ovl_layers_layer, attr))			\
	X(24, offsetof(struct ovl_layers_layer, handle_type))		\
	X(28, offsetof(struct ovl_layers_layer, handle_bytes))		\
	X(32, offsetof(struct ovl_layers_layer, handle_off))		\
	X(36, offsetof(struct ovl_layers_layer, path_off))		\
	X(40, offsetof(struct ovl_layers_layer, path_len))		\
	X(1, OVL_LAYERS_UPPER)						\
	X(2, OVL_LAYERS_WORK)						\
	X(3, OVL_LAYERS_LOWER)						\
	X(4, OVL_LAYERS_DATA)						\
	X(0x1, OVL_LAYERS_LAYER_FID)					\
	X(0x2, OVL_LAYERS_LAYER_NOFH)					\
	X(0x4, OVL_LAYERS_LAYER_NOPATH)					\
	X(0x8000, STATMOUNT_FS_LAYERS)					\
	X(168, offsetof(struct statmount, fs_layers))			\
	X(172, offsetof(struct statmount, fs_layers_len))		\
	X(512, offsetof(struct statmount, str))

#define FIELD(s, f)	sizeof(((struct s *)0)->f)

/* the library's header against the uapi header: its own kind below the
 * kernel's, and record fields that hold the kernel's values whole */
#define PAIRS(X)							\
	X(OVL_LAYERS_ORIGIN, 0)						\
	X(OVL_LAYERS_ORIGIN < OVL_LAYERS_UPPER, 1)			\
	X(FIELD(ovl_layer_record, kind) >= FIELD(ovl_layers_layer, kind), 1) \
	X(FIELD(ovl_layer_record, flags) >= FIELD(ovl_layers_layer, flags), 1) \
	X(FIELD(ovl_layer_record, fs_flags) >= FIELD(ovl_layers_fs, flags), 1) \
	X(FIELD(ovl_layer_record, attr) >= FIELD(ovl_layers_layer, attr), 1) \
	X(FIELD(ovl_layer_record, fs_magic) >= FIELD(ovl_layers_fs, magic), 1) \
	X(FIELD(ovl_layer_record, uuid), FIELD(ovl_layers_fs, uuid))	\
	X(FIELD(ovl_layer_record, fh_type), FIELD(ovl_layers_layer, handle_type))

#define ASSERT(a, b) _Static_assert((long)(a) == (long)(b), \
				    #a " != " #b " of the uapi headers");
DOC(ASSERT)
PAIRS(ASSERT)

struct pair {
	const char *a, *b;
	long va, vb;
};

#define ROW(a, b) { #a, #b, (long)(a), (long)(b) },
static const struct pair pairs[] = { DOC(ROW) PAIRS(ROW) };

/* the whole file at path, or NULL; *len its length */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(n + 1)) &&
	    fread(buf, 1, n, f) == (size_t)n) {
		*len = n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *res = getenv("OVT_RESULTS");
	int passed = 0, failed = 0;
	size_t i, la = 0, lb = 0;
	char *a, *b;

	if (argc != 3) {
		fprintf(stderr, "usage: %s TREE-HEADER LIB-COPY\n", argv[0]);
		return 2;
	}
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
	if (strcmp(OVL_LAYERS_XATTR, "trusted.overlay.layers") ||
	    strcmp(OVL_LAYERS_XATTR_USER, "user.overlay.layers")) {
		printf("uapi: the xattr names differ from the docs\n");
		failed++;
	} else {
		passed++;
	}
	/* the library's copy is the series' header, byte for byte */
	a = slurp(argv[1], &la);
	b = slurp(argv[2], &lb);
	if (a && b && la == lb && !memcmp(a, b, la)) {
		passed++;
	} else {
		printf("uapi: %s is not a copy of %s\n", argv[2], argv[1]);
		failed++;
	}
	free(a);
	free(b);
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
