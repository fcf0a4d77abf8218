/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The unit suite's other test cases, run by its main() (test_decode.c):
 * format 2 (test_format2.c), the option parser (test_options.c),
 * ovl_layers_strerror() (test_strerror.c), the mountinfo parser
 * (test_mountinfo.c), the JSON writer against json-c (test_json.c). */
#ifndef OVT_TEST_UNITS_H
#define OVT_TEST_UNITS_H

#include <check.h>

TCase *format2_tcase(void);
TCase *options_tcase(void);
TCase *strerror_tcase(void);
TCase *mountinfo_tcase(void);
TCase *json_tcase(void);

#endif
