/*
 * test_http_header.c - lib/http_header.c: looking a field up among the
 * header fields curl parsed ("Name: value" lines), a repeated field's
 * values combined in order (RFC 9110 §5.3), and freeing an answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/http.h"

static const char fields[] =
	"Content-Type: text/xml; charset=utf-8\n"
	"X-Twice: first\n"
	"Link: <https://api.example/settings/?page=9>; rel=\"last\"\n"
	"x-twice: second\n"
	"X-Empty: \n"
	"LINK: <https://api.example/settings/?page=2>; rel=\"next\"\n"
	"Content-Length: 12\n";

/* A response whose header fields are a copy of h. */
static struct fal_http_resp
resp_with(const char *h)
{
	struct fal_http_resp r;

	memset(&r, 0, sizeof(r));
	r.headers = strdup(h);
	assert_non_null(r.headers);
	return r;
}

static void
test_case_insensitive(void **state)
{
	struct fal_http_resp r = resp_with(fields);
	char v[256];

	(void)state;
	assert_int_equal(fal_http_header(&r, "content-type", v, sizeof(v)), 0);
	assert_string_equal(v, "text/xml; charset=utf-8");
	assert_int_equal(fal_http_header(&r, "CONTENT-LENGTH", v, sizeof(v)), 0);
	assert_string_equal(v, "12");
	fal_http_resp_free(&r);
}

/* Every field of that name, in the order sent, joined by ", ". */
static void
test_repeated_fields_combined(void **state)
{
	struct fal_http_resp r = resp_with(fields);
	char v[256];

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Twice", v, sizeof(v)), 0);
	assert_string_equal(v, "first, second");
	assert_int_equal(fal_http_header(&r, "Link", v, sizeof(v)), 0);
	assert_string_equal(v,
		"<https://api.example/settings/?page=9>; rel=\"last\", "
		"<https://api.example/settings/?page=2>; rel=\"next\"");
	fal_http_resp_free(&r);
}

static void
test_absent_and_prefix(void **state)
{
	struct fal_http_resp r = resp_with(fields);
	char v[64] = "untouched";

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Missing", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(&r, "Content", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(&r, "X-Twice-More", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(&r, "X-Empty", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	fal_http_resp_free(&r);
}

static void
test_truncation(void **state)
{
	struct fal_http_resp r = resp_with(fields);
	char v[8];

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Twice", v, sizeof(v)), 0);
	assert_string_equal(v, "first, ");
	assert_int_equal(fal_http_header(&r, "X-Twice", v, 1), 0);
	assert_string_equal(v, "");
	fal_http_resp_free(&r);
}

static void
test_presence_only(void **state)
{
	struct fal_http_resp r = resp_with(fields);

	(void)state;
	assert_int_equal(fal_http_header(&r, "link", NULL, 0), 0);
	assert_int_equal(fal_http_header(&r, "nope", NULL, 0), -1);
	fal_http_resp_free(&r);
}

/* CRLF line ends (scripted answers in the provider tests) read the same. */
static void
test_crlf_and_no_headers(void **state)
{
	struct fal_http_resp r = resp_with("X-A: 1\r\nX-A: 2\r\n");
	char v[16];

	(void)state;
	assert_int_equal(fal_http_header(&r, "x-a", v, sizeof(v)), 0);
	assert_string_equal(v, "1, 2");
	fal_http_resp_free(&r);
	r = resp_with("");
	assert_int_equal(fal_http_header(&r, "x-a", v, sizeof(v)), -1);
	fal_http_resp_free(&r);
	memset(&r, 0, sizeof(r));
	assert_int_equal(fal_http_header(&r, "x-a", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(NULL, "x-a", v, sizeof(v)), -1);
}

static void
test_resp_free(void **state)
{
	struct fal_http_resp r = resp_with(fields);

	(void)state;
	r.body = strdup("body");
	fal_http_resp_free(&r);
	assert_null(r.body);
	assert_null(r.headers);
	fal_http_resp_free(&r);
	fal_http_resp_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_repeated_fields_combined),
		cmocka_unit_test(test_absent_and_prefix),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_presence_only),
		cmocka_unit_test(test_crlf_and_no_headers),
		cmocka_unit_test(test_resp_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
