// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The floor of bench/plugin-dump: a criu plugin that does nothing at all.
 * It is built twice: linked with libc alone (what loading any plugin
 * costs criu), and with the libraries ovl_layers_plugin.so links, kept
 * with --no-as-needed although nothing here calls them (json-c since
 * 1.2; libmount, with libblkid, libselinux and libpcre2, before): what
 * loading those costs before the plugin has run a line of its own.
 */
#include <criu/criu-plugin.h>

static int floor_init(int stage)
{
	(void)stage;
	return 0;
}

static void floor_exit(int stage, int ret)
{
	(void)stage;
	(void)ret;
}

CR_PLUGIN_REGISTER("ovl_layers_floor", floor_init, floor_exit)
