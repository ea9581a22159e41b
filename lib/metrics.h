/*
 * metrics.h - counters behind GET /metrics (SPEC §1.5), in the Prometheus
 * text format: requests by provider, method and outcome; vendor call
 * durations by provider; cache events.  Lock-free atomic counters: the
 * hot path pays one atomic add per figure.
 */
#ifndef FAL_METRICS_H
#define FAL_METRICS_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "route.h"

extern const char fal_metrics_content_type[];

/* Counts a device request answered with outcome e (provider may be NULL). */
void fal_metrics_request(const char *provider, enum fal_method method,
			 enum fal_err e);

/* Records one vendor dialogue of ms milliseconds. */
void fal_metrics_vendor_call(enum fal_provider_id id, long ms);

/* Renders every figure; *out is malloc'd.  0, or -1 when out of memory. */
int fal_metrics_render(char **out, size_t *len);

#endif
