/*
 * stats.h - the batch figures of /metrics (SPEC §6.7): devices finished
 * by provider, action and outcome, and attempts by provider, as lock-free
 * counters of this process; pending devices come from the store.
 */
#ifndef FAL_STATS_H
#define FAL_STATS_H

#include <stdio.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "batch.h"

/* Counts one device finished with outcome e (FAL_OK: "ok"). */
void fal_batch_stats_device(enum fal_provider_id p, enum fal_batch_action a,
			    enum fal_err e);

/* Counts one attempt (vendor call) for provider p. */
void fal_batch_stats_attempt(enum fal_provider_id p);

/*
 * Writes the three families to f; pending[] holds the store's pending
 * devices by provider, or is NULL when the store did not answer.
 */
void fal_batch_stats_render(FILE *f, const long *pending);

#endif
