/*
 * runner.c - see runner.h.
 *
 * The store is reached in "syncs", one thread at a time: a sync commits
 * the outcomes the threads have produced since the last one, all in one
 * transaction, and, when the queue of claimed devices runs low, claims a
 * chunk of devices in one more.  A thread whose call has answered queues
 * its outcome and waits until a sync has committed it (running that sync
 * itself when none is running) before it takes its next device from the
 * queue.  So a fast vendor costs a transaction per group of outcomes and
 * one per chunk of claims rather than two per device, and a slow one
 * keeps every slot busy: the next device is already claimed when a call
 * ends.
 *
 * What a crash costs: at most one repeated call per thread (no thread
 * calls again before its last outcome is on disk), and the queued devices
 * wait for their claims to expire.  The queue holds at most 2 x
 * batch_per_vendor devices of a provider and batch_workers in all, and a
 * device queued for over half its claim is dropped (left to expire and
 * be claimed again), so a live runner never calls a device whose claim
 * another may have taken.
 *
 * The lock guards the queues and counts below; vendor calls and store
 * transactions happen outside it.
 */
#include "runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/clock.h"
#include "../lib/log.h"
#include "retry.h"
#include "stats.h"

/* How often finished batches past keep_days are looked for. */
#define PURGE_EVERY_MS (60L * 60 * 1000)

/* How often a commit is tried before the claims are left to expire. */
#define COMMIT_TRIES 3

/* A claimed device waiting for a thread, and when it was claimed. */
struct queued {
	struct fal_batch_job job;
	long long claimed_ms;     /* monotonic */
};

