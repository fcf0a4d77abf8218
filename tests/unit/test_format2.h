/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The format 2 cases (test_format2.c), run by the unit suite's main(). */
#ifndef OVT_TEST_FORMAT2_H
#define OVT_TEST_FORMAT2_H

#include <check.h>

TCase *format2_tcase(void);

#endif
