/*
 * runner.h - the batch runner (SPEC §6.5): its own threads, apart from
 * the request workers, claiming due devices from the store (batches by
 * creation, devices by row), at most per_vendor calls in flight per
 * provider, committing each outcome as soon as the vendor answers, and
 * retrying passing failures with backoff.
 *
 * The vendor call itself comes in as a function (struct fal_runner_calls),
 * so the runner knows no vendor and its tests need none.
 */
#ifndef FAL_RUNNER_H
#define FAL_RUNNER_H

#include <stdbool.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "../lib/url.h"
#include "store.h"

struct fal_runner_conf {
	int workers;        /* threads (batch_workers, >= 1) */
	int per_vendor;     /* calls in flight per provider (batch_per_vendor) */
	int attempts;       /* attempts in all per device (batch_attempts) */
	long retry_ms;      /* first backoff (batch_retry_ms) */
	long claim_ms;      /* how long a claim lasts: timeout_ms + 30 s */
	long call_ms;       /* the longest one call may take: timeout_ms */
	long keep_days;     /* finished batches kept (batch_keep_days) */
	long idle_ms;       /* how often an idle runner looks for work */
	enum fal_log_format log_format;
};

/* What one attempt at a device gave. */
struct fal_attempt {
	struct fal_error err;          /* FAL_OK on success */
	bool has_pin;                  /* ymcs register: device_pin */
	char pin[64];
	const char *lookup_state;      /* check: §1.8 state, else NULL */
	char lookup_url[FAL_URL_MAX + 1];  /* check: "" when null */
	long retry_after_ms;           /* vendor Retry-After, -1 if none */
};

struct fal_runner_calls {
	/* Per-thread state (an HTTP client); NULL when out of memory. */
	void *(*worker_new)(void *ctx);
	void (*worker_free)(void *worker);
	/* Makes the call job names with the thread's worker; fills out. */
	void (*attempt)(void *ctx, void *worker, const struct fal_batch_job *job,
			struct fal_attempt *out);
	void *ctx;
};

struct fal_runner;

/*
 * Starts conf->workers threads working through store (which must outlive
 * the runner).  NULL when a thread cannot be started.
 */
struct fal_runner *fal_runner_start(struct fal_store *store,
				    const struct fal_runner_conf *conf,
				    const struct fal_runner_calls *calls);

/* Makes idle threads look for work now (a batch was just created). */
void fal_runner_wake(struct fal_runner *r);

/* Lets the calls in flight finish, stops the threads, frees r (NULL ok). */
void fal_runner_stop(struct fal_runner *r);

#endif
