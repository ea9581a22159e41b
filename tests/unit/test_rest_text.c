/* test_rest_text.c - a vendor's words made fit for an error message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../providers/rest_text.h"

static void
test_copy_blanks_controls_and_trims(void **state)
{
	char out[64];

	(void)state;
	fal_rest_text_copy(out, sizeof(out), "\r\n  bad\tmac\r\nvalue \n", 21);
	assert_string_equal(out, "bad mac  value");
	fal_rest_text_copy(out, sizeof(out), "abcdef", 3);
	assert_string_equal(out, "abc");
	fal_rest_text_copy(out, sizeof(out), NULL, 5);
	assert_string_equal(out, "");
}

/* Truncation never leaves half a UTF-8 character behind. */
static void
test_copy_cuts_on_character_boundary(void **state)
{
	static const char s[] = "ab\xc3\xa9\xe2\x82\xac"; /* "abé€" */
	char out[8];

	(void)state;
	fal_rest_text_copy(out, 4, s, strlen(s));   /* room for 3 bytes */
	assert_string_equal(out, "ab");
	fal_rest_text_copy(out, 5, s, strlen(s));   /* 4 bytes: "abé" */
	assert_string_equal(out, "ab\xc3\xa9");
	fal_rest_text_copy(out, 7, s, strlen(s));   /* 6: not all of "€" */
	assert_string_equal(out, "ab\xc3\xa9");
	fal_rest_text_copy(out, 8, s, strlen(s));
	assert_string_equal(out, s);
}

/* Whatever the vendor sent, the message is valid UTF-8. */
static void
test_copy_replaces_invalid_utf8(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "device already \x9amanaged", "device already ?managed" },
		{ "a\xc3", "a?" },                      /* cut short */
		{ "a\xc3(b", "a?(b" },                  /* bad continuation */
		{ "\xc0\xaf", "??" },                  /* overlong '/' */
		{ "\xed\xa0\x80", "???" },            /* surrogate */
		{ "\xf4\x90\x80\x80", "????" },      /* beyond U+10FFFF */
		{ "\xff\xfe", "??" },
		{ "ok \xf0\x9f\x90\xa6 \xc3\xa9", "ok \xf0\x9f\x90\xa6 \xc3\xa9" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fal_rest_text_copy(out, sizeof(out), cases[i].in,
				   strlen(cases[i].in));
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_json_string(void **state)
{
	cJSON *o = cJSON_Parse("{\"a\":\"x\",\"b\":5,\"c\":null}");

	(void)state;
	assert_string_equal(fal_rest_json_string(o, "a"), "x");
	assert_null(fal_rest_json_string(o, "b"));
	assert_null(fal_rest_json_string(o, "c"));
	assert_null(fal_rest_json_string(o, "d"));
	assert_null(fal_rest_json_string(NULL, "a"));
	cJSON_Delete(o);
}

/* An array of n zeros; with strings true, each in a string holding ",". */
static char *
array_of(size_t n, int strings)
{
	char *s = malloc(n * 6 + 3), *p = s;

	assert_non_null(s);
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, strings ? "\",\\\"\"" : "0", strings ? 5 : 1);
		p += strings ? 5 : 1;
	}
	*p++ = ']';
	*p = '\0';
	return s;
}

/*
 * cJSON costs about half a microsecond a value: an answer with more than
 * FAL_REST_JSON_VALUES_MAX of them is refused before cJSON builds it.
 */
static void
test_json_values_capped(void **state)
{
	char *s;
	cJSON *j;

	(void)state;
	s = array_of(FAL_REST_JSON_VALUES_MAX, 0);
	assert_non_null(j = fal_rest_json_parse(s, strlen(s)));
	cJSON_Delete(j);
	free(s);
	s = array_of(FAL_REST_JSON_VALUES_MAX + 1, 0);
	assert_null(fal_rest_json_parse(s, strlen(s)));
	free(s);
	/* Commas inside strings (escaped quotes too) are not values. */
	s = array_of(FAL_REST_JSON_VALUES_MAX / 2, 1);
	assert_non_null(j = fal_rest_json_parse(s, strlen(s)));
	assert_string_equal(cJSON_GetArrayItem(j, 0)->valuestring, ",\"");
	cJSON_Delete(j);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_blanks_controls_and_trims),
		cmocka_unit_test(test_copy_cuts_on_character_boundary),
		cmocka_unit_test(test_copy_replaces_invalid_utf8),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_values_capped),
	};

	return cmocka_run_group_tests_name("rest_text", tests, NULL, NULL);
}
