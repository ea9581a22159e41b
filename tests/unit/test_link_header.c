/* test_link_header.c - finding rel="next" in a Link header (RFC 8288). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../providers/link_header.h"

/* The next target of value, or NULL when there is none. */
static const char *
next_of(const char *value)
{
	static char out[256];

	return fal_link_next(value, out, sizeof(out)) == 0 ? out : NULL;
}

static void
test_single_next(void **state)
{
	(void)state;
	assert_string_equal(next_of("<https://a.example/s/?page=2>; rel=\"next\""),
			    "https://a.example/s/?page=2");
	assert_string_equal(next_of("<https://a.example/s/?page=2>;rel=next"),
			    "https://a.example/s/?page=2");
	assert_string_equal(next_of("  </s/?page=2> ; REL = \"Next\"  "),
			    "/s/?page=2");
}

/* GitHub and DRF style: several links, next among them, in any order. */
static void
test_next_among_others(void **state)
{
	(void)state;
	assert_string_equal(next_of(
	    "<https://a.example/s?page=1>; rel=\"prev\", "
	    "<https://a.example/s?page=3>; rel=\"next\", "
	    "<https://a.example/s?page=9>; rel=\"last\""),
	    "https://a.example/s?page=3");
	assert_string_equal(next_of(
	    "<https://a.example/x>; title=\"a, b; c\"; rel=\"next\""),
	    "https://a.example/x");
	/* Several relation types in one rel. */
	assert_string_equal(next_of("<https://a.example/l>; rel=\"last next\""),
			    "https://a.example/l");
	/* A comma inside a target does not split it. */
	assert_string_equal(next_of("<https://a.example/s?x=1,2>; rel=\"next\""),
			    "https://a.example/s?x=1,2");
}

static void
test_no_next(void **state)
{
	(void)state;
	assert_null(next_of(""));
	assert_null(next_of("<https://a.example/s?page=1>; rel=\"prev\""));
	assert_null(next_of("<https://a.example/s>; rel=\"nextpage\""));
	assert_null(next_of("<https://a.example/s>; title=\"next\""));
	assert_null(next_of("<https://a.example/s>; anchor; rev=\"next\""));
}

static void
test_malformed(void **state)
{
	(void)state;
	assert_null(next_of("https://a.example/s; rel=\"next\""));
	assert_null(next_of("<https://a.example/s; rel=\"next\""));
	assert_null(next_of("<https://a.example/s>; rel=\"next"));
	assert_null(next_of("<https://a.example/s>; =x; rel=next"));
	assert_null(next_of("<https://a.example/s> junk; rel=next"));
}

static void
test_too_long_for_buffer(void **state)
{
	char small[8];

	(void)state;
	assert_int_equal(fal_link_next("<https://a.example/s>; rel=next",
				       small, sizeof(small)), -1);
	assert_int_equal(fal_link_next("</s>; rel=next", small, sizeof(small)), 0);
	assert_string_equal(small, "/s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_next),
		cmocka_unit_test(test_next_among_others),
		cmocka_unit_test(test_no_next),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_long_for_buffer),
	};

	return cmocka_run_group_tests_name("link_header", tests, NULL, NULL);
}
