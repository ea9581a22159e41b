/* cgi_mode.c - see cgi_mode.h. */
#include "cgi_mode.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/http.h"
#include "../lib/log.h"
#include "serve.h"

/* The most of an unread body drained before exiting (see drain_body). */
#define DRAIN_MAX (4LL * 1024 * 1024)

extern char **environ;

static long
stdin_read(void *ctx, char *buf, size_t len)
{
	size_t n = fread(buf, 1, len, stdin);

	*(long long *)ctx += (long long)n;
	return n == 0 && ferror(stdin) ? -1 : (long)n;
}

/*
 * Reads and drops what is left of the CONTENT_LENGTH body after the answer
 * (most refusals never read it): Apache's mod_cgid cuts the answer off
 * when the program exits before taking the body it was handed.
 */
static void
drain_body(long long consumed)
{
	const char *cl = getenv("CONTENT_LENGTH");
	char buf[8192];
	long long left = cl != NULL ? strtoll(cl, NULL, 10) - consumed : 0;
	size_t n;

	if (left > DRAIN_MAX)
		left = DRAIN_MAX;
	while (left > 0) {
		n = fread(buf, 1, left < (long long)sizeof(buf) ?
			  (size_t)left : sizeof(buf), stdin);
		if (n == 0)
			break;
		left -= (long long)n;
	}
}

/*
 * Whether the web server has stopped reading the answer: its client gave
 * up and it closed our standard output (a pipe then polls POLLERR, a
 * socket POLLHUP).  Never blocks.
 */
static bool
stdout_gone(void *ctx)
{
	struct pollfd pfd = { .fd = STDOUT_FILENO, .events = 0 };

	(void)ctx;
	return poll(&pfd, 1, 0) > 0 &&
	       (pfd.revents & (POLLERR | POLLHUP)) != 0;
}

static int
stdout_write(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

int
fal_cgi_run(const struct fal_config *cfg,
	    const struct fal_batch_routes *batches)
{
	struct fal_http *http;
	long long consumed = 0;
	struct fal_io io = {
		.envp = environ,
		.read = stdin_read,
		.write = stdout_write,
		.gone = stdout_gone,
		.ctx = &consumed,
	};
	int rc;

	if (getenv("REQUEST_METHOD") == NULL) {
		fprintf(stderr, "falconieri: standard input is not a FastCGI "
			"socket and REQUEST_METHOD is unset: run it under a web "
			"server, a FastCGI spawner, or with --listen ADDR "
			"(see --help)\n");
		return 2;
	}
	if ((http = fal_http_new(cfg)) == NULL)
		return 1;
	fal_serve(cfg, http, &io, batches);
	fal_http_free(http);
	rc = fflush(stdout) == 0 ? 0 : 1;
	drain_body(consumed);
	return rc;
}
