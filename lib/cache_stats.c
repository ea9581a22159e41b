/* cache_stats.c - see cache_stats.h. */
#include "cache_stats.h"

#include <stdatomic.h>
#include <stddef.h>

static atomic_ulong counters[FAL_CACHE__MAX];

static const char *const names[FAL_CACHE__MAX] = {
	"token_fetched",  /* FAL_CACHE_TOKEN_FETCHED */
	"discovery",      /* FAL_CACHE_DISCOVERY */
};

void
fal_cache_stat_inc(enum fal_cache_event e)
{
	if ((unsigned)e < FAL_CACHE__MAX)
		atomic_fetch_add_explicit(&counters[e], 1, memory_order_relaxed);
}

unsigned long
fal_cache_stat_get(enum fal_cache_event e)
{
	if ((unsigned)e >= FAL_CACHE__MAX)
		return 0;
	return atomic_load_explicit(&counters[e], memory_order_relaxed);
}

const char *
fal_cache_event_name(enum fal_cache_event e)
{
	return (unsigned)e < FAL_CACHE__MAX ? names[e] : NULL;
}
