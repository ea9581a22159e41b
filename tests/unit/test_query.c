/* test_query.c - lib/query.c: Gigaset's `crc` parameter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../api/query.h"
#include "../../lib/check.h"

/* Parses query, expects want, and on success the code ok. */
static void
check(const char *query, enum fal_err want, const char *ok)
{
	char out[5] = "XXXX";
	enum fal_err got = fal_crc_parse(query, out);

	if (got != want)
		fail_msg("query \"%s\": got %s, want %s", query ? query : "(null)",
			 fal_err_code(got), fal_err_code(want));
	if (want == FAL_OK)
		assert_string_equal(out, ok);
	else
		assert_string_equal(out, "");
}

static void
test_absent(void **state)
{
	(void)state;
	check(NULL, FAL_ERR_MISSING_CRC, NULL);
	check("", FAL_ERR_MISSING_CRC, NULL);
	check("a=b", FAL_ERR_MISSING_CRC, NULL);
	check("xcrc=ABCD", FAL_ERR_MISSING_CRC, NULL);
	check("crcx=ABCD", FAL_ERR_MISSING_CRC, NULL);
	check("CRC=ABCD", FAL_ERR_MISSING_CRC, NULL);
	check("crc", FAL_ERR_MISSING_CRC, NULL);
}

static void
test_empty(void **state)
{
	(void)state;
	check("crc=", FAL_ERR_MISSING_CRC, NULL);
	check("crc=&a=b", FAL_ERR_MISSING_CRC, NULL);
	check("a=b&crc=", FAL_ERR_MISSING_CRC, NULL);
}

static void
test_valid_upper_cased(void **state)
{
	(void)state;
	check("crc=ABCD", FAL_OK, "ABCD");
	check("crc=ab1z", FAL_OK, "AB1Z");
	check("crc=0a9Z", FAL_OK, "0A9Z");
}

static void
test_wrong_length(void **state)
{
	(void)state;
	check("crc=ABC", FAL_ERR_INVALID_CRC, NULL);
	check("crc=ABCDE", FAL_ERR_INVALID_CRC, NULL);
	check("crc=A", FAL_ERR_INVALID_CRC, NULL);
	check("crc=ABCDABCDABCDABCDABCD", FAL_ERR_INVALID_CRC, NULL);
}

static void
test_non_alnum(void **state)
{
	(void)state;
	check("crc=AB-C", FAL_ERR_INVALID_CRC, NULL);
	check("crc=AB_C", FAL_ERR_INVALID_CRC, NULL);
	check("crc=AB+C", FAL_ERR_INVALID_CRC, NULL);
	check("crc=AB%20C", FAL_ERR_INVALID_CRC, NULL);
	check("crc=AB%00C", FAL_ERR_INVALID_CRC, NULL);
	check("crc=AB%C3%A9", FAL_ERR_INVALID_CRC, NULL);
	check("crc=ABC=", FAL_ERR_INVALID_CRC, NULL);
	check("crc=%4", FAL_ERR_INVALID_CRC, NULL);
}

static void
test_percent_encoded(void **state)
{
	(void)state;
	check("crc=%41%42%43%44", FAL_OK, "ABCD");
	check("crc=a%62c%64", FAL_OK, "ABCD");
	check("crc=%31%32%33%34", FAL_OK, "1234");
}

static void
test_among_other_params(void **state)
{
	(void)state;
	check("a=1&crc=abcd&b=2", FAL_OK, "ABCD");
	check("x=crc=ZZZZ&crc=wxyz", FAL_OK, "WXYZ");
	check("crc&crc=wxyz", FAL_OK, "WXYZ");
}

static void
test_first_of_two(void **state)
{
	(void)state;
	check("crc=abcd&crc=wxyz", FAL_OK, "ABCD");
	check("crc=bad&crc=ABCD", FAL_ERR_INVALID_CRC, NULL);
	check("crc=&crc=ABCD", FAL_ERR_MISSING_CRC, NULL);
}

/* The value check batches use on a CSV or JSON crc field. */
static void
test_crc_check_value(void **state)
{
	char out[5];

	(void)state;
	assert_int_equal(fal_crc_check(NULL, out), FAL_ERR_MISSING_CRC);
	assert_int_equal(fal_crc_check("", out), FAL_ERR_MISSING_CRC);
	assert_int_equal(fal_crc_check("ab1z", out), FAL_OK);
	assert_string_equal(out, "AB1Z");
	assert_int_equal(fal_crc_check("AB1", out), FAL_ERR_INVALID_CRC);
	assert_int_equal(fal_crc_check("AB1Z2", out), FAL_ERR_INVALID_CRC);
	assert_int_equal(fal_crc_check("AB-Z", out), FAL_ERR_INVALID_CRC);
	assert_string_equal(out, "");
}

/* Plain parameters: decoded, the first wins, a bare name is "". */
static void
test_query_get(void **state)
{
	char *v;
	int oom;

	(void)state;
	assert_null(fal_query_get(NULL, "action", &oom));
	assert_null(fal_query_get("xaction=check", "action", &oom));
	assert_int_equal(oom, 0);
	v = fal_query_get("a=1&action=de%72egister&action=check", "action", &oom);
	assert_string_equal(v, "deregister");
	free(v);
	v = fal_query_get("action", "action", NULL);
	assert_string_equal(v, "");
	free(v);
	v = fal_query_get("limit=10", "limit", NULL);
	assert_string_equal(v, "10");
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_crc_check_value),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_valid_upper_cased),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_non_alnum),
		cmocka_unit_test(test_percent_encoded),
		cmocka_unit_test(test_among_other_params),
		cmocka_unit_test(test_first_of_two),
	};

	return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
