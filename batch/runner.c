/*
 * runner.c - see runner.h.
 *
 * The store is reached in "syncs", one thread at a time: a sync commits
 * the outcomes the threads have answered since the last one and claims
 * the devices that will replace them, in one transaction where the store
 * can (ops->complete_claim).  A thread whose call has answered queues its
 * outcome and waits until a sync has committed it before it takes its
 * next device, so a crash repeats at most one call per thread.
 *
 * Outcomes are grouped: a sync starts when no other call is in flight,
 * when twice as many outcomes wait as calls are in flight, or GROUP_MS
 * after the first one was queued.  The thread whose outcome makes it due runs the
 * sync itself, and each waiting thread is woken alone once its outcome is
 * on disk (a context switch costs more here than the call to a fast
 * vendor).  So a fast vendor costs one transaction per several devices,
 * and a slow one keeps every slot busy: the next device is already
 * claimed when a call ends.
 *
 * Claimed devices wait in a queue: at most 2 x batch_per_vendor of a
 * provider held and batch_workers queued in all.  One queued so long that
 * its call could outlast its claim is dropped (left to expire and be
 * claimed again), so a live runner never calls a device whose claim
 * another may have taken.  A sync also asks the store whether the batches
 * of devices queued over CHECK_AFTER_MS were cancelled, and drops those
 * devices: a cancelled batch's pending devices are never sent (SPEC
 * §6.4), even once claimed.
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

/* How often a sync is tried before the claims are left to expire. */
#define SYNC_TRIES 3

/* How long an outcome waits for others to share its commit. */
#define GROUP_MS 1

/* How many of the queued devices' batches a sync checks for a cancel. */
#define CHECK_BATCHES 4

/*
 * A device queued longer than this is checked for a cancel: one taken
 * sooner counts as in flight from its claim.  With a fast vendor the
 * queue empties within milliseconds and no sync pays for a check.
 */
#define CHECK_AFTER_MS 100

/* A claimed device waiting for a thread, and when it was claimed. */
struct queued {
	struct fal_batch_job job;
	long long claimed_ms;     /* monotonic */
};

/* A thread waiting for its outcome to be committed. */
struct waiter {
	pthread_cond_t cond;
	bool committed;
};

/* Outcomes and who waits for each: n of them. */
struct outcomes {
	struct fal_batch_outcome *o;
	struct waiter **w;
	size_t n;
};

struct fal_runner {
	struct fal_store *store;
	struct fal_runner_conf conf;
	struct fal_runner_calls calls;
	pthread_mutex_t lock;
	pthread_cond_t cond;      /* idle threads: work may be due */
	bool stopping;
	bool syncing;             /* a thread is in sync_store() */
	bool poked;               /* fal_runner_wake: claim now */
	long long claim_at;       /* no claim before (monotonic ms) */
	int calling;              /* threads in a vendor call */
	int idle;                 /* threads waiting on cond */
	int held[FAL_PROVIDER__MAX];      /* claimed and not yet recorded */
	int in_flight[FAL_PROVIDER__MAX]; /* called and not yet recorded */
	struct queued *ready;     /* claimed, not yet called: n_ready */
	size_t n_ready;
	struct outcomes todo;     /* answered, to commit */
	long long todo_since;     /* when the first of them was queued */
	struct outcomes committing;       /* sync_store's own copy */
	struct fal_batch_job *claimed;    /* sync_store's claim */
	long long next_purge_ms;
	int n_threads;
	pthread_t *threads;
};

/* Now on the monotonic clock plus ms, for waits. */
static struct timespec
deadline(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ms < 0)
		ms = 0;
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

/*
 * Commits the *n outcomes being committed and, when room is not NULL,
 * claims up to max devices into r->claimed (*got of them); *n drops to 0
 * once the outcomes are on disk.
 */
