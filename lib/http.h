/*
 * http.h - the HTTP client towards the vendors.
 *
 * One struct fal_http per worker.  Before every call it checks the guard
 * of the device action in progress (client gone, timeout_ms budget spent)
 * and hands the call to its transport with what is left of the budget.
 * The production transport (http_curl.c) reuses one libcurl easy handle,
 * so connections, DNS answers and TLS sessions are reused too; it
 * verifies TLS (ca_file when configured), sends User-Agent
 * Falconieri/<version>, honours connect_timeout_ms and caps the answer
 * at FAL_HTTP_BODY_MAX.  Failures are classified into the SPEC's error
 * codes; HTTP statuses are left to the caller.
 */
#ifndef FAL_HTTP_H
#define FAL_HTTP_H

#include <stdbool.h>
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
	bool no_header_fields;       /* the caller reads none: resp->headers
					stays NULL (saves copying them) */
};

struct fal_http_resp {
	long status;
	char *body;                  /* NUL-terminated, never NULL after success */
	size_t body_len;
	char *headers;               /* the final answer's header fields as curl
					parsed them: "Name: value" lines, every
					repeated field kept, in order */
	long retry_after_ms;         /* its Retry-After, -1 when none */
};

/*
 * What bounds the vendor calls of one device action: checked before each
 * call, so that all of them share one timeout_ms and none starts for a
 * client that has gone.
 */
struct fal_guard {
	long long deadline_ms;       /* fal_http_now_ms() when the budget ends */
	bool (*gone)(void *ctx);     /* true when the client has gone; may be NULL */
	void *gone_ctx;
};

/* A way to carry a call: libcurl in production, a script in tests. */
struct fal_http_transport {
	/*
	 * Performs req within timeout_ms (0: no limit), filling resp (zeroed,
	 * retry_after_ms -1) and returning as fal_http_do does.
	 */
	enum fal_err (*perform)(void *ctx, const struct fal_http_req *req,
				long timeout_ms, struct fal_http_resp *resp,
				struct fal_error *err);
	void (*free)(void *ctx);     /* frees ctx; may be NULL */
	/*
	 * The clock of the client's deadlines and of the caches its callers
	 * keep (monotonic ms); NULL: fal_clock_ms().  Tests move it forward.
	 */
	long long (*now_ms)(void *ctx);
};

/* A libcurl client for one worker; NULL when out of memory. cfg must outlive it. */
struct fal_http *fal_http_new(const struct fal_config *cfg);

/*
 * A client over transport t with its ctx (freed with the client); cfg,
 * which may be NULL, gives timeout_ms.  NULL when out of memory.
 */
struct fal_http *fal_http_new_transport(const struct fal_config *cfg,
					const struct fal_http_transport *t,
					void *ctx);

/* Bounds the calls that follow by guard (NULL: timeout_ms per call). */
void fal_http_set_guard(struct fal_http *http, const struct fal_guard *guard);

/* The time on http's clock (see now_ms above); http may be NULL. */
long long fal_http_now_ms(const struct fal_http *http);

/* Retry-After of the last answer in milliseconds; -1 when none. */
long fal_http_retry_after_ms(const struct fal_http *http);

/* A Retry-After value (delay-seconds or HTTP-date) in ms from now; -1 if bad. */
long fal_http_retry_after_parse(const char *value);

/* Frees the client and closes its connections. */
void fal_http_free(struct fal_http *http);

/*
 * Performs req.  FAL_OK means an HTTP answer was read whole (any status);
 * otherwise err says FAL_ERR_CONNECTION_FAILED (DNS, connect, TLS,
 * timeout, the guard's budget spent; message in curl's words or ours),
 * FAL_ERR_READ_RESPONSE_FAILED (cut off, reset, nothing or not HTTP, over
 * FAL_HTTP_BODY_MAX) or FAL_ERR_CLIENT_GONE (the guard's client has gone:
 * nothing sent).  resp must be freed either way.
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