struct fal_runner {
	struct fal_store *store;
	struct fal_runner_conf conf;
	struct fal_runner_calls calls;
	pthread_mutex_t lock;
	pthread_cond_t cond;      /* a job, a commit or a claim may be due */
	bool stopping;
	bool syncing;             /* a thread is in sync_store() */
	bool poked;               /* fal_runner_wake: claim now */
	long long claim_at;       /* no claim before (monotonic ms) */
	int held[FAL_PROVIDER__MAX];      /* claimed and not yet recorded */
	int in_flight[FAL_PROVIDER__MAX]; /* called and not yet recorded */
	struct queued *ready;     /* claimed, not yet called: n_ready */
	size_t n_ready;
	struct fal_batch_outcome *todo;   /* answered, to commit: n_todo */
	size_t n_todo;
	struct fal_batch_outcome *committing;  /* sync_store's own copy */
	struct fal_batch_job *claimed;    /* sync_store's claim */
	unsigned long long queued, recorded;  /* outcome tickets */
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

/* Commits the n outcomes, trying again briefly while the store fails. */
static void
commit(struct fal_runner *r, const struct fal_batch_outcome *o, size_t n)
{
	enum fal_err rc = FAL_OK;

	for (int i = 0; i < COMMIT_TRIES; i++) {
		rc = r->store->ops->complete(r->store, o, n, fal_store_now_ms());
		if (rc == FAL_OK)
			return;
		nanosleep(&(struct timespec){ 0, 200 * 1000000L }, NULL);
	}
	/* The claims expire and another runner calls the devices again. */
	for (size_t i = 0; i < n; i++)
		fal_log_msg(r->conf.log_format, "error", "batch %s row %ld: "
			    "outcome not recorded: %s", o[i].job->batch,
			    o[i].job->row, fal_err_code(rc));
}

/*
 * What the next claim may take (called with the lock): room[p] devices of
 * provider p, *max in all; false when no claim is due.  A claim is due
 * when the queue is down to half and the last claim found devices (or
 * idle_ms has passed since, or fal_runner_wake was called).
 */
static bool
claim_room(const struct fal_runner *r, size_t n_done,
	   int room[FAL_PROVIDER__MAX], size_t *max)
{
	size_t cap = (size_t)r->conf.workers;
	long sum = 0;

	for (int p = 0; p < FAL_PROVIDER__MAX; p++) {
		room[p] = 2 * r->conf.per_vendor - r->held[p];
		for (size_t i = 0; i < n_done; i++)
			room[p] += (int)r->committing[i].job->provider == p;
		sum += room[p] > 0 ? room[p] : 0;
	}
	*max = cap - r->n_ready;
	if ((long)*max > sum)
		*max = (size_t)sum;
	return !r->stopping && *max > 0 && r->n_ready <= cap / 2 &&
	       (r->poked || fal_clock_ms() >= r->claim_at);
}

/*
 * Commits the queued outcomes and claims when claim_room says so (called
 * with the lock, which it lets go meanwhile).  How many it claimed.
 */
static size_t
sync_store(struct fal_runner *r)
{
	unsigned long long upto = r->queued;
	size_t n_done = r->n_todo, max = 0, got = 0;
	int room[FAL_PROVIDER__MAX];
	long long now;
	bool claim;
	enum fal_err rc = FAL_ERR_NOT_FOUND;

	r->syncing = true;
	memcpy(r->committing, r->todo, n_done * sizeof(*r->todo));
	r->n_todo = 0;
	claim = claim_room(r, n_done, room, &max);
	if (claim)
		r->poked = false;
	pthread_mutex_unlock(&r->lock);
	if (n_done > 0)
		commit(r, r->committing, n_done);
	if (claim)
		rc = r->store->ops->claim(r->store, room, max, fal_store_now_ms(),
					  r->conf.claim_ms, r->claimed, &got);
	pthread_mutex_lock(&r->lock);
	now = fal_clock_ms();
	for (size_t i = 0; i < n_done; i++) {
		r->held[r->committing[i].job->provider]--;
		r->in_flight[r->committing[i].job->provider]--;
	}
	for (size_t i = 0; i < got; i++) {
		r->held[r->claimed[i].provider]++;
		r->ready[r->n_ready++] = (struct queued){ r->claimed[i], now };
	}
	r->recorded = upto;
	/* None found: nothing is due yet, look again later. */
	if (claim)
		r->claim_at = now + (rc == FAL_OK && got > 0 ? 0 : r->conf.idle_ms);
	r->syncing = false;
	pthread_cond_broadcast(&r->cond);
	return got;
}

/*
 * Takes the first queued device whose provider has a free slot into job
 * (called with the lock); false when there is none.  A device queued for
 * over half its claim is dropped: another runner may take it soon.
 */
static bool
take_ready(struct fal_runner *r, struct fal_batch_job *job)
{
	long long stale = fal_clock_ms() - r->conf.claim_ms / 2;

	for (size_t i = 0; i < r->n_ready; i++) {
		struct queued *q = &r->ready[i];
		enum fal_provider_id p = q->job.provider;
		bool drop = q->claimed_ms < stale;

		if (!drop && r->in_flight[p] >= r->conf.per_vendor)
			continue;
		if (!drop) {
			*job = q->job;
			r->in_flight[p]++;
		}
		if (drop)
			r->held[p]--;
		memmove(q, q + 1, (--r->n_ready - i) * sizeof(*q));
		if (!drop)
			return true;
		i--;
	}
	return false;
}

/*
 * Calls the device job names and has the outcome committed (called with
 * the lock, which it lets go during the call).
 */
static void
run_one(struct fal_runner *r, void *worker, const struct fal_batch_job *job,
	unsigned *seed)
{
	struct fal_attempt a;
	struct fal_batch_outcome *o;
	unsigned long long ticket;

	pthread_mutex_unlock(&r->lock);
	memset(&a, 0, sizeof(a));
	a.retry_after_ms = -1;
	r->calls.attempt(r->calls.ctx, worker, job, &a);
	fal_batch_stats_attempt(job->provider);
	pthread_mutex_lock(&r->lock);
	/* The outcome points into a and job: both live until recorded. */
	o = &r->todo[r->n_todo++];
	o->job = job;
	judge(r, job, &a, seed, &o->result);
	if (o->result.state != FAL_DEV_PENDING)
		fal_batch_stats_device(job->provider, job->action, a.err.code);
	ticket = ++r->queued;
	while (r->recorded < ticket) {
		if (!r->syncing)
			sync_store(r);
		else
			pthread_cond_wait(&r->cond, &r->lock);
	}
}

/*
 * Deletes old finished batches once in a while (called with the lock,
 * which it lets go meanwhile); true when it did.
 */
static bool
maybe_purge(struct fal_runner *r)
{
	long long now = fal_store_now_ms();
	long n = 0;

	if (r->conf.keep_days <= 0 || now < r->next_purge_ms)
		return false;
	r->next_purge_ms = now + PURGE_EVERY_MS;
	pthread_mutex_unlock(&r->lock);
	if (r->store->ops->purge(r->store, now - r->conf.keep_days * 86400000LL,
				 &n) == FAL_OK && n > 0)
		fal_log_msg(r->conf.log_format, "info", "deleted %ld batches "
			    "finished over %ld days ago", n, r->conf.keep_days);
	pthread_mutex_lock(&r->lock);
	return true;
}

static void *
work(void *arg)
{
	struct fal_runner *r = arg;
	void *worker = r->calls.worker_new != NULL
		       ? r->calls.worker_new(r->calls.ctx) : NULL;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)&worker;
	struct fal_batch_job job;
	struct timespec until;
	long long wait;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		/* Queued devices are called even when stopping, so that a
		 * restart does not wait for their claims to expire. */
		if (take_ready(r, &job)) {
			run_one(r, worker, &job, &seed);
			continue;
		}
		if (r->stopping && r->n_ready == 0)
			break;
		if (maybe_purge(r))
			continue;
		wait = r->claim_at - fal_clock_ms();
		if (!r->syncing && !r->stopping && (r->poked || wait <= 0)) {
			if (sync_store(r) > 0)
				continue;
			wait = r->conf.idle_ms;
		}
		until = deadline(wait > 0 && wait < r->conf.idle_ms
				 ? wait : r->conf.idle_ms);
		pthread_cond_timedwait(&r->cond, &r->lock, &until);
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
	free(r->ready);
	free(r->claimed);
	free(r->todo);
	free(r->committing);
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
	r->threads = calloc((size_t)conf->workers, sizeof(*r->threads));
	r->ready = calloc((size_t)conf->workers, sizeof(*r->ready));
	r->claimed = calloc((size_t)conf->workers, sizeof(*r->claimed));
	r->todo = calloc((size_t)conf->workers, sizeof(*r->todo));
	r->committing = calloc((size_t)conf->workers, sizeof(*r->todo));
	if (r->threads == NULL || r->ready == NULL || r->claimed == NULL ||
	    r->todo == NULL || r->committing == NULL) {
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
	r->poked = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

void
fal_runner_stop(struct fal_runner *r)
{
	if (r != NULL)
		stop_threads(r, r->n_threads);
}
