/*
 * store.h - where batches live (SPEC §6.6), behind one small interface so
 * that each kind of store (SQLite here, PostgreSQL next) is one
 * implementation of struct fal_store_ops.
 *
 * Every operation returns FAL_OK or an enum fal_err:
 * FAL_ERR_BATCH_NOT_FOUND (no such batch), FAL_ERR_NOT_FOUND (claim:
 * nothing due), FAL_ERR_BATCH_STORE_UNAVAILABLE (the store failed: busy
 * past its timeout, I/O error, gone) or FAL_ERR_INTERNAL (out of memory).
 * Times are ms since the epoch, given by the caller so tests can set them.
 * A store handle may be used from several threads at once.
 */
#ifndef FAL_STORE_H
#define FAL_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/err.h"
#include "../lib/url.h"
#include "batch.h"

/* Which devices fal_store_devices lists. */
struct fal_device_query {
	int state;       /* an enum fal_dev_state, or -1 for all */
	long after;      /* rows after this row number (0: from the start) */
	long limit;      /* at most this many (0: all) */
};

/* A device a runner has claimed: what it needs to make the call. */
struct fal_batch_job {
	char batch[17];
	long row;
	enum fal_batch_action action;
	enum fal_provider_id provider;
	char mac[18];
	char url[FAL_URL_MAX + 1];  /* "" when none */
	char sn[65];                /* "" when none */
	char crc[5];                /* "" when none */
	long attempts;              /* attempts made before this one */
	char claim[17];             /* this claim's token */
};

/* What a runner learnt from one attempt. */
struct fal_batch_result {
	enum fal_dev_state state;   /* FAL_DEV_PENDING: try again at retry_at_ms */
	long long retry_at_ms;
	const char *error;          /* §1.1 code, NULL on success */
	const char *message;        /* NULL or "" for none */
	const char *device_pin;     /* or NULL */
	const char *lookup_state;   /* or NULL */
	const char *lookup_url;     /* or NULL */
};

/* One attempt to record: the claimed job and what it gave. */
struct fal_batch_outcome {
	const struct fal_batch_job *job;
	struct fal_batch_result result;
};

/* Called per batch or device listed; non-zero stops the listing. */
typedef int (*fal_batch_cb)(void *ctx, const struct fal_batch *b);
typedef int (*fal_device_cb)(void *ctx, const struct fal_batch_device *d);

struct fal_store;

struct fal_store_ops {
	/* Stores a new batch of n rows, durably, before returning it in out. */
	enum fal_err (*create)(struct fal_store *s, enum fal_batch_action a,
			       const struct fal_batch_row *rows, size_t n,
			       long long now_ms, struct fal_batch *out);
	enum fal_err (*get)(struct fal_store *s, const char *id,
			    struct fal_batch *out);
	/* The newest limit batches, newest first. */
	enum fal_err (*list)(struct fal_store *s, long limit, fal_batch_cb cb,
			     void *ctx);
	/* The batch's devices q selects, in row order. */
	enum fal_err (*devices)(struct fal_store *s, const char *id,
				const struct fal_device_query *q,
				fal_device_cb cb, void *ctx);
	/* Cancels the batch (a done batch stays done); the result in out. */
	enum fal_err (*cancel)(struct fal_store *s, const char *id,
			       long long now_ms, struct fal_batch *out);
	/*
	 * Claims, in one transaction, up to max due devices, at most room[p]
	 * of provider p: the first due ones (batches by creation, devices by
	 * row), each until now_ms + claim_ms.  They are written to jobs[] in
	 * that order and *n says how many; FAL_ERR_NOT_FOUND (with *n 0) when
	 * none is due.  A device is due when pending, its retry time reached,
	 * unclaimed or its claim expired, and its batch neither cancelled nor
	 * done.  The jobs of one call may share one claim token.  Claiming a
	 * chunk costs one transaction however many devices it holds: runners
	 * ask for as many as they have free slots.
	 */
	enum fal_err (*claim)(struct fal_store *s,
			      const int room[FAL_PROVIDER__MAX], size_t max,
			      long long now_ms, long claim_ms,
			      struct fal_batch_job *jobs, size_t *n);
	/*
	 * Records the n outcomes, in one transaction where the store can
	 * (SQLite does: a runner commits the outcomes of all its threads
	 * together).  An outcome whose job no longer holds its claim (it
	 * expired and another runner took the device), or whose batch is
	 * gone, is skipped: FAL_OK.  Recording is idempotent (the claim goes
	 * with it), so after a failure the caller repeats the whole call.  A
	 * device appears at most once in one call.
	 */
	enum fal_err (*complete)(struct fal_store *s,
				 const struct fal_batch_outcome *o, size_t n,
				 long long now_ms);
	/*
	 * Optional (NULL where the store has none): complete(o, n) and then
	 * claim(room, max, jobs, *n_jobs) in ONE transaction, so that a
	 * runner pays one transaction for a group of outcomes and the devices
	 * that replace them.  Both or neither happen: after a failure the
	 * caller repeats the whole call.  FAL_ERR_NOT_FOUND (*n_jobs 0) when
	 * the outcomes are recorded and no device was due.
	 */
	enum fal_err (*complete_claim)(struct fal_store *s,
				       const struct fal_batch_outcome *o,
				       size_t n,
				       const int room[FAL_PROVIDER__MAX],
				       size_t max, long long now_ms,
				       long claim_ms, struct fal_batch_job *jobs,
				       size_t *n_jobs);
	/* Devices still to be sent, by provider. */
	enum fal_err (*pending)(struct fal_store *s,
				long counts[FAL_PROVIDER__MAX]);
	/* Deletes batches finished before before_ms; *n says how many. */
	enum fal_err (*purge)(struct fal_store *s, long long before_ms, long *n);
	void (*close)(struct fal_store *s);
};

/* Every implementation's handle starts with this. */
struct fal_store {
	const struct fal_store_ops *ops;
};

/*
 * Opens the store uri names ("sqlite:PATH"), creating or upgrading its
 * schema.  NULL with the reason in errbuf (never the URI's password).
 */
struct fal_store *fal_store_open(const char *uri, char *errbuf, size_t len);

/* What kind of store uri names ("sqlite"), for --check-config; NULL if none. */
const char *fal_store_kind(const char *uri);

/* Closes s (NULL is fine). */
void fal_store_close(struct fal_store *s);

/* A fresh batch id or claim token: 16 lower-case hex digits from a CSPRNG. */
int fal_store_new_id(char out[17]);

/* The current time in ms since the epoch. */
long long fal_store_now_ms(void);

#endif
