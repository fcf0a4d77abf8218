/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/check.c: ovl-layers --check */
#ifndef OVL_CLI_CHECK_H
#define OVL_CLI_CHECK_H

#include <stdbool.h>

/* Print what this kernel and caller offer (JSON with json); the exit
 * status: 0 the kernel describes layers, 2 the fallback only, 1 no answer */
int cli_check(bool json);

#endif
