/* test_retry.c - batch/retry.c: which failures retry, and the backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../batch/retry.h"

/* SPEC §6.5: three passing failures; every other outcome is final. */
static void
test_retryable_codes(void **state)
{
	(void)state;
	for (int e = 0; e < FAL_ERR__MAX; e++) {
		bool want = e == FAL_ERR_CONNECTION_FAILED ||
			    e == FAL_ERR_READ_RESPONSE_FAILED ||
			    e == FAL_ERR_REMOTE_CALL_FAILED;
		if (fal_retry_retryable(e) != want)
			fail_msg("%s: retryable %d", fal_err_code(e), !want);
	}
}

/* rnd 0.5 is no jitter: 1000, 2000, 4000, 8000. */
static void
test_doubles(void **state)
{
	(void)state;
	assert_int_equal(fal_retry_delay_ms(1000, 1, 0.5, -1), 1000);
	assert_int_equal(fal_retry_delay_ms(1000, 2, 0.5, -1), 2000);
	assert_int_equal(fal_retry_delay_ms(1000, 3, 0.5, -1), 4000);
	assert_int_equal(fal_retry_delay_ms(1000, 4, 0.5, -1), 8000);
	assert_int_equal(fal_retry_delay_ms(250, 3, 0.5, -1), 1000);
}

/* The jitter spans ±20 %. */
static void
test_jitter_bounds(void **state)
{
	(void)state;
	assert_int_equal(fal_retry_delay_ms(1000, 1, 0.0, -1), 800);
	assert_in_range(fal_retry_delay_ms(1000, 1, 0.999999, -1), 1199, 1200);
	assert_in_range(fal_retry_delay_ms(1000, 2, 0.25, -1), 1799, 1800);
}

/* At most 5 minutes, however many attempts, jitter included. */
static void
test_cap(void **state)
{
	(void)state;
	assert_int_equal(fal_retry_delay_ms(1000, 30, 0.999, -1), FAL_RETRY_CAP_MS);
	assert_int_equal(fal_retry_delay_ms(1000, 1000000, 0.5, -1), FAL_RETRY_CAP_MS);
	assert_int_equal(fal_retry_delay_ms(1000, 9, 0.5, -1), 256000);
}

/* Retry-After wins only when longer, and is bounded too. */
static void
test_retry_after(void **state)
{
	(void)state;
	assert_int_equal(fal_retry_delay_ms(1000, 1, 0.5, 5000), 5000);
	assert_int_equal(fal_retry_delay_ms(1000, 4, 0.5, 5000), 8000);
	assert_int_equal(fal_retry_delay_ms(1000, 1, 0.5, 0), 1000);
	assert_int_equal(fal_retry_delay_ms(1000, 1, 0.5, 86400000L),
			 FAL_RETRY_AFTER_MAX_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retryable_codes),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_jitter_bounds),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_retry_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
