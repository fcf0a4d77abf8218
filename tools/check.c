// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ovl-layers --check: what this kernel and this caller offer for reading
 * overlay layers, as `criu check` answers for criu.  Each line is asked of
 * the kernel directly (a syscall, on the caller's own root), but the
 * xattr's, which only a probe can answer: the library's
 * (ovl_layers_kernel_probe(3): an overlay of its own, which no one else
 * can reach, is asked for the name).  Nothing of any container is
 * looked at.  Exit status: 0 the kernel describes layers (statmount's
 * field or its xattr), 2 only the mountinfo fallback, 1 no answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"
#include "missing.h"
#include "ovllayers.h"

struct answers {
	char kernel[65];
	int sm_field;		/* 1 has it, 0 not, -1 cannot tell */
	int xattr;		/* enum ovl_kernel, or -errno */
	bool listmount, unique_ids, by_fd, openat2;
	int handles;		/* 1 decode, 0 not supported, -EPERM */
	bool cap_sys_admin, cap_dac_read_search;
	const char *way;	/* statmount, xattr, mountinfo */
};

/* statmount of the caller's root mount; 0 or -errno */
static int statmount_root(uint64_t mask, unsigned int flags, int fd,
			  struct ovl_statmount *sm, size_t size)
{
	struct ovl_mnt_id_req req = {
		.size = OVL_MNT_ID_REQ_SIZE_VER0, .param = mask };
	struct statx stx;

	if (flags & OVL_STATMOUNT_BY_FD) {
		req.size = OVL_MNT_ID_REQ_SIZE_VER1;
		req.fd = (uint32_t)fd;
	} else if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &stx) ||
		   !(stx.stx_mask & STATX_MNT_ID_UNIQUE)) {
		return -ENOSYS;
	} else {
		req.mnt_id = stx.stx_mnt_id;
	}
	return syscall(SYS_statmount, &req, sm, size, flags) ? -errno : 0;
}

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static void ask(struct answers *a)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2] = { 0 };
	static uint64_t buf[512];	/* a struct statmount, no strings */
	struct ovl_statmount *sm = (struct ovl_statmount *)buf;
	struct open_how how = { .flags = O_PATH | O_CLOEXEC };
	struct ovl_mnt_id_req lreq = {
		.size = OVL_MNT_ID_REQ_SIZE_VER0, .mnt_id = OVL_LSMT_ROOT };
	struct {
		struct file_handle fh;
		unsigned char bytes[128];
	} h = { .fh.handle_bytes = 128 };
	struct utsname un;
	struct statx stx;
	uint64_t id;
	int fd, mnt_id;

	memset(a, 0, sizeof(*a));
	snprintf(a->kernel, sizeof(a->kernel), "%s",
		 uname(&un) ? "?" : un.release);
	a->sm_field = -1;
	if (!statmount_root(OVL_SM_SUPPORTED_MASK, 0, -1, sm, sizeof(buf)) &&
	    (sm->mask & OVL_SM_SUPPORTED_MASK))
		a->sm_field = !!(sm->supported_mask & OVL_SM_FS_LAYERS);
	a->xattr = ovl_layers_kernel_probe(0, NULL);
	a->listmount = syscall(SYS_listmount, &lreq, &id, 1, 0) >= 0;
	a->unique_ids = !statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &stx) &&
			(stx.stx_mask & STATX_MNT_ID_UNIQUE);
	fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	a->openat2 = fd >= 0;
	if (fd < 0)
		fd = open("/", O_PATH | O_CLOEXEC);
	a->by_fd = fd >= 0 &&
		   !statmount_root(OVL_SM_MNT_BASIC, OVL_STATMOUNT_BY_FD, fd,
				   sm, sizeof(buf));
	if (fd >= 0)
		close(fd);
	/* a handle of the root directory, decoded again */
	a->handles = 0;
	if (!name_to_handle_at(AT_FDCWD, "/", &h.fh, &mnt_id, 0)) {
		fd = open_by_handle_at(AT_FDCWD, &h.fh, O_PATH | O_CLOEXEC);
		a->handles = fd >= 0 ? 1 : errno == EPERM ? -EPERM : 0;
		if (fd >= 0)
			close(fd);
	}
	if (!syscall(SYS_capget, &hdr, caps)) {
		a->cap_sys_admin = has_cap(caps, CAP_SYS_ADMIN);
		a->cap_dac_read_search = has_cap(caps, CAP_DAC_READ_SEARCH);
	}
	if (a->sm_field == 1 && a->cap_sys_admin)
		a->way = "statmount";
	else if (a->xattr == OVL_KERNEL_PRODUCES)
		a->way = "xattr";
	else
		a->way = "mountinfo";
}

