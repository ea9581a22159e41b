/*
 * test_http_header.c - lib/http_header.c: finding a header in an answer's
 * raw header block, and freeing an answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../lib/http.h"

static const char block[] =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/xml; charset=utf-8\r\n"
	"X-Twice: first\r\n"
	"Link: <https://api.example/settings/?page=2>; rel=\"next\"\r\n"
	"x-twice: second\r\n"
	"X-Folded: part one\r\n"
	"\t part two \r\n"
	"  part three\r\n"
	"X-Empty:\r\n"
	"X-Spaces:   padded value \t\r\n"
	"Content-Length: 12\r\n"
	"\r\n";

/* A response whose header block is a copy of h. */
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
	struct fal_http_resp r = resp_with(block);
	char v[128];

	(void)state;
	assert_int_equal(fal_http_header(&r, "content-type", v, sizeof(v)), 0);
	assert_string_equal(v, "text/xml; charset=utf-8");
	assert_int_equal(fal_http_header(&r, "CONTENT-LENGTH", v, sizeof(v)), 0);
	assert_string_equal(v, "12");
	assert_int_equal(fal_http_header(&r, "LiNk", v, sizeof(v)), 0);
	assert_string_equal(v, "<https://api.example/settings/?page=2>; rel=\"next\"");
	fal_http_resp_free(&r);
}

static void
test_first_of_two(void **state)
{
	struct fal_http_resp r = resp_with(block);
	char v[64];

	(void)state;
	assert_int_equal(fal_http_header(&r, "x-twice", v, sizeof(v)), 0);
	assert_string_equal(v, "first");
	fal_http_resp_free(&r);
}

static void
test_absent(void **state)
{
	struct fal_http_resp r = resp_with(block);
	char v[64] = "untouched";

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Missing", v, sizeof(v)), -1);
	/* a prefix of a name is not the name */
	assert_int_equal(fal_http_header(&r, "Content", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(&r, "X-Twic", v, sizeof(v)), -1);
	/* nor is a longer one */
	assert_int_equal(fal_http_header(&r, "Content-Types", v, sizeof(v)), -1);
	/* the status line is no header */
	assert_int_equal(fal_http_header(&r, "HTTP/1.1 200 OK", v, sizeof(v)), -1);
	/* a folded line does not start a field */
	assert_int_equal(fal_http_header(&r, "part two", v, sizeof(v)), -1);
	assert_string_equal(v, "untouched");
	fal_http_resp_free(&r);
}

/* Nothing after the blank line that ends the block is a header. */
static void
test_stops_at_blank_line(void **state)
{
	struct fal_http_resp r = resp_with("HTTP/1.1 200 OK\r\nA: 1\r\n\r\nB: 2\r\n");
	char v[16];

	(void)state;
	assert_int_equal(fal_http_header(&r, "A", v, sizeof(v)), 0);
	assert_int_equal(fal_http_header(&r, "B", v, sizeof(v)), -1);
	fal_http_resp_free(&r);
}

static void
test_whitespace_trimmed_and_empty(void **state)
{
	struct fal_http_resp r = resp_with(block);
	char v[64];

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Spaces", v, sizeof(v)), 0);
	assert_string_equal(v, "padded value");
	assert_int_equal(fal_http_header(&r, "X-Empty", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	fal_http_resp_free(&r);
}

/* Obsolete line folding joins the lines with one space; CRs never show. */
static void
test_continuation_lines(void **state)
{
	struct fal_http_resp r = resp_with(block);
	char v[64];

	(void)state;
	assert_int_equal(fal_http_header(&r, "X-Folded", v, sizeof(v)), 0);
	assert_string_equal(v, "part one part two part three");
	assert_null(strchr(v, '\r'));
	fal_http_resp_free(&r);
}

/* Bare LF line ends, as some servers send, work as well. */
static void
test_lf_only(void **state)
{
	struct fal_http_resp r = resp_with("HTTP/1.0 200 OK\nA: one\nB:two\n\n");
	char v[16];

	(void)state;
	assert_int_equal(fal_http_header(&r, "a", v, sizeof(v)), 0);
	assert_string_equal(v, "one");
	assert_int_equal(fal_http_header(&r, "b", v, sizeof(v)), 0);
	assert_string_equal(v, "two");
	fal_http_resp_free(&r);
}

/* The last line needs no line end. */
static void
test_unterminated_block(void **state)
{
	struct fal_http_resp r = resp_with("HTTP/1.1 200 OK\r\nA: end");
	char v[16];

	(void)state;
	assert_int_equal(fal_http_header(&r, "A", v, sizeof(v)), 0);
	assert_string_equal(v, "end");
	fal_http_resp_free(&r);
}

static void
test_truncation(void **state)
{
	struct fal_http_resp r = resp_with(block);
	char v[8];

	(void)state;
	memset(v, 'x', sizeof(v));
	assert_int_equal(fal_http_header(&r, "Content-Type", v, 5), 0);
	assert_string_equal(v, "text");
	assert_int_equal(v[5], 'x');   /* nothing written past outlen */
	assert_int_equal(fal_http_header(&r, "Content-Type", v, 1), 0);
	assert_string_equal(v, "");
	/* truncation inside a folded value */
	assert_int_equal(fal_http_header(&r, "X-Folded", v, sizeof(v)), 0);
	assert_string_equal(v, "part on");
	fal_http_resp_free(&r);
}

/* With no room, only presence is reported. */
static void
test_presence_only(void **state)
{
	struct fal_http_resp r = resp_with(block);

	(void)state;
	assert_int_equal(fal_http_header(&r, "Link", NULL, 0), 0);
	assert_int_equal(fal_http_header(&r, "Nope", NULL, 0), -1);
	fal_http_resp_free(&r);
}

static void
test_no_headers(void **state)
{
	struct fal_http_resp r;
	char v[8];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(fal_http_header(&r, "A", v, sizeof(v)), -1);
	assert_int_equal(fal_http_header(NULL, "A", v, sizeof(v)), -1);
}

static void
test_resp_free(void **state)
{
	struct fal_http_resp r = resp_with(block);

	(void)state;
	r.status = 200;
	r.body = strdup("body");
	r.body_len = 4;
	r.seconds = 1.5;
	fal_http_resp_free(&r);
	assert_null(r.body);
	assert_null(r.headers);
	assert_int_equal(r.body_len, 0);
	assert_int_equal(r.status, 0);
	/* twice, and on NULL: harmless */
	fal_http_resp_free(&r);
	fal_http_resp_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_first_of_two),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_stops_at_blank_line),
		cmocka_unit_test(test_whitespace_trimmed_and_empty),
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_unterminated_block),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_presence_only),
		cmocka_unit_test(test_no_headers),
		cmocka_unit_test(test_resp_free),
	};

	return cmocka_run_group_tests_name("http_header", tests, NULL, NULL);
}
