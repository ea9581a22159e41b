/*
 * test_batch_runner.c - batch/runner.c with a scripted vendor: every
 * device called and recorded once, the per-vendor cap held, passing
 * failures retried with backoff and Retry-After, refusals final at once,
 * queued devices of a cancelled batch never sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../batch/runner.h"
#include "../../batch/store.h"

#define N 60

/* The scripted vendor: what it saw and how it answers. */
struct vendor {
	atomic_int calls[N + 1];        /* by row */
	atomic_int in_flight[FAL_PROVIDER__MAX];
	atomic_int max_in_flight[FAL_PROVIDER__MAX];
	long long first_ms[N + 1], last_ms[N + 1];
	enum fal_err (*answer)(long row, int call, long *retry_after);
	long delay_us;
};

static struct vendor v;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
attempt(void *ctx, void *worker, const struct fal_batch_job *job,
	struct fal_attempt *out)
{
	int p = job->provider, in, max, call;

	(void)ctx;
	(void)worker;
	in = atomic_fetch_add(&v.in_flight[p], 1) + 1;
	while ((max = atomic_load(&v.max_in_flight[p])) < in &&
	       !atomic_compare_exchange_weak(&v.max_in_flight[p], &max, in))
		;
	call = atomic_fetch_add(&v.calls[job->row], 1) + 1;
	if (call == 1)
		v.first_ms[job->row] = now_ms();
	v.last_ms[job->row] = now_ms();
	usleep((useconds_t)v.delay_us);
	out->err.code = v.answer(job->row, call, &out->retry_after_ms);
	if (out->err.code != FAL_OK)
		snprintf(out->err.message, sizeof(out->err.message), "try %d", call);
	atomic_fetch_sub(&v.in_flight[p], 1);
}

static enum fal_err
always_ok(long row, int call, long *retry_after)
{
	(void)row;
	(void)call;
	(void)retry_after;
	return FAL_OK;
}

struct fixture {
	char dir[64];
	struct fal_store *s;
	struct fal_runner_conf conf;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char uri[128], err[256];

