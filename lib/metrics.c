/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cache_stats.h"

const char fal_metrics_content_type[] = "text/plain; version=0.0.4";

/* Upper bounds of the duration histogram's buckets, in seconds. */
static const double buckets[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

#define NONE FAL_METRICS_VENDORS

/* Index NONE holds requests naming no known provider. */
static atomic_ulong requests[NONE + 1][FAL_METHOD__MAX][FAL_ERR__MAX];
static atomic_ulong duration_buckets[NONE][NBUCKETS];
static atomic_ulong duration_count[NONE];
static atomic_ulong duration_sum_ms[NONE];

void
fal_metrics_request(size_t id, enum fal_method method, enum fal_err e)
{
	if (id > NONE)
		id = NONE;
	if ((unsigned)method >= FAL_METHOD__MAX || (unsigned)e >= FAL_ERR__MAX)
		return;
	atomic_fetch_add_explicit(&requests[id][method][e], 1,
				  memory_order_relaxed);
}

void
fal_metrics_vendor_call(size_t id, long ms)
{
	if (id >= NONE || ms < 0)
		return;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (ms <= buckets[b] * 1000)
			atomic_fetch_add_explicit(&duration_buckets[id][b], 1,
						  memory_order_relaxed);
	atomic_fetch_add_explicit(&duration_count[id], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&duration_sum_ms[id], (unsigned long)ms,
				  memory_order_relaxed);
}

static unsigned long
get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

/* The label of vendor id: its name, "" for none. */
static const char *
label(const struct fal_config_vendor *vendors, size_t n, size_t id)
{
	return id < n ? vendors[id].name : "";
}

static void
render_requests(FILE *f, const struct fal_config_vendor *vendors, size_t n)
{
	fputs("# HELP falconieri_requests_total Device requests by provider, "
	      "method and outcome code.\n"
	      "# TYPE falconieri_requests_total counter\n", f);
	for (size_t id = 0; id <= NONE; id++)
		for (int m = 0; m < FAL_METHOD__MAX; m++)
			for (int e = 0; e < FAL_ERR__MAX; e++) {
				unsigned long count = get(&requests[id][m][e]);
				if (count == 0)
					continue;
				fprintf(f, "falconieri_requests_total{provider=\"%s\","
					"method=\"%s\",code=\"%s\"} %lu\n",
					label(vendors, n, id),
					fal_method_name(m), fal_err_code(e), count);
			}
}

static void
render_durations(FILE *f, const struct fal_config_vendor *vendors, size_t n)
{
	fputs("# HELP falconieri_vendor_call_duration_seconds Time spent in "
	      "one vendor dialogue.\n"
	      "# TYPE falconieri_vendor_call_duration_seconds histogram\n", f);
	for (size_t id = 0; id < n; id++) {
		const char *p = vendors[id].name;
		for (size_t b = 0; b < NBUCKETS; b++)
			fprintf(f, "falconieri_vendor_call_duration_seconds_bucket"
				"{provider=\"%s\",le=\"%g\"} %lu\n", p, buckets[b],
				get(&duration_buckets[id][b]));
		fprintf(f, "falconieri_vendor_call_duration_seconds_bucket"
			"{provider=\"%s\",le=\"+Inf\"} %lu\n", p,
			get(&duration_count[id]));
		fprintf(f, "falconieri_vendor_call_duration_seconds_sum"
			"{provider=\"%s\"} %.3f\n", p,
			get(&duration_sum_ms[id]) / 1000.0);
		fprintf(f, "falconieri_vendor_call_duration_seconds_count"
			"{provider=\"%s\"} %lu\n", p, get(&duration_count[id]));
	}
}

static void
render_cache(FILE *f)
{
	fputs("# HELP falconieri_cache_events_total Vendor state fetched and "
	      "cached: OAuth2 tokens, discovered links.\n"
	      "# TYPE falconieri_cache_events_total counter\n", f);
	for (int ev = 0; ev < FAL_CACHE__MAX; ev++)
		fprintf(f, "falconieri_cache_events_total{event=\"%s\"} %lu\n",
			fal_cache_event_name(ev), fal_cache_stat_get(ev));
}

int
fal_metrics_render(const struct fal_config_vendor *vendors, size_t n,
		   char **out, size_t *len)
{
	FILE *f;

	if (n > NONE)
		n = NONE;
	if ((f = open_memstream(out, len)) == NULL)
		return -1;
	render_requests(f, vendors, n);
	render_durations(f, vendors, n);
	render_cache(f);
	return fclose(f) == 0 ? 0 : -1;
}
