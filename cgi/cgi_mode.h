/*
 * cgi_mode.h - plain CGI (RFC 3875) for shared hosting: the web server
 * runs the program once per request with the request in the environment
 * and the body on standard input; the answer goes to standard output.
 */
#ifndef FAL_CGI_MODE_H
#define FAL_CGI_MODE_H

#include "../api/api.h"
#include "../lib/config.h"

/*
 * Answers the one request of this process (batches: the §6 routes, or
 * NULL); returns the exit status.
 */
int fal_cgi_run(const struct fal_config *cfg,
		const struct fal_batch_routes *batches);

#endif