static enum fal_err
sync_once(struct fal_runner *r, size_t *n, const int *room, size_t max,
	  size_t *got)
{
	const struct fal_store_ops *ops = r->store->ops;
	long long now = fal_store_now_ms();
	enum fal_err rc = FAL_OK;

	*got = 0;
	if (room != NULL && *n > 0 && ops->complete_claim != NULL) {
		rc = ops->complete_claim(r->store, r->committing.o, *n, room,
					 max, now, r->conf.claim_ms, r->claimed,
					 got);
		if (rc == FAL_OK || rc == FAL_ERR_NOT_FOUND)
			*n = 0;
		return rc;
	}
	if (*n > 0 && (rc = ops->complete(r->store, r->committing.o, *n,
					  now)) == FAL_OK)
		*n = 0;
	if (rc == FAL_OK && room != NULL)
		rc = ops->claim(r->store, room, max, now, r->conf.claim_ms,
				r->claimed, got);
	return rc;
}

/*
 * sync_once over the n outcomes being committed, tried again briefly
 * while the store fails; FAL_OK or FAL_ERR_NOT_FOUND (nothing claimed)
 * or the failure.
 */
static enum fal_err
sync_tries(struct fal_runner *r, size_t n, const int *room, size_t max,
	   size_t *got)
{
	enum fal_err rc;

	for (int i = 1;; i++) {
		rc = sync_once(r, &n, room, max, got);
		if (rc == FAL_OK || rc == FAL_ERR_NOT_FOUND || i == SYNC_TRIES)
			break;
		nanosleep(&(struct timespec){ 0, 200 * 1000000L }, NULL);
	}
	/* The claims expire and another runner calls the devices again. */
	for (size_t i = 0; i < n; i++)
		fal_log_msg(r->conf.log_format, "error", "batch %s row %ld: "
			    "outcome not recorded: %s",
			    r->committing.o[i].job->batch,
			    r->committing.o[i].job->row, fal_err_code(rc));
	return rc;
}

/*
 * What the next claim may take (called with the lock): room[p] devices of
 * provider p, *max in all, counting the n_done devices being committed as
 * free; false when no claim is due.  A claim is due when the last one
 * found devices (or idle_ms has passed since, or fal_runner_wake was
 * called).
 */
static bool
claim_room(const struct fal_runner *r, size_t n_done,
	   int room[FAL_PROVIDER__MAX], size_t *max)
{
	long sum = 0;

	for (int p = 0; p < FAL_PROVIDER__MAX; p++) {
		room[p] = 2 * r->conf.per_vendor - r->held[p];
		for (size_t i = 0; i < n_done; i++)
			room[p] += (int)r->committing.o[i].job->provider == p;
		sum += room[p] > 0 ? room[p] : 0;
	}
	*max = (size_t)r->conf.workers - r->n_ready;
	if ((long)*max > sum)
		*max = (size_t)sum;
	return !r->stopping && *max > 0 &&
	       (r->poked || fal_clock_ms() >= r->claim_at);
}

/* Whether the queued outcomes are to be committed now (with the lock). */
static bool
sync_due(const struct fal_runner *r)
{
	return !r->syncing && r->todo.n > 0 &&
	       (r->stopping || r->calling == 0 ||
		r->todo.n >= 2 * (size_t)r->calling ||
		fal_clock_ms() >= r->todo_since + GROUP_MS);
}

/* The index of batch in ids[0..n), or n when it is not there. */
static size_t
batch_index(char ids[][17], size_t n, const char *batch)
{
	size_t k = 0;

	while (k < n && strcmp(ids[k], batch) != 0)
		k++;
	return k;
}

/*
 * The batches of the devices queued over CHECK_AFTER_MS (called with the
 * lock), at most CHECK_BATCHES of them (the queue holds batch_workers
 * devices at most, mostly of one batch); how many.
 */
static size_t
queued_batches(const struct fal_runner *r, char ids[][17])
{
	long long old = fal_clock_ms() - CHECK_AFTER_MS;
	size_t n = 0;

	for (size_t i = 0; i < r->n_ready && n < CHECK_BATCHES; i++)
		if (r->ready[i].claimed_ms <= old &&
		    batch_index(ids, n, r->ready[i].job.batch) == n)
			memcpy(ids[n++], r->ready[i].job.batch, 17);
	return n;
}

