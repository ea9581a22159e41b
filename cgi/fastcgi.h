/*
 * fastcgi.h - the FastCGI server: worker threads (cgi/pool.h) accepting
 * on one socket, each with its own reused HTTP client; SIGTERM or SIGINT
 * stops accepting at once, lets the requests in flight finish, then the
 * process exits.
 */
#ifndef FAL_FASTCGI_H
#define FAL_FASTCGI_H

#include <stdbool.h>

#include "../api/api.h"
#include "../lib/config.h"

/*
 * Serves FastCGI on listen_fd, at most max requests at once, until
 * SIGTERM/SIGINT; own_socket: the program opened listen_fd (--listen) and
 * shuts it down at the signal; batches answers the §6 routes (NULL: off).
 * Returns the process's exit status.
 */
int fal_fastcgi_run(const struct fal_config *cfg, int listen_fd, int max,
		    bool own_socket, const struct fal_batch_routes *batches);

#endif