static const char *xattr_name(int x)
{
	switch (x) {
	case OVL_KERNEL_PRODUCES:
		return "produces";
	case OVL_KERNEL_STORES:
		return "stores";
	case OVL_KERNEL_NO_XATTR:
		return "none";
	}
	return "unknown";
}

static const char *xattr_text(int x)
{
	switch (x) {
	case OVL_KERNEL_PRODUCES:
		return "the kernel's (the series): read-only, believed";
	case OVL_KERNEL_STORES:
		return "a user's: Linux 6.7+ without the series stores any overlay.* name, so it is never believed";
	case OVL_KERNEL_NO_XATTR:
		return "none: before Linux 6.7 no overlay.* name can be set or read";
	}
	return "cannot tell: the probe could not mount its overlay";
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* JSON's string escapes for what uname gives (the one string not ours) */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int cli_check(bool json)
{
	struct answers a;

	ask(&a);
	if (json) {
		printf("{\n   \"kernel\": ");
		json_str(a.kernel);
		printf(",\n   \"way\": \"%s\",\n", a.way);
		printf("   \"statmount_layers\": %s,\n",
		       a.sm_field < 0 ? "null" : a.sm_field ? "true" : "false");
		printf("   \"xattr\": \"%s\",\n", xattr_name(a.xattr));
		printf("   \"listmount\": %s,\n   \"unique_mount_ids\": %s,\n",
		       a.listmount ? "true" : "false",
		       a.unique_ids ? "true" : "false");
		printf("   \"statmount_by_fd\": %s,\n   \"openat2\": %s,\n",
		       a.by_fd ? "true" : "false", a.openat2 ? "true" : "false");
		printf("   \"handles\": \"%s\",\n", a.handles > 0 ? "decode" :
		       a.handles ? "no-permission" : "unsupported");
		printf("   \"cap_sys_admin\": %s,\n   \"cap_dac_read_search\": %s\n}\n",
		       a.cap_sys_admin ? "true" : "false",
		       a.cap_dac_read_search ? "true" : "false");
	} else {
		printf("kernel                   %s\n", a.kernel);
		printf("layers read from         %s\n",
		       !strcmp(a.way, "statmount") ?
		       "statmount(2)'s layers field (the kernel's, by mount ID)" :
		       !strcmp(a.way, "xattr") ?
		       "the layers xattr (the kernel's)" :
		       "the mountinfo fallback only (the mount option path strings, which may be stale)");
		printf("statmount layers field   %s\n", a.sm_field < 0 ?
		       "cannot tell (no supported_mask: before Linux 6.15)" :
		       a.sm_field ? (a.cap_sys_admin ? "yes" :
				     "yes, but not for this caller (needs CAP_SYS_ADMIN over the overlay's superblock)") :
		       "no (no series, or one without it)");
		printf("layers xattr             %s\n", xattr_text(a.xattr));
		printf("listmount/statmount      %s\n", yes(a.listmount));
		printf("unique mount IDs         %s\n", yes(a.unique_ids));
		printf("statmount by fd          %s\n", yes(a.by_fd));
		printf("openat2                  %s\n", yes(a.openat2));
		printf("file handles decode      %s\n", a.handles > 0 ? "yes" :
		       a.handles ? "no: needs CAP_DAC_READ_SEARCH" :
		       "no: the root filesystem cannot encode them");
		printf("CAP_SYS_ADMIN            %s\n", yes(a.cap_sys_admin));
		printf("CAP_DAC_READ_SEARCH      %s\n", yes(a.cap_dac_read_search));
	}
	if (a.xattr < 0 && a.sm_field < 0)
		return EXIT_FAILURE;
	return strcmp(a.way, "mountinfo") ? EXIT_SUCCESS : 2;
}
