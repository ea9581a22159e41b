/*
 * batches.h - the HTTP side of batches (SPEC §6.1-§6.4, §6.7): POST and
 * GET /batches, GET and DELETE /batches/{id}, GET /batches/{id}/devices
 * (JSON, or CSV with Accept: text/csv), and the batch figures of /metrics.
 */
#ifndef FAL_API_BATCHES_H
#define FAL_API_BATCHES_H

#include "../batch/runner.h"
#include "../batch/store.h"
#include "api.h"
#include "../lib/config.h"

/* What the routes work with; everything must outlive the requests. */
struct fal_batches {
	const struct fal_config *cfg;
	struct fal_store *store;
	struct fal_runner *runner;   /* woken when a batch is created; may be NULL */
};

/* The routes to hand to fal_api_handle for b. */
struct fal_batch_routes fal_batches_routes(struct fal_batches *b);

#endif
