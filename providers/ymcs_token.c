/*
 * ymcs_token.c - the YMCS bearer token (SPEC §2.2): client credentials
 * with Basic auth, cached per process until 60 s before it expires.
 *
 * Every worker shares the cache.  When it needs filling, one worker
 * fetches while the others wait for that fetch and take its outcome, a
 * failure included: a burst of requests costs one token request, and a
 * vendor outage costs one timeout, not one per waiting worker.  The mutex
 * is never held across the network call.
 */
#include "ymcs.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cache_stats.h"
#include "../lib/secret.h"
#include "rest_url.h"
#include "ymcs_headers.h"
#include "ymcs_json.h"

/* A token is used until this many milliseconds before it expires. */
#define TOKEN_MARGIN_MS 60000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool fetching;              /* a worker is fetching right now */
	unsigned long rounds;       /* fetches finished so far */
	char *token;                /* the last token fetched, or NULL */
	long long good_until;       /* fal_http_now_ms(); cached while before */
	struct fal_error last;      /* outcome of the last fetch */
} cache = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};


/* Whether the cached token may serve a caller that found stale refused. */
static bool
usable(const char *stale)
{
	return cache.token != NULL &&
	    (stale == NULL || strcmp(cache.token, stale) != 0);
}

/* Asks YMCS for a token: *token malloc'd and its lifetime in seconds. */
static enum fal_err
token_fetch(struct fal_call *call, char **token, long long *expires_in)
{
	const struct fal_provider_conf *conf = call->conf;
	char lines[4][FAL_YMCS_HEADER_MAX];
	const char *headers[5] = { lines[0], lines[1], lines[2], lines[3], NULL };
	struct fal_http_resp resp = { 0 };
	struct fal_http_req req = { 0 };
	char *url = fal_rest_base_url(conf->base_url, "/v2/token");
	char *body = fal_ymcs_token_body();
	enum fal_err rc;

	if (url == NULL || body == NULL || fal_ymcs_headers(lines) != 0) {
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
		goto out;
	}
	req.method = "POST";
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.user = conf->client_id;
	req.password = conf->client_secret;
	rc = fal_http_do(call->http, &req, &resp, call->err);
	if (rc == FAL_OK)
		rc = fal_ymcs_token_read(resp.status, resp.body, resp.body_len,
					 token, expires_in, call->err);
	if (rc == FAL_OK)
		fal_cache_stat_inc(FAL_CACHE_TOKEN_FETCHED);
out:
	fal_http_resp_free(&resp);
	free(url);
	free(body);
	return rc;
}

/* Copies the cached token to the caller; the lock is held. */
static enum fal_err
hand_out(struct fal_call *call, char **token)
{
	if ((*token = strdup(cache.token)) == NULL)
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	return FAL_OK;
}

/*
 * Waits, lock held, for the fetch in flight to finish.  Returns 1 when
 * its outcome answers the caller (*rc set), 0 to look at the cache again.
 */
static int
wait_for_fetch(struct fal_call *call, const char *stale, char **token,
	       enum fal_err *rc)
{
	unsigned long round = cache.rounds;

	while (cache.fetching && cache.rounds == round)
		pthread_cond_wait(&cache.done, &cache.lock);
	if (cache.last.code != FAL_OK) {
		*call->err = cache.last;
		*rc = cache.last.code;
		return 1;
	}
	/* A fresh token serves every waiter, even one too short-lived to cache. */
	if (usable(stale)) {
		*rc = hand_out(call, token);
		return 1;
	}
	return 0;
}

/*
 * Fetches a token, lock not held, and publishes the outcome.  A failed
 * fetch also drops the token YMCS refused (stale), if still cached.
 */
static enum fal_err
fetch_and_publish(struct fal_call *call, const char *stale, char **token)
{
	long long expires_in = 0;
	char *fresh = NULL;
	enum fal_err rc;

	rc = token_fetch(call, &fresh, &expires_in);
	/* The token goes out in every call: a vendor echoing it is masked. */
	if (rc == FAL_OK && fal_secret_add(fresh, true) < 0) {
		free(fresh);
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, "out of memory");
	}
	pthread_mutex_lock(&cache.lock);
	cache.fetching = false;
	cache.rounds++;
	if (rc == FAL_OK) {
		free(cache.token);
		cache.token = fresh;
		cache.good_until = fal_http_now_ms(call->http) +
				   expires_in * 1000 - TOKEN_MARGIN_MS;
		fal_error_clear(&cache.last);
		rc = hand_out(call, token);
	} else {
		cache.last = *call->err;
		if (stale != NULL && cache.token != NULL &&
		    strcmp(cache.token, stale) == 0) {
			free(cache.token);
			cache.token = NULL;
		}
	}
	pthread_cond_broadcast(&cache.done);
	pthread_mutex_unlock(&cache.lock);
	return rc;
}

enum fal_err
fal_ymcs_token(struct fal_call *call, const char *stale, char **token)
{
	enum fal_err rc;

	*token = NULL;
	pthread_mutex_lock(&cache.lock);
	for (;;) {
		if (usable(stale) && fal_http_now_ms(call->http) < cache.good_until) {
			rc = hand_out(call, token);
			pthread_mutex_unlock(&cache.lock);
			return rc;
		}
		if (!cache.fetching)
			break;
		if (wait_for_fetch(call, stale, token, &rc)) {
			pthread_mutex_unlock(&cache.lock);
			return rc;
		}
	}
	cache.fetching = true;
	pthread_mutex_unlock(&cache.lock);
	return fetch_and_publish(call, stale, token);
}

void
fal_ymcs_cache_reset(void)
{
	pthread_mutex_lock(&cache.lock);
	free(cache.token);
	cache.token = NULL;
	cache.good_until = 0;
	fal_error_clear(&cache.last);
	pthread_mutex_unlock(&cache.lock);
}
