// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A parent that never reaps its child: the child exits at once and stays
 * a zombie for as long as the parent lives (tests/criu/criu.sh's zombie
 * case, where criu dumps it with a core image and no ids image).  Static:
 * it runs in the test container, which has busybox and nothing else.
 */
#include <signal.h>
#include <unistd.h>

int main(void)
{
	pid_t pid;

	signal(SIGCHLD, SIG_DFL);	/* SIG_IGN would reap it */
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(0);
	for (;;)
		pause();
}
