/*
 * retry.h - which failures a batch tries again and when (SPEC §6.5):
 * exponential backoff with jitter, capped, and the vendor's Retry-After
 * when it asks for longer.  Pure functions: the randomness comes in.
 */
#ifndef FAL_RETRY_H
#define FAL_RETRY_H

#include <stdbool.h>

#include "../lib/err.h"

/* The longest backoff: 5 minutes. */
#define FAL_RETRY_CAP_MS (5L * 60 * 1000)

/* The longest Retry-After honoured: an hour. */
#define FAL_RETRY_AFTER_MAX_MS (60L * 60 * 1000)

/*
 * Whether code is a passing failure (connection, cut-off answer,
 * unexpected status), worth another attempt.
 */
bool fal_retry_retryable(enum fal_err code);

/*
 * Wait after the attempt-th attempt failed (attempt >= 1): retry_ms x
 * 2^(attempt-1), times a jitter factor 0.8 + 0.4 x rnd (rnd in [0, 1)),
 * at most FAL_RETRY_CAP_MS; retry_after_ms (-1: none) wins when longer,
 * up to FAL_RETRY_AFTER_MAX_MS.
 */
long fal_retry_delay_ms(long retry_ms, long attempt, double rnd,
			long retry_after_ms);

#endif
