/*
 * http.c - the client every vendor call goes through: the guard of the
 * device action in progress is checked here, before each call, and what
 * is left of its timeout_ms budget becomes the call's time limit; the
 * call itself is the transport's (http_curl.c, or a test's script).
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "clock.h"

struct fal_http {
	const struct fal_config *cfg;
	const struct fal_http_transport *transport;
	void *ctx;
	const struct fal_guard *guard;  /* of the action in progress, or NULL */
	long retry_after_ms;            /* of the last answer, -1 when none */
};

struct fal_http *
fal_http_new_transport(const struct fal_config *cfg,
		       const struct fal_http_transport *t, void *ctx)
{
	struct fal_http *http;

	if (t == NULL || (http = calloc(1, sizeof(*http))) == NULL)
		return NULL;
	http->cfg = cfg;
	http->transport = t;
	http->ctx = ctx;
	http->retry_after_ms = -1;
	return http;
}

void
fal_http_free(struct fal_http *http)
{
	if (http == NULL)
		return;
	if (http->transport->free != NULL)
		http->transport->free(http->ctx);
	free(http);
}

void
fal_http_set_guard(struct fal_http *http, const struct fal_guard *guard)
{
	http->guard = guard;
	http->retry_after_ms = -1;
}

long long
fal_http_now_ms(const struct fal_http *http)
{
	if (http == NULL || http->transport->now_ms == NULL)
		return fal_clock_ms();
	return http->transport->now_ms(http->ctx);
}

long
fal_http_retry_after_ms(const struct fal_http *http)
{
	return http->retry_after_ms;
}

long
fal_http_retry_after_parse(const char *value)
{
	char *end;
	long s;
	time_t when;

	if (value == NULL)
		return -1;
	value += strspn(value, " \t");
	if (*value >= '0' && *value <= '9') {
		s = strtol(value, &end, 10);
		end += strspn(end, " \t");
		/* A day is more than any caller will wait: cap, no overflow. */
		return *end == '\0' ? (s > 86400 ? 86400 : s) * 1000 : -1;
	}
	if ((when = curl_getdate(value, NULL)) == -1)
		return -1;
	when -= time(NULL);
	return when <= 0 ? 0 : (when > 86400 ? 86400 : (long)when) * 1000;
}

/* The configured budget, for messages; 0 when there is no config. */
static long
budget_ms(const struct fal_http *http)
{
	return http->cfg != NULL ? http->cfg->timeout_ms : 0;
}

/*
 * The time limit of the next call: what the guard's budget has left, or
 * timeout_ms without a guard (0: none).  -1 when the budget is spent.
 */
static long
call_limit_ms(const struct fal_http *http)
{
	long long left;

	if (http->guard == NULL)
		return budget_ms(http);
	left = http->guard->deadline_ms - fal_http_now_ms(http);
	return left > 0 ? (long)left : -1;
}

/* The words of a call stopped by (or after) the budget's end. */
static enum fal_err
budget_spent(const struct fal_http *http, struct fal_error *err)
{
	char cause[FAL_ERROR_MESSAGE_MAX];

	if (err->code == FAL_OK || err->message[0] == '\0')
		return fal_error_set(err, FAL_ERR_CONNECTION_FAILED,
				     "the timeout_ms budget of %ld ms for this "
				     "request ran out", budget_ms(http));
	memcpy(cause, err->message, sizeof(cause));
	return fal_error_set(err, FAL_ERR_CONNECTION_FAILED,
			     "the timeout_ms budget of %ld ms for this request "
			     "ran out (%s)", budget_ms(http), cause);
}

enum fal_err
fal_http_do(struct fal_http *http, const struct fal_http_req *req,
	    struct fal_http_resp *resp, struct fal_error *err)
{
	const struct fal_guard *g = http->guard;
	enum fal_err rc;
	long limit;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after_ms = -1;
	http->retry_after_ms = -1;
	fal_error_clear(err);
	if (g != NULL && g->gone != NULL && g->gone(g->gone_ctx))
		return fal_error_set(err, FAL_ERR_CLIENT_GONE,
				     "the client has gone: no vendor call made");
	if ((limit = call_limit_ms(http)) < 0)
		return budget_spent(http, err);
	rc = http->transport->perform(http->ctx, req, limit, resp, err);
	if (rc == FAL_OK) {
		fal_error_clear(err);
		http->retry_after_ms = resp->retry_after_ms;
		return FAL_OK;
	}
	if (rc == FAL_ERR_CONNECTION_FAILED && g != NULL &&
	    call_limit_ms(http) < 0)
		return budget_spent(http, err);
	return rc;
}
