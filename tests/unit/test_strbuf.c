/* test_strbuf.c - fal_strbuf: pieces put together, cut where they overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/strbuf.h"

static void
test_pieces(void **state)
{
	char buf[64];
	struct fal_strbuf b = fal_strbuf_init(buf, sizeof(buf));

	(void)state;
	assert_string_equal(buf, "");
	fal_strbuf_put(&b, "status=");
	fal_strbuf_num(&b, 200);
	fal_strbuf_put(&b, NULL);
	fal_strbuf_put(&b, " ms=");
	fal_strbuf_num(&b, -1);
	fal_strbuf_put(&b, "");
	assert_string_equal(buf, "status=200 ms=-1");
	assert_int_equal(b.len, strlen(buf));
	assert_false(b.overflow);
}

/* Every number reads as printf's %lld gives it. */
static void
test_numbers(void **state)
{
	static const long long nums[] = {
		0, 7, -7, 10, 99, 100, -100, 1234567890123LL, LLONG_MAX,
		LLONG_MIN, LLONG_MIN + 1,
	};
	char buf[32], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		struct fal_strbuf b = fal_strbuf_init(buf, sizeof(buf));

		fal_strbuf_num(&b, nums[i]);
		snprintf(want, sizeof(want), "%lld", nums[i]);
		assert_string_equal(buf, want);
		assert_false(b.overflow);
	}
}

/* What does not fit is cut, flagged, and the text stays terminated. */
static void
test_overflow(void **state)
{
	char buf[8];
	struct fal_strbuf b = fal_strbuf_init(buf, sizeof(buf));

	(void)state;
	fal_strbuf_put(&b, "abcde");
	assert_false(b.overflow);
	fal_strbuf_put(&b, "fg");
	assert_false(b.overflow);
	assert_string_equal(buf, "abcdefg");
	fal_strbuf_put(&b, "h");
	assert_true(b.overflow);
	assert_string_equal(buf, "abcdefg");
	b = fal_strbuf_init(buf, sizeof(buf));
	fal_strbuf_put(&b, "x=");
	fal_strbuf_num(&b, 123456789);
	assert_true(b.overflow);
	assert_string_equal(buf, "x=12345");
	assert_int_equal(b.len, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
