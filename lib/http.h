/*
 * http.h - the HTTP client towards the vendors, over libcurl.
 *
 * One struct fal_http per worker: its easy handle is reused from call to
 * call, so connections, DNS answers and TLS sessions are too.  Every call
 * verifies TLS (ca_file when configured), sends User-Agent
 * Falconieri/<version>, honours the configured connect and total timeouts
 * and caps the answer at FAL_HTTP_BODY_MAX.  Failures are classified into
 * the SPEC's error codes; HTTP statuses are left to the caller.
 */
#ifndef FAL_HTTP_H
#define FAL_HTTP_H

#include <stddef.h>

#include "config.h"
#include "err.h"

#define FAL_HTTP_BODY_MAX (1024 * 1024)

struct fal_http;

struct fal_http_req {
	const char *method;          /* "GET", "POST", "PUT", "DELETE" */
	const char *url;
	const char *const *headers;  /* NULL-terminated "Name: value", or NULL */
	const char *body;            /* NULL for none */
	size_t body_len;
	const char *user;            /* Basic auth when non-NULL */
	const char *password;
};

struct fal_http_resp {
	long status;
	char *body;                  /* NUL-terminated, never NULL after success */
	size_t body_len;
	char *headers;               /* the final answer's header fields as curl
					parsed them: "Name: value" lines, every
					repeated field kept, in order */
	double seconds;              /* time spent in the call */
};

/* A client for one worker; NULL when out of memory. cfg must outlive it. */
struct fal_http *fal_http_new(const struct fal_config *cfg);

/* Frees the client and closes its connections. */
void fal_http_free(struct fal_http *http);

/*
 * Until called again, every fal_http_do first asks gone(ctx) (when not
 * NULL) and makes no call once it says the request's client has gone.
 */
void fal_http_guard(struct fal_http *http, bool (*gone)(void *ctx),
		    void *ctx);

/*
 * Performs req.  FAL_OK means an HTTP answer was read whole (any status);
 * otherwise err says FAL_ERR_CONNECTION_FAILED (DNS, connect, TLS,
 * timeout; message in curl's words) or FAL_ERR_READ_RESPONSE_FAILED (cut
 * off, reset, nothing or not HTTP, over FAL_HTTP_BODY_MAX) or
 * FAL_ERR_CLIENT_GONE (nothing sent: see fal_http_guard).  resp must be
 * freed either way.
 */
enum fal_err fal_http_do(struct fal_http *http, const struct fal_http_req *req,
			 struct fal_http_resp *resp, struct fal_error *err);

/*
 * The value of the header called name (any case) in resp, copied into out
 * (NUL-terminated, truncated to outlen): a field sent several times gives
 * its values joined by ", " in the order sent, as RFC 9110 §5.3 combines
 * them.  Returns 0, or -1 when absent.  With out NULL or outlen 0 it only
 * says whether the header is there.
 */
int fal_http_header(const struct fal_http_resp *resp, const char *name,
		    char *out, size_t outlen);

/* Frees resp's buffers and zeroes it. */
void fal_http_resp_free(struct fal_http_resp *resp);

#endif
