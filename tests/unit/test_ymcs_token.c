/*
 * test_ymcs_token.c - the YMCS token cache under concurrency: many workers
 * needing a token at the same moment cause one token request, and share
 * its outcome, a failure included.
 *
 * Each worker has its own client over the scripted transport, whose
 * answers take 200 ms here: long enough for every worker to pile up.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../lib/cache_stats.h"
#include "../../providers/ymcs.h"
#include "fake_http.h"

#define WORKERS 16

/* Queues the answer of one token request: status, token tok-n. */
static void
push_token(long status, int n)
{
	char body[80];

	snprintf(body, sizeof(body),
		 "{\"access_token\":\"tok-%d\",\"expires_in\":7200}", n);
	fake_http_push(status, body, NULL);
}

/* The number of requests made, every one of them a token request. */
static size_t
token_requests(void)
{
	for (size_t i = 0; i < fake_http_ncalls(); i++)
		if (strstr(fake_http_call_at(i)->url, "/v2/token") == NULL)
			fail_msg("unexpected request to %s",
				 fake_http_call_at(i)->url);
	return fake_http_ncalls();
}

/* One worker's call. */
struct worker {
	pthread_t thread;
	const char *stale;
	char *token;
	enum fal_err rc;
	struct fal_error err;
};

static char base_url[] = "https://ymcs.example.com";
static char client_id[] = "client-7";
static char client_secret[] = "s3cr3t";
static struct fal_provider_conf conf = {
	.base_url = base_url,
	.client_id = client_id,
	.client_secret = client_secret,
};
static pthread_barrier_t start;

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct fal_call call = { 0 };

	call.conf = &conf;
	call.http = fake_http_new(NULL);
	call.err = &w->err;
	pthread_barrier_wait(&start);
	w->rc = fal_ymcs_token(&call, w->stale, &w->token);
	fal_http_free(call.http);
	return NULL;
}

/* Runs WORKERS workers at once, each with stale. */
static void
run_workers(struct worker *ws, const char *stale)
{
	pthread_barrier_init(&start, NULL, WORKERS);
	for (int i = 0; i < WORKERS; i++) {
		memset(&ws[i], 0, sizeof(ws[i]));
		ws[i].stale = stale;
		pthread_create(&ws[i].thread, NULL, work, &ws[i]);
	}
	for (int i = 0; i < WORKERS; i++)
		pthread_join(ws[i].thread, NULL);
	pthread_barrier_destroy(&start);
}

static void
free_workers(struct worker *ws)
{
	for (int i = 0; i < WORKERS; i++)
		free(ws[i].token);
}

static int
setup(void **state)
{
	(void)state;
	fal_ymcs_cache_reset();
	fake_http_reset();
	fake_http_set_delay(200);
	return 0;
}

static void
test_concurrent_first_requests_fetch_once(void **state)
{
	struct worker ws[WORKERS];
	unsigned long fetched = fal_cache_stat_get(FAL_CACHE_TOKEN_FETCHED);

	(void)state;
	push_token(200, 1);
	run_workers(ws, NULL);
	assert_int_equal(token_requests(), 1);
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(ws[i].rc, FAL_OK);
		assert_string_equal(ws[i].token, "tok-1");
	}
	assert_int_equal(fal_cache_stat_get(FAL_CACHE_TOKEN_FETCHED),
			 fetched + 1);
	free_workers(ws);

	/* And afterwards the cache answers without asking. */
	run_workers(ws, NULL);
	assert_int_equal(token_requests(), 1);
	free_workers(ws);
}

/* A failed fetch is shared by those waiting for it, and not cached. */
static void
test_concurrent_failure_shared_not_cached(void **state)
{
	struct worker ws[WORKERS];

	(void)state;
	push_token(500, 1);
	push_token(200, 2);
	run_workers(ws, NULL);
	assert_int_equal(token_requests(), 1);
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(ws[i].rc, FAL_ERR_REMOTE_CALL_FAILED);
		assert_null(ws[i].token);
		assert_int_equal(ws[i].err.code, FAL_ERR_REMOTE_CALL_FAILED);
	}
	free_workers(ws);

	run_workers(ws, NULL);
	assert_int_equal(token_requests(), 2);
	for (int i = 0; i < WORKERS; i++)
		assert_string_equal(ws[i].token, "tok-2");
	free_workers(ws);
}

/* Many workers refused the same token: one fresh token for all of them. */
static void
test_concurrent_refresh_after_401(void **state)
{
	struct worker ws[WORKERS];

	(void)state;
	push_token(200, 1);
	push_token(200, 2);
	run_workers(ws, NULL);
	free_workers(ws);
	run_workers(ws, "tok-1");
	assert_int_equal(token_requests(), 2);
	for (int i = 0; i < WORKERS; i++)
		assert_string_equal(ws[i].token, "tok-2");
	free_workers(ws);

	/* A late worker that still held tok-1 takes tok-2 without asking. */
	run_workers(ws, "tok-1");
	assert_int_equal(token_requests(), 2);
	free_workers(ws);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_concurrent_first_requests_fetch_once,
				       setup),
		cmocka_unit_test_setup(test_concurrent_failure_shared_not_cached,
				       setup),
		cmocka_unit_test_setup(test_concurrent_refresh_after_401, setup),
	};

	return cmocka_run_group_tests_name("ymcs_token", tests, NULL, NULL);
}
