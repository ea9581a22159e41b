/* test_csv.c - batch/csv.c: RFC 4180 records through libcsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../batch/csv.h"

/* The records seen, joined as "a|b|c;" each. */
struct seen {
	char text[1024];
	int stop_at;   /* stop after this many records (0: never) */
	int n;
};

static enum fal_err
collect(void *ctx, char *const *fields, size_t n)
{
	struct seen *s = ctx;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		len = strlen(s->text);
		snprintf(s->text + len, sizeof(s->text) - len, "%s%s",
			 fields[i], i + 1 < n ? "|" : ";");
	}
	if (++s->n == s->stop_at)
		return FAL_ERR_REQUEST_TOO_LARGE;
	return FAL_OK;
}

/* Parses s from an exact-size buffer (ASan sees any overread). */
static enum fal_err
parse(const char *s, struct seen *out, char *msg)
{
	size_t len = strlen(s);
	char *buf = malloc(len ? len : 1);
	enum fal_err rc;

	memcpy(buf, s, len);
	rc = fal_csv_parse(buf, len, collect, out, msg, 200);
	free(buf);
	return rc;
}

static void
expect(const char *csv, const char *want)
{
	struct seen s = { .text = "" };
	char msg[200];

	if (parse(csv, &s, msg) != FAL_OK)
		fail_msg("\"%s\": %s", csv, msg);
	assert_string_equal(s.text, want);
}

static void
expect_invalid(const char *csv)
{
	struct seen s = { .text = "" };
	char msg[200];

	assert_int_equal(parse(csv, &s, msg), FAL_ERR_INVALID_BATCH);
	assert_true(msg[0] != '\0');
}

static void
test_plain(void **state)
{
	(void)state;
	expect("provider,mac\nsnom,AC-DE-48-23-45-67\n",
	       "provider|mac;snom|AC-DE-48-23-45-67;");
	/* No final line break. */
	expect("a,b\nc,d", "a|b;c|d;");
	expect("", "");
}

static void
test_crlf_and_bom(void **state)
{
	(void)state;
	expect("a,b\r\nc,d\r\n", "a|b;c|d;");
	expect("\xef\xbb\xbf" "a,b\r\n", "a|b;");
}

static void
test_quoted_fields(void **state)
{
	(void)state;
	expect("\"a,b\",c\n", "a,b|c;");
	expect("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x;");
	expect("\"line1\nline2\",x\r\n", "line1\nline2|x;");
	expect("\"\",x\n", "|x;");
}

static void
test_spaces_kept_and_empty_fields(void **state)
{
	(void)state;
	expect(" a , b \n", " a | b ;");
	expect("a,,\n", "a||;");
}

static void
test_blank_lines_skipped(void **state)
{
	(void)state;
	expect("a,b\n\nc,d\n\r\n", "a|b;c|d;");
}

static void
test_malformed(void **state)
{
	(void)state;
	expect_invalid("a,\"open\nb,c\n");
	expect_invalid("a,b\"c\n");
	expect_invalid("\"a\"x,b\n");
}

/* What the callback returns stops the parse and is returned. */
static void
test_callback_stops(void **state)
{
	struct seen s = { .text = "", .stop_at = 2 };
	char msg[200];

	(void)state;
	assert_int_equal(parse("a\nb\nc\nd\n", &s, msg), FAL_ERR_REQUEST_TOO_LARGE);
	assert_int_equal(s.n, 2);
}

static void
test_too_many_fields(void **state)
{
	char line[200] = "";

	(void)state;
	for (int i = 0; i <= FAL_CSV_MAX_FIELDS; i++)
		strcat(line, "x,");
	strcat(line, "\n");
	expect_invalid(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_spaces_kept_and_empty_fields),
		cmocka_unit_test(test_blank_lines_skipped),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_too_many_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
