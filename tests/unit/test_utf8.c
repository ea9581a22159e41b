/* test_utf8.c - lib/utf8.c: well-formed UTF-8 (RFC 3629). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../lib/utf8.h"

static bool
valid(const char *s)
{
	return fal_utf8_valid(s, strlen(s));
}

static void
test_well_formed(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("provider,mac"));
	assert_true(valid("caf\xc3\xa9"));                /* é */
	assert_true(valid("\xe2\x82\xac"));               /* € */
	assert_true(valid("\xf0\x9f\x93\x9e"));           /* U+1F4DE */
	assert_true(valid("\xef\xbb\xbfprovider"));       /* BOM */
	assert_true(valid("\xf4\x8f\xbf\xbf"));           /* U+10FFFF */
}

static void
test_ill_formed(void **state)
{
	(void)state;
	assert_false(valid("\xff"));
	assert_false(valid("caf\xe9"));                   /* Latin-1 é */
	assert_false(valid("\xc0\xaf"));                  /* overlong / */
	assert_false(valid("\xe0\x80\xaf"));              /* overlong */
	assert_false(valid("\xed\xa0\x80"));              /* surrogate */
	assert_false(valid("\xf4\x90\x80\x80"));          /* > U+10FFFF */
	assert_false(valid("\xe2\x82"));                  /* cut off */
	assert_false(valid("\x80"));                      /* lone continuation */
	/* A cut at the very end is seen with an exact length. */
	assert_false(fal_utf8_valid("\xc3\xa9", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_ill_formed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
