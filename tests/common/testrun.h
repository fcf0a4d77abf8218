/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared main() tail for the Check suites: run the suite, print Check's
 * own summary, and append "<suite> <passed> <failed>" to the file named
 * by $OVT_RESULTS so `make check` can print one summary line across all
 * suites.  A suite that crashes before this point leaves no line, and
 * tests/summary counts that as a failure.
 */
#ifndef OVT_TESTRUN_H
#define OVT_TESTRUN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int ovt_run(Suite *s, const char *name)
{
	SRunner *sr = srunner_create(s);
	const char *res = getenv("OVT_RESULTS");
	int run, failed;

	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (res && *res) {
		FILE *f = fopen(res, "a");

		if (f) {
			fprintf(f, "%s %d %d\n", name, run - failed, failed);
			fclose(f);
		}
	}
	return failed || !run ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
