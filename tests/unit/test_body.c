/* test_body.c - fal_body_parse(): SPEC §1.1, the JSON body of a PUT. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/body.h"
#include "../../lib/url.h"

/*
 * Parses len bytes of s from a buffer of exactly that size, so that ASan
 * sees any read past the body (it is not NUL-terminated on the wire).
 */
static enum fal_err
parse_n(const char *s, size_t len, struct fal_body *b)
{
	char *buf = malloc(len ? len : 1);
	enum fal_err rc;

	assert_non_null(buf);
	memcpy(buf, s, len);
	rc = fal_body_parse(buf, len, b);
	free(buf);
	return rc;
}

static enum fal_err
parse(const char *s, struct fal_body *b)
{
	return parse_n(s, strlen(s), b);
}

static void
missing_url(const char *s)
{
	struct fal_body b;

	assert_int_equal(parse(s, &b), FAL_ERR_MISSING_URL);
	assert_null(b.url);
	assert_null(b.sn);
}

/* Parses s, which must hold url want, and returns with sn checked. */
static void
url_is(const char *s, const char *want)
{
	struct fal_body b;

	assert_int_equal(parse(s, &b), FAL_OK);
	assert_string_equal(b.url, want);
	assert_null(b.sn);
	assert_int_equal(b.sn_err, FAL_OK);
	fal_body_free(&b);
}

static void
sn_is(const char *s, const char *want, enum fal_err want_err)
{
	struct fal_body b;

	assert_int_equal(parse(s, &b), FAL_OK);
	assert_string_equal(b.url, "http://h/");
	assert_int_equal(b.sn_err, want_err);
	if (want == NULL)
		assert_null(b.sn);
	else
		assert_string_equal(b.sn, want);
	fal_body_free(&b);
}

static void
test_spec_example(void **state)
{
	(void)state;
	url_is("{\"url\":\"https://pbx.example.com/provisioning/\"}",
	       "https://pbx.example.com/provisioning/");
}

/* The URL is handed on as given: JSON escapes undone, nothing else. */
static void
test_url_kept(void **state)
{
	(void)state;
	url_is(" {\n\t\"url\" : \"HTTP://h/a?b=c&d=%20e+f\" } \r\n",
	       "HTTP://h/a?b=c&d=%20e+f");
	url_is("{\"url\":\"http:\\/\\/h\\/x\"}", "http://h/x");
	url_is("{\"other\":[1,{\"url\":3}],\"url\":\"ftp://h/\"}", "ftp://h/");
	url_is("{\"url\":\" \"}", " ");
}

static void
test_missing_url(void **state)
{
	struct fal_body b;

	(void)state;
	assert_int_equal(fal_body_parse(NULL, 0, &b), FAL_ERR_MISSING_URL);
	assert_int_equal(parse_n("{}", 0, &b), FAL_ERR_MISSING_URL);
	missing_url(" ");
	missing_url("{}");
	missing_url("{\"URL\":\"http://h/\"}");
	missing_url("{\"url\":\"\"}");
	missing_url("{\"url\":null}");
	missing_url("{\"url\":1}");
	missing_url("{\"url\":true}");
	missing_url("{\"url\":[\"http://h/\"]}");
	missing_url("{\"url\":{\"a\":\"http://h/\"}}");
	missing_url("{\"sn\":\"ABC\"}");
}

static void
test_not_an_object(void **state)
{
	(void)state;
	missing_url("[\"http://h/\"]");
	missing_url("[{\"url\":\"http://h/\"}]");
	missing_url("\"http://h/\"");
	missing_url("null");
	missing_url("42");
	missing_url("url=http://h/");
}

static void
test_not_json(void **state)
{
	(void)state;
	missing_url("{\"url\":\"http://h/\"");
	missing_url("{\"url\":\"http://h/}");
	missing_url("{url:\"http://h/\"}");
	missing_url("{\"url\":'http://h/'}");
	missing_url("{\"url\":\"http://h/\",}");
	missing_url("{\"url\":\"http://h/\"}x");
	missing_url("{\"url\":\"http://h/\"}{}");
	missing_url("{\"url\":\"http://h/\"}\x01");
}

/* Bytes after len are not part of the body. */
static void
test_length_bounds(void **state)
{
	const char *s = "{\"url\":\"http://h/\"}garbage";
	struct fal_body b;

	(void)state;
	assert_int_equal(parse_n(s, 19, &b), FAL_OK);
	assert_string_equal(b.url, "http://h/");
	fal_body_free(&b);
	assert_int_equal(parse_n(s, 18, &b), FAL_ERR_MISSING_URL);
	assert_int_equal(parse_n(s, 12, &b), FAL_ERR_MISSING_URL);
}

