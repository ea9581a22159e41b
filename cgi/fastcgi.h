/*
 * fastcgi.h - the FastCGI server: N worker threads accepting on one
 * socket, each with its own reused HTTP client; SIGTERM or SIGINT lets the
 * requests in flight finish, then the process exits.
 */
#ifndef FAL_FASTCGI_H
#define FAL_FASTCGI_H

#include "../lib/config.h"

/*
 * Serves FastCGI on listen_fd with workers threads until SIGTERM/SIGINT.
 * Returns the process's exit status.
 */
int fal_fastcgi_run(const struct fal_config *cfg, int listen_fd, int workers);

#endif
