/*
 * serve.h - one request, whatever carried it: reads the CGI variables and
 * body through a struct fal_io, lets lib/api answer, writes the answer as
 * a CGI response (Status: header) and logs one line.
 */
#ifndef FAL_SERVE_H
#define FAL_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "../api/api.h"
#include "../lib/config.h"
#include "../lib/http.h"

struct fal_io {
	char **envp;  /* the request's CGI variables */
	/* Reads up to len body bytes: count, 0 at the end, -1 on error. */
	long (*read)(void *ctx, char *buf, size_t len);
	/* Writes len bytes: 0, or -1 on error. */
	int (*write)(void *ctx, const char *buf, size_t len);
	/* Whether the client has gone (never blocks); NULL: cannot tell. */
	bool (*gone)(void *ctx);
	void *ctx;
};

/*
 * Answers the request io carries, with the worker's client http; batches
 * answers the §6 routes (NULL: batches off).
 */
void fal_serve(const struct fal_config *cfg, struct fal_http *http,
	       const struct fal_io *io, const struct fal_batch_routes *batches);

#endif
