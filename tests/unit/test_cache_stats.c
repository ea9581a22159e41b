/* test_cache_stats.c - the cache event counters, under concurrency too. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../lib/cache_stats.h"

#define THREADS 8
#define PER_THREAD 10000

static void *
count(void *arg)
{
	(void)arg;
	for (int i = 0; i < PER_THREAD; i++)
		fal_cache_stat_inc(FAL_CACHE_DISCOVERY);
	return NULL;
}

static void
test_counts_each_event_apart(void **state)
{
	unsigned long tokens = fal_cache_stat_get(FAL_CACHE_TOKEN_FETCHED);
	unsigned long disc = fal_cache_stat_get(FAL_CACHE_DISCOVERY);

	(void)state;
	fal_cache_stat_inc(FAL_CACHE_TOKEN_FETCHED);
	fal_cache_stat_inc(FAL_CACHE_TOKEN_FETCHED);
	assert_int_equal(fal_cache_stat_get(FAL_CACHE_TOKEN_FETCHED), tokens + 2);
	assert_int_equal(fal_cache_stat_get(FAL_CACHE_DISCOVERY), disc);
}

/*
 * An event out of range moves no counter (and, under the sanitizers,
 * writes nothing past the array).
 */
static void
test_out_of_range_counts_nothing(void **state)
{
	unsigned long before[FAL_CACHE__MAX];

	(void)state;
	for (int e = 0; e < FAL_CACHE__MAX; e++)
		before[e] = fal_cache_stat_get(e);
	fal_cache_stat_inc(FAL_CACHE__MAX);
	fal_cache_stat_inc((enum fal_cache_event)-1);
	for (int e = 0; e < FAL_CACHE__MAX; e++)
		assert_int_equal(fal_cache_stat_get(e), before[e]);
	assert_null(fal_cache_event_name(FAL_CACHE__MAX));
}

static void
test_no_count_lost_between_threads(void **state)
{
	unsigned long before = fal_cache_stat_get(FAL_CACHE_DISCOVERY);
	pthread_t t[THREADS];

	(void)state;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, count, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(fal_cache_stat_get(FAL_CACHE_DISCOVERY),
			 before + THREADS * PER_THREAD);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(fal_cache_event_name(FAL_CACHE_TOKEN_FETCHED),
			    "token_fetched");
	assert_string_equal(fal_cache_event_name(FAL_CACHE_DISCOVERY),
			    "discovery");
	assert_null(fal_cache_event_name(FAL_CACHE__MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_each_event_apart),
		cmocka_unit_test(test_out_of_range_counts_nothing),
		cmocka_unit_test(test_no_count_lost_between_threads),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("cache_stats", tests, NULL, NULL);
}