/* Which of the n batches the store says are cancelled: bit k for ids[k]. */
static unsigned
cancelled_batches(struct fal_store *s, char ids[][17], size_t n)
{
	struct fal_batch b;
	unsigned bits = 0;

	for (size_t k = 0; k < n; k++)
		if (s->ops->get(s, ids[k], &b) == FAL_OK &&
		    b.state == FAL_BATCH_CANCELLED)
			bits |= 1u << k;
	return bits;
}

/*
 * Drops the queued devices of the batches bits names (called with the
 * lock).  They keep their claim and state: claims pass over a cancelled
 * batch, so nobody sends them.
 */
static void
drop_cancelled(struct fal_runner *r, char ids[][17], size_t n,
	       unsigned bits)
{
	size_t i = 0, k;

	while (bits != 0 && i < r->n_ready) {
		struct queued *q = &r->ready[i];

		if ((k = batch_index(ids, n, q->job.batch)) == n ||
		    !(bits & (1u << k))) {
			i++;
			continue;
		}
		r->held[q->job.provider]--;
		memmove(q, q + 1, (--r->n_ready - i) * sizeof(*q));
	}
}

/*
 * Commits the queued outcomes, claims when claim_room says so, and wakes
 * the threads whose outcomes it committed (called with the lock, which it
 * lets go meanwhile).  How many devices it claimed.
 */
static size_t
sync_store(struct fal_runner *r)
{
	size_t n = r->todo.n, max = 0, got = 0, n_ids;
	int room[FAL_PROVIDER__MAX];
	char ids[CHECK_BATCHES][17];
	enum fal_err rc;
	unsigned cancelled;
	/* Read before the claim's: a claim lasts from the store's clock
	 * read in sync_once, so the queue counts its wait from earlier. */
	long long claimed = fal_clock_ms();
	bool claim;

	r->syncing = true;
	memcpy(r->committing.o, r->todo.o, n * sizeof(*r->todo.o));
	memcpy(r->committing.w, r->todo.w, n * sizeof(*r->todo.w));
	r->todo.n = 0;
	claim = claim_room(r, n, room, &max);
	if (claim)
		r->poked = false;
	n_ids = queued_batches(r, ids);
	pthread_mutex_unlock(&r->lock);
	rc = sync_tries(r, n, claim ? room : NULL, max, &got);
	cancelled = cancelled_batches(r->store, ids, n_ids);
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < n; i++) {
		r->held[r->committing.o[i].job->provider]--;
		r->in_flight[r->committing.o[i].job->provider]--;
		r->committing.w[i]->committed = true;
		pthread_cond_signal(&r->committing.w[i]->cond);
	}
	for (size_t i = 0; i < got; i++) {
		r->held[r->claimed[i].provider]++;
		r->ready[r->n_ready++] = (struct queued){ r->claimed[i], claimed };
	}
	drop_cancelled(r, ids, n_ids, cancelled);
	/* None found: nothing is due yet, look again later. */
	if (claim)
		r->claim_at = fal_clock_ms() +
			      (rc == FAL_OK && got > 0 ? 0 : r->conf.idle_ms);
	r->syncing = false;
	/* Outcomes queued meanwhile: the first one's thread times them. */
	if (r->todo.n > 0)
		pthread_cond_signal(&r->todo.w[0]->cond);
	if (got > 0 && r->idle > 0)
		pthread_cond_broadcast(&r->cond);
	return got;
}

/*
 * How long a claimed device may wait for a slot: half of what its claim
 * leaves over the longest call (the other half covers the sync and the
 * clocks of other hosts, which judge the claim's expiry); half the claim
 * when the call's length is not known.
 */
static long
max_wait_ms(const struct fal_runner_conf *c)
{
	long spare = c->claim_ms - c->call_ms;

	return c->call_ms > 0 && spare > 0 ? spare / 2 : c->claim_ms / 2;
}

/*
 * Takes the first queued device whose provider has a free slot into job
 * (called with the lock); false when there is none.  A device queued
 * longer than max_wait_ms is dropped: another runner may take it while
 * its call runs.
 */
