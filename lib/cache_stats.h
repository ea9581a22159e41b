/*
 * cache_stats.h - counters of the process-wide vendor caches (the YMCS
 * token, the GRAPE/SRAPS discovery), for /metrics.  Lock-free: any worker
 * may count at any time.
 */
#ifndef FAL_CACHE_STATS_H
#define FAL_CACHE_STATS_H

enum fal_cache_event {
	FAL_CACHE_TOKEN_FETCHED,  /* a YMCS token was fetched from the vendor */
	FAL_CACHE_DISCOVERY,      /* a GRAPE/SRAPS discovery step succeeded */
	FAL_CACHE__MAX
};

/* Counts one event e. */
void fal_cache_stat_inc(enum fal_cache_event e);

/* How many events e were counted since start (0 for an unknown e). */
unsigned long fal_cache_stat_get(enum fal_cache_event e);

/* Metric label of e ("token_fetched", "discovery"), or NULL. */
const char *fal_cache_event_name(enum fal_cache_event e);

#endif
