/*
 * fake_http.h - the scripted transport of every unit test.
 *
 * A client made here is a real struct fal_http (lib/http.c: the guard,
 * the budget) over this transport: each call is recorded and answered
 * with the next queued answer, so a test checks what a provider sends and
 * how it reads each vendor answer without a network.  Thread-safe: the
 * YMCS token tests call it from many workers at once.
 */
#ifndef FAKE_HTTP_H
#define FAKE_HTTP_H

#include <stddef.h>

#include "../../lib/err.h"
#include "../../lib/http.h"

struct fake_http_call {
	char *method;
	char *url;
	char *body;          /* NUL-terminated copy, "" when none */
	size_t body_len;
	char *headers[32];   /* NULL-terminated copies */
	char *user;          /* NULL without Basic auth */
	char *password;
	long timeout_ms;     /* the limit lib/http.c gave the call (0: none) */
};

/* Forgets every recorded call and queued answer. */
void fake_http_reset(void);

/* Queues an HTTP answer; headers is a raw block ("Link: <..>\r\n") or NULL. */
void fake_http_push(long status, const char *body, const char *headers);

/* Queues a transport failure (FAL_ERR_CONNECTION_FAILED, ...). */
void fake_http_push_error(enum fal_err code, const char *message);

/* Number of requests made since the last reset. */
size_t fake_http_ncalls(void);

/* The i-th request made, or NULL. */
const struct fake_http_call *fake_http_call_at(size_t i);

/* Value of header name in call i ("" when absent). */
const char *fake_http_call_header(size_t i, const char *name);

/* Makes every answer wait ms milliseconds before it is given. */
void fake_http_set_delay(long ms);

/*
 * Moves the clients' clock (fal_http_now_ms: deadlines, the YMCS token's
 * lifetime) ms forward, for good: it never goes back, not even on reset.
 */
void fake_http_advance_clock(long long ms);

/* The shared client to hand to providers (no configuration). */
struct fal_http *fake_http_client(void);

/* A new client with cfg's timeout_ms (cfg may be NULL); free it yourself. */
struct fal_http *fake_http_new(const struct fal_config *cfg);

#endif
