/* cgi_mode.c - see cgi_mode.h. */
#include "cgi_mode.h"

#include <stdio.h>
#include <stdlib.h>

#include "../lib/http.h"
#include "../lib/log.h"
#include "serve.h"

extern char **environ;

static long
stdin_read(void *ctx, char *buf, size_t len)
{
	size_t n = fread(buf, 1, len, stdin);

	(void)ctx;
	return n == 0 && ferror(stdin) ? -1 : (long)n;
}

static int
stdout_write(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

int
fal_cgi_run(const struct fal_config *cfg)
{
	struct fal_http *http;
	struct fal_io io = {
		.envp = environ,
		.read = stdin_read,
		.write = stdout_write,
	};

	if (getenv("REQUEST_METHOD") == NULL) {
		fprintf(stderr, "falconieri: standard input is not a FastCGI "
			"socket and REQUEST_METHOD is unset: run it under a web "
			"server, a FastCGI spawner, or with --listen ADDR "
			"(see --help)\n");
		return 2;
	}
	if ((http = fal_http_new(cfg)) == NULL)
		return 1;
	fal_serve(cfg, http, &io);
	fal_http_free(http);
	return fflush(stdout) == 0 ? 0 : 1;
}
