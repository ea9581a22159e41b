/*
 * runner.c - see runner.h.
 *
 * One mutex guards the in-flight counts and is held across a claim, so
 * two threads never both take a provider's last free slot.  The vendor
 * call and the commit of its outcome happen outside it.
 */
#include "runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/log.h"
#include "retry.h"
#include "stats.h"

/* How often finished batches past keep_days are looked for. */
#define PURGE_EVERY_MS (60L * 60 * 1000)

/* How often a commit is tried before the claim is left to expire. */
#define COMMIT_TRIES 3

struct fal_runner {
	struct fal_store *store;
	struct fal_runner_conf conf;
	struct fal_runner_calls calls;
	pthread_mutex_t lock;
	pthread_cond_t cond;      /* work may be due, or stopping */
	bool stopping;
	int in_flight[FAL_PROVIDER__MAX];
	long long next_purge_ms;
	int n_threads;
	pthread_t *threads;
};

/* Now on the monotonic clock, for waits. */
static struct timespec
deadline(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* A jitter value in [0, 1): not a secret, so the thread's own rand_r. */
static double
jitter(unsigned *seed)
{
	return (double)rand_r(seed) / ((double)RAND_MAX + 1);
}

/* The result to record for attempt a at job. */
static void
judge(const struct fal_runner *r, const struct fal_batch_job *job,
      const struct fal_attempt *a, unsigned *seed,
      struct fal_batch_result *res)
{
	long done = job->attempts + 1;

	memset(res, 0, sizeof(*res));
	if (a->err.code == FAL_OK) {
		res->state = FAL_DEV_SUCCEEDED;
		res->device_pin = a->has_pin ? a->pin : NULL;
		res->lookup_state = a->lookup_state;
		res->lookup_url = a->lookup_url;
		return;
	}
	res->error = fal_err_code(a->err.code);
	res->message = a->err.message;
	if (fal_retry_retryable(a->err.code) && done < r->conf.attempts) {
		res->state = FAL_DEV_PENDING;
		res->retry_at_ms = fal_store_now_ms() +
		    fal_retry_delay_ms(r->conf.retry_ms, done, jitter(seed),
				       a->retry_after_ms);
	} else {
		res->state = FAL_DEV_FAILED;
	}
}

/* Commits res, trying again briefly while the store is busy or gone. */
static void
commit(struct fal_runner *r, const struct fal_batch_job *job,
       const struct fal_batch_result *res)
{
	enum fal_err rc = FAL_OK;

	for (int i = 0; i < COMMIT_TRIES; i++) {
		rc = r->store->ops->complete(r->store, job, res,
					     fal_store_now_ms());
		if (rc == FAL_OK)
			return;
		nanosleep(&(struct timespec){ 0, 200 * 1000000L }, NULL);
	}
	/* The claim expires and another runner calls the device again. */
	fal_log_msg(r->conf.log_format, "error", "batch %s row %ld: outcome "
		    "not recorded: %s", job->batch, job->row, fal_err_code(rc));
}

/* Calls the device job names and records the outcome. */
static void
run_one(struct fal_runner *r, void *worker, const struct fal_batch_job *job,
	unsigned *seed)
{
	struct fal_attempt a;
	struct fal_batch_result res;

	memset(&a, 0, sizeof(a));
	a.retry_after_ms = -1;
	r->calls.attempt(r->calls.ctx, worker, job, &a);
	fal_batch_stats_attempt(job->provider);
	judge(r, job, &a, seed, &res);
	if (res.state != FAL_DEV_PENDING)
		fal_batch_stats_device(job->provider, job->action, a.err.code);
	commit(r, job, &res);
}

/* Which providers have a free slot; false when none has. */
static bool
free_slots(const struct fal_runner *r, bool allowed[FAL_PROVIDER__MAX])
{
	bool any = false;

	for (int p = 0; p < FAL_PROVIDER__MAX; p++) {
		allowed[p] = r->in_flight[p] < r->conf.per_vendor;
		any = any || allowed[p];
	}
	return any;
}

/* Deletes old finished batches once in a while (called with the lock). */
static void
maybe_purge(struct fal_runner *r)
{
	long long now = fal_store_now_ms();
	long n = 0;

	if (r->conf.keep_days <= 0 || now < r->next_purge_ms)
		return;
	r->next_purge_ms = now + PURGE_EVERY_MS;
	pthread_mutex_unlock(&r->lock);
	if (r->store->ops->purge(r->store, now - r->conf.keep_days * 86400000LL,
				 &n) == FAL_OK && n > 0)
		fal_log_msg(r->conf.log_format, "info", "deleted %ld batches "
			    "finished over %ld days ago", n, r->conf.keep_days);
	pthread_mutex_lock(&r->lock);
}

static void *
work(void *arg)
{
	struct fal_runner *r = arg;
	void *worker = r->calls.worker_new != NULL
		       ? r->calls.worker_new(r->calls.ctx) : NULL;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)&worker;
	bool allowed[FAL_PROVIDER__MAX];
	struct fal_batch_job job;
	struct timespec until;

	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		maybe_purge(r);
		if (r->stopping)
			break;
		if (!free_slots(r, allowed) ||
		    r->store->ops->claim(r->store, allowed, fal_store_now_ms(),
					 r->conf.claim_ms, &job) != FAL_OK) {
			until = deadline(r->conf.idle_ms);
			pthread_cond_timedwait(&r->cond, &r->lock, &until);
			continue;
		}
		r->in_flight[job.provider]++;
		pthread_mutex_unlock(&r->lock);
		run_one(r, worker, &job, &seed);
		pthread_mutex_lock(&r->lock);
		r->in_flight[job.provider]--;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	if (worker != NULL && r->calls.worker_free != NULL)
		r->calls.worker_free(worker);
	return NULL;
}

/* Stops and joins the first n threads, then frees r. */
static void
stop_threads(struct fal_runner *r, int n)
{
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	for (int i = 0; i < n; i++)
		pthread_join(r->threads[i], NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r->threads);
	free(r);
}

struct fal_runner *
fal_runner_start(struct fal_store *store, const struct fal_runner_conf *conf,
		 const struct fal_runner_calls *calls)
{
	struct fal_runner *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;
	int i;

	if (r == NULL)
		return NULL;
	r->store = store;
	r->conf = *conf;
	r->calls = *calls;
	if (r->conf.idle_ms <= 0)
		r->conf.idle_ms = 250;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((r->threads = calloc((size_t)conf->workers, sizeof(pthread_t))) == NULL) {
		stop_threads(r, 0);
		return NULL;
	}
	for (i = 0; i < conf->workers; i++)
		if (pthread_create(&r->threads[i], NULL, work, r) != 0) {
			stop_threads(r, i);
			return NULL;
		}
	r->n_threads = conf->workers;
	return r;
}

void
fal_runner_wake(struct fal_runner *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void
fal_runner_stop(struct fal_runner *r)
{
	if (r != NULL)
		stop_threads(r, r->n_threads);
}
