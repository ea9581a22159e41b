/*
 * metrics.h - counters behind GET /metrics (SPEC §1.5), in the Prometheus
 * text format: requests by provider, method and outcome; vendor call
 * durations by provider; cache events.  Lock-free atomic counters: the
 * hot path pays one atomic add per figure.  Providers are counted by
 * their index in the vendor rows (struct fal_config_vendor), which
 * rendering is handed for their names: this library knows no vendor.
 */
#ifndef FAL_METRICS_H
#define FAL_METRICS_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "method.h"

/* Room for this many vendors; index FAL_METRICS_VENDORS means "none". */
#define FAL_METRICS_VENDORS 32

extern const char fal_metrics_content_type[];

/* Counts a device request answered with outcome e (id out of range: none). */
void fal_metrics_request(size_t id, enum fal_method method, enum fal_err e);

/* Records one vendor dialogue of vendor id, ms milliseconds. */
void fal_metrics_vendor_call(size_t id, long ms);

/*
 * Renders every figure, the n vendors (n <= FAL_METRICS_VENDORS) named by
 * their rows; *out is malloc'd.  0, or -1 when out of memory.
 */
int fal_metrics_render(const struct fal_config_vendor *vendors, size_t n,
		       char **out, size_t *len);

#endif