static bool
take_ready(struct fal_runner *r, struct fal_batch_job *job)
{
	long long stale = fal_clock_ms() - max_wait_ms(&r->conf);

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
 * Waits until w's outcome is committed (called with the lock): runs the
 * sync when it is due, else sleeps; the first queued outcome's thread
 * wakes when the group's time is up, the others when their outcome is
 * committed.
 */
static void
wait_committed(struct fal_runner *r, struct waiter *w)
{
	struct timespec until;

	while (!w->committed) {
		if (sync_due(r)) {
			sync_store(r);
		} else if (!r->syncing && r->todo.w[0] == w) {
			until = deadline(r->todo_since + GROUP_MS - fal_clock_ms());
			pthread_cond_timedwait(&w->cond, &r->lock, &until);
		} else {
			pthread_cond_wait(&w->cond, &r->lock);
		}
	}
}

/*
 * Calls the device job names and has the outcome committed (called with
 * the lock, which it lets go during the call).
 */
static void
run_one(struct fal_runner *r, struct waiter *w, void *worker,
	const struct fal_batch_job *job, unsigned *seed)
{
	struct fal_attempt a;
	struct fal_batch_outcome *o;

	r->calling++;
	pthread_mutex_unlock(&r->lock);
	memset(&a, 0, sizeof(a));
	a.retry_after_ms = -1;
	r->calls.attempt(r->calls.ctx, worker, job, &a);
	fal_batch_stats_attempt(job->provider);
	pthread_mutex_lock(&r->lock);
	r->calling--;
	if (r->todo.n == 0)
		r->todo_since = fal_clock_ms();
	/* The outcome points into a and job: both live until committed. */
	o = &r->todo.o[r->todo.n];
	r->todo.w[r->todo.n++] = w;
	o->job = job;
	judge(r, job, &a, seed, &o->result);
	if (o->result.state != FAL_DEV_PENDING)
		fal_batch_stats_device(job->provider, job->action, a.err.code);
	w->committed = false;
	wait_committed(r, w);
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

/* A condition variable whose timed waits read the monotonic clock. */
static void
cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

static void *
work(void *arg)
{
	struct fal_runner *r = arg;
	void *worker = r->calls.worker_new != NULL
		       ? r->calls.worker_new(r->calls.ctx) : NULL;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(size_t)&worker;
	struct waiter w = { .committed = true };
	struct fal_batch_job job;
	struct timespec until;
	long long wait;

	cond_init(&w.cond);
	pthread_mutex_lock(&r->lock);
	for (;;) {
		/* Queued devices are called even when stopping, so that a
		 * restart does not wait for their claims to expire. */
		if (take_ready(r, &job)) {
			run_one(r, &w, worker, &job, &seed);
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
		r->idle++;
		pthread_cond_timedwait(&r->cond, &r->lock, &until);
		r->idle--;
	}
	pthread_mutex_unlock(&r->lock);
	pthread_cond_destroy(&w.cond);
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
	free(r->todo.o);
	free(r->todo.w);
	free(r->committing.o);
	free(r->committing.w);
	free(r);
}

/* Room for n outcomes in o; false when out of memory. */
static bool
outcomes_alloc(struct outcomes *o, size_t n)
{
	o->o = calloc(n, sizeof(*o->o));
	o->w = calloc(n, sizeof(*o->w));
	return o->o != NULL && o->w != NULL;
}

struct fal_runner *
fal_runner_start(struct fal_store *store, const struct fal_runner_conf *conf,
		 const struct fal_runner_calls *calls)
{
	struct fal_runner *r = calloc(1, sizeof(*r));
	size_t n = (size_t)conf->workers;
	int i;

	if (r == NULL)
		return NULL;
	r->store = store;
	r->conf = *conf;
	r->calls = *calls;
	if (r->conf.idle_ms <= 0)
		r->conf.idle_ms = 250;
	pthread_mutex_init(&r->lock, NULL);
	cond_init(&r->cond);
	r->threads = calloc(n, sizeof(*r->threads));
	r->ready = calloc(n, sizeof(*r->ready));
	r->claimed = calloc(n, sizeof(*r->claimed));
	if (!outcomes_alloc(&r->todo, n) || !outcomes_alloc(&r->committing, n) ||
	    r->threads == NULL || r->ready == NULL || r->claimed == NULL) {
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