	memset(&v, 0, sizeof(v));
	v.answer = always_ok;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fal-runner-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(uri, sizeof(uri), "sqlite:%s/b.db", f->dir);
	if ((f->s = fal_store_open(uri, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	f->conf = (struct fal_runner_conf){ .workers = 6, .per_vendor = 2,
		.attempts = 3, .retry_ms = 20, .claim_ms = 60000,
		.keep_days = 30, .idle_ms = 20 };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	fal_store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Creates N devices, rows alternating snom and yealink. */
static void
create(struct fixture *f, struct fal_batch *b)
{
	struct fal_batch_row rows[N];

	memset(rows, 0, sizeof(rows));
	for (int i = 0; i < N; i++) {
		rows[i].row = i + 1;
		rows[i].provider = i % 2 ? FAL_YEALINK : FAL_SNOM;
		snprintf(rows[i].mac, sizeof(rows[i].mac), "AC-DE-48-00-00-%02X", i);
		rows[i].url = "https://pbx/p/";
	}
	assert_int_equal(f->s->ops->create(f->s, FAL_BATCH_REGISTER, rows, N,
					   fal_store_now_ms(), b), FAL_OK);
}

/* Runs the batch to its end (or 20 s), then stops the runner. */
static void
run(struct fixture *f, struct fal_batch *b)
{
	struct fal_runner_calls calls = { .attempt = attempt };
	struct fal_runner *r;
	struct fal_batch g;

	create(f, b);
	assert_non_null(r = fal_runner_start(f->s, &f->conf, &calls));
	fal_runner_wake(r);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(f->s->ops->get(f->s, b->id, &g), FAL_OK);
		if (g.state == FAL_BATCH_DONE)
			break;
		usleep(10000);
	}
	fal_runner_stop(r);
	assert_int_equal(f->s->ops->get(f->s, b->id, b), FAL_OK);
	assert_int_equal(b->state, FAL_BATCH_DONE);
}

struct row_view {
	long attempts[N + 1];
	char error[N + 1][48];
	enum fal_dev_state state[N + 1];
};

static int
view_row(void *ctx, const struct fal_batch_device *d)
{
	struct row_view *rv = ctx;

	rv->attempts[d->row] = d->attempts;
	rv->state[d->row] = d->state;
	snprintf(rv->error[d->row], sizeof(rv->error[0]), "%s",
		 d->error != NULL ? d->error : "");
	return 0;
}

static void
view(struct fixture *f, const char *id, struct row_view *rv)
{
	struct fal_device_query q = { .state = -1 };

	assert_int_equal(f->s->ops->devices(f->s, id, &q, view_row, rv), FAL_OK);
}

static void
test_every_device_once_within_cap(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b;

	v.delay_us = 3000;
	run(f, &b);
	assert_int_equal(b.succeeded, N);
	for (int row = 1; row <= N; row++)
		assert_int_equal(atomic_load(&v.calls[row]), 1);
	assert_in_range(atomic_load(&v.max_in_flight[FAL_SNOM]), 1, 2);
	assert_in_range(atomic_load(&v.max_in_flight[FAL_YEALINK]), 1, 2);
}

/* Row 5 fails to connect twice, then succeeds; row 6 is refused. */
static enum fal_err
flaky(long row, int call, long *retry_after)
{
	(void)retry_after;
	if (row == 5 && call <= 2)
		return FAL_ERR_CONNECTION_FAILED;
	if (row == 6)
		return FAL_ERR_DEVICE_OWNED;
	if (row == 7)
		return FAL_ERR_REMOTE_CALL_FAILED;
	return FAL_OK;
}

static void
test_retries_and_final_refusals(void **state)
{
	struct fixture *f = *state;
	struct row_view rv;
	struct fal_batch b;

	v.answer = flaky;
	run(f, &b);
	view(f, b.id, &rv);
	assert_int_equal(rv.state[5], FAL_DEV_SUCCEEDED);
	assert_int_equal(rv.attempts[5], 3);
	assert_string_equal(rv.error[5], "");
	/* The second retry waited about twice the first backoff. */
	assert_true(v.last_ms[5] - v.first_ms[5] >= (20 + 40) * 8 / 10);
	assert_int_equal(rv.state[6], FAL_DEV_FAILED);
	assert_int_equal(rv.attempts[6], 1);
	assert_string_equal(rv.error[6], "device_owned_by_other_user");
	/* batch_attempts = 3 attempts in all, then failed. */
	assert_int_equal(rv.state[7], FAL_DEV_FAILED);
	assert_int_equal(rv.attempts[7], 3);
	assert_int_equal(atomic_load(&v.calls[7]), 3);
	assert_string_equal(rv.error[7], "provider_remote_call_failed");
	assert_int_equal(b.succeeded, N - 2);
	assert_int_equal(b.failed, 2);
}

/* Row 3 answers 503 with Retry-After 400 ms once: the runner waits it. */
static enum fal_err
retry_after(long row, int call, long *after)
{
	if (row == 3 && call == 1) {
		*after = 400;
		return FAL_ERR_REMOTE_CALL_FAILED;
	}
	return FAL_OK;
}

static void
test_retry_after_honoured(void **state)
{
	struct fixture *f = *state;
	struct row_view rv;
	struct fal_batch b;

	v.answer = retry_after;
	run(f, &b);
	view(f, b.id, &rv);
	assert_int_equal(rv.attempts[3], 2);
	assert_true(v.last_ms[3] - v.first_ms[3] >= 400);
}

/*
 * A cancel while every slot is busy and devices wait in the queue,
 * claimed: the calls in flight finish and are recorded, the queued
 * devices are never sent (SPEC §6.4).
 */
static void
test_cancel_drops_queued(void **state)
{
	struct fixture *f = *state;
	struct fal_runner_calls calls = { .attempt = attempt };
	struct fal_runner *r;
	struct fal_batch b, g;
	long long cancelled_ms;
	int started = 0;

	v.delay_us = 600000;
	create(f, &b);
	assert_non_null(r = fal_runner_start(f->s, &f->conf, &calls));
	fal_runner_wake(r);
	/* Two slots a provider: four calls in flight, more queued. */
	for (int i = 0; i < 400 && started < 4; i++) {
		usleep(5000);
		started = 0;
		for (int row = 1; row <= N; row++)
			started += atomic_load(&v.calls[row]);
	}
	assert_true(started >= 4);
	usleep(50000);
	assert_int_equal(f->s->ops->cancel(f->s, b.id, fal_store_now_ms(), &g),
			 FAL_OK);
	cancelled_ms = now_ms();
	usleep(1200000);
	fal_runner_stop(r);
	started = 0;
	for (int row = 1; row <= N; row++) {
		if (atomic_load(&v.calls[row]) == 0)
			continue;
		started++;
		assert_true(v.first_ms[row] < cancelled_ms);
	}
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_CANCELLED);
	assert_int_equal(g.succeeded, started);
	assert_true(started < N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_device_once_within_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries_and_final_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_honoured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_drops_queued, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