/* "\u0000" must not cut the URL short: the result fails the URL check. */
static void
test_url_with_nul(void **state)
{
	static const char raw[] = "{\"url\":\"http://h/\0junk\"}";
	struct fal_body b;

	(void)state;
	assert_int_equal(parse("{\"url\":\"http://h/\\u0000junk\"}", &b), FAL_OK);
	assert_non_null(b.url);
	assert_string_not_equal(b.url, "http://h/");
	assert_int_equal(fal_url_check(b.url), FAL_ERR_UNPARSABLE_URL);
	fal_body_free(&b);

	assert_int_equal(parse_n(raw, sizeof(raw) - 1, &b), FAL_OK);
	assert_string_not_equal(b.url, "http://h/");
	assert_int_equal(fal_url_check(b.url), FAL_ERR_UNPARSABLE_URL);
	fal_body_free(&b);

	/* A raw NUL right after a backslash is replaced too: not JSON. */
	assert_int_equal(parse_n("{\"url\":\"h\\\0\"}", 13, &b),
			 FAL_ERR_MISSING_URL);

	/* Only a NUL: not an empty URL (missing_url), but no URL either. */
	assert_int_equal(parse("{\"url\":\"\\u0000\"}", &b), FAL_OK);
	assert_int_equal(fal_url_check(b.url), FAL_ERR_UNSUPPORTED_URL_SCHEME);
	fal_body_free(&b);
}

/* An escaped backslash before "u0000" is no NUL and is left alone. */
static void
test_escaped_backslash(void **state)
{
	(void)state;
	url_is("{\"url\":\"a\\\\u0000\"}", "a\\u0000");
}

/* "url\u0000x" is another key, not "url". */
static void
test_key_with_nul(void **state)
{
	(void)state;
	missing_url("{\"url\\u0000x\":\"http://h/\"}");
}

static void
test_sn_absent(void **state)
{
	(void)state;
	sn_is("{\"url\":\"http://h/\"}", NULL, FAL_OK);
}

static void
test_sn_valid(void **state)
{
	(void)state;
	sn_is("{\"url\":\"http://h/\",\"sn\":\"3036-1234 ABC~\"}",
	      "3036-1234 ABC~", FAL_OK);
	sn_is("{\"sn\":\"X\",\"url\":\"http://h/\"}", "X", FAL_OK);
	sn_is("{\"url\":\"http://h/\",\"sn\":\" !\\\"#}~\"}", " !\"#}~", FAL_OK);
	sn_is("{\"url\":\"http://h/\",\"sn\":"
	      "\"1234567890123456789012345678901234567890123456789012345678901234\"}",
	      "1234567890123456789012345678901234567890123456789012345678901234",
	      FAL_OK);
}

static void
test_sn_malformed(void **state)
{
	const enum fal_err bad = FAL_ERR_MALFORMED_SERIAL;

	(void)state;
	sn_is("{\"url\":\"http://h/\",\"sn\":\"\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":"
	      "\"12345678901234567890123456789012345678901234567890123456789012345\"}",
	      NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":123}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":null}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":true}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":[\"A\"]}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":{}}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"AB\\nC\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"AB\\tC\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"AB\\u007fC\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"caf\\u00e9\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"caf\xc3\xa9\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"AB\\u0000C\"}", NULL, bad);
	sn_is("{\"url\":\"http://h/\",\"sn\":\"\\u0000\"}", NULL, bad);
}

static void
test_free_twice(void **state)
{
	struct fal_body b;

	(void)state;
	assert_int_equal(parse("{\"url\":\"http://h/\",\"sn\":\"A\"}", &b), FAL_OK);
	fal_body_free(&b);
	assert_null(b.url);
	assert_null(b.sn);
	fal_body_free(&b);
	fal_body_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_url_kept),
		cmocka_unit_test(test_missing_url),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_length_bounds),
		cmocka_unit_test(test_url_with_nul),
		cmocka_unit_test(test_escaped_backslash),
		cmocka_unit_test(test_key_with_nul),
		cmocka_unit_test(test_sn_absent),
		cmocka_unit_test(test_sn_valid),
		cmocka_unit_test(test_sn_malformed),
		cmocka_unit_test(test_free_twice),
	};

	return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}
