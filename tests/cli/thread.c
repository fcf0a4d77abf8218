// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A process with a second thread, for `ovl-layers -N TID` (tests/cli/run):
 * prints "PID TID" (its own ID and its thread's) on one line, then waits
 * until it is killed.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int ready[2];

static void *second(void *arg)
{
	pid_t tid = gettid();

	(void)arg;
	if (write(ready[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	for (;;)
		pause();
	return NULL;
}

int main(void)
{
	pthread_t t;
	pid_t tid;

	if (pipe(ready) || pthread_create(&t, NULL, second, NULL) ||
	    read(ready[0], &tid, sizeof(tid)) != sizeof(tid))
		return 1;
	printf("%d %d\n", (int)getpid(), (int)tid);
	fflush(stdout);
	for (;;)
		pause();
}
