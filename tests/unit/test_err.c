/* test_err.c - lib/err.c: the table of outcomes and struct fal_error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/err.h"
#include "../../lib/secret.h"

static void
test_every_value_has_code_and_status(void **state)
{
	int e, s;

	(void)state;
	for (e = 0; e < FAL_ERR__MAX; e++) {
		assert_non_null(fal_err_code(e));
		assert_true(fal_err_code(e)[0] != '\0');
		s = fal_err_status(e);
		/* 499: client_gone, which no client ever receives. */
		if (s != 200 && s != 400 && s != 401 && s != 404 && s != 405 &&
		    s != 413 && s != 499 && s != 500 && s != 503)
			fail_msg("%s has status %d", fal_err_code(e), s);
		/* Only FAL_OK is a success. */
		assert_int_equal(s == 200, e == FAL_OK);
	}
}

static void
test_codes_unique(void **state)
{
	int a, b;

	(void)state;
	for (a = 0; a < FAL_ERR__MAX; a++)
		for (b = a + 1; b < FAL_ERR__MAX; b++)
			if (strcmp(fal_err_code(a), fal_err_code(b)) == 0)
				fail_msg("%d and %d share \"%s\"", a, b,
					 fal_err_code(a));
}

static void
test_spec_codes(void **state)
{
	static const struct {
		enum fal_err e;
		int status;
		const char *code;
	} spec[] = {
		{ FAL_OK, 200, "ok" },
		{ FAL_ERR_UNAUTHORIZED, 401, "unauthorized" },
		{ FAL_ERR_PROVIDER_NOT_SUPPORTED, 404, "provider_not_supported" },
		{ FAL_ERR_MISSING_MAC, 400, "missing_mac_address" },
		{ FAL_ERR_MALFORMED_MAC, 400, "malformed_mac_address" },
		{ FAL_ERR_REQUEST_TOO_LARGE, 413, "request_too_large" },
		{ FAL_ERR_UNPARSABLE_URL, 400, "unable_to_parse_url" },
		{ FAL_ERR_MISSING_CRC, 400, "missing_mac-id_crc" },
		{ FAL_ERR_INVALID_CRC, 400, "invalid_mac-id_crc_format" },
		{ FAL_ERR_CONNECTION_FAILED, 500,
		  "connection_to_remote_provider_failed" },
		{ FAL_ERR_UNKNOWN_RESPONSE, 500,
		  "unknown_response_from_provider" },
		{ FAL_ERR_DEVICE_OWNED, 500, "device_owned_by_other_user" },
		{ FAL_ERR_NOT_FOUND, 404, "not_found" },
		{ FAL_ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed" },
		{ FAL_ERR_INVALID_BATCH, 400, "invalid_batch" },
		{ FAL_ERR_DUPLICATE_DEVICE, 400, "duplicate_device" },
		{ FAL_ERR_BATCH_NOT_FOUND, 404, "batch_not_found" },
		{ FAL_ERR_BATCH_STORE_UNAVAILABLE, 503, "batch_store_unavailable" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		assert_int_equal(fal_err_status(spec[i].e), spec[i].status);
		assert_string_equal(fal_err_code(spec[i].e), spec[i].code);
	}
}

static void
test_out_of_range(void **state)
{
	(void)state;
	assert_int_equal(fal_err_status(FAL_ERR__MAX), 500);
	assert_string_equal(fal_err_code(FAL_ERR__MAX), "internal_error");
	assert_int_equal(fal_err_status((enum fal_err)-1), 500);
}

/* The request's own mistakes have words for a person; vendor outcomes
 * and success have none (their message comes from the call). */
static void
test_words_for_request_mistakes(void **state)
{
	static const enum fal_err with[] = {
		FAL_ERR_UNAUTHORIZED, FAL_ERR_PROVIDER_NOT_SUPPORTED,
		FAL_ERR_MISSING_MAC, FAL_ERR_MALFORMED_MAC, FAL_ERR_MISSING_URL,
		FAL_ERR_UNSUPPORTED_URL_SCHEME, FAL_ERR_UNPARSABLE_URL,
		FAL_ERR_MALFORMED_SERIAL, FAL_ERR_MISSING_CRC,
		FAL_ERR_INVALID_CRC,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(with) / sizeof(with[0]); i++) {
		assert_non_null(fal_err_words(with[i]));
		assert_true(strlen(fal_err_words(with[i])) > 10);
	}
	assert_non_null(strstr(fal_err_words(FAL_ERR_MALFORMED_MAC),
			       "AC-DE-48-23-45-67"));
	assert_null(fal_err_words(FAL_OK));
	assert_null(fal_err_words(FAL_ERR_UNKNOWN_PROVIDER_ERROR));
	assert_null(fal_err_words(FAL_ERR_CONNECTION_FAILED));
	assert_null(fal_err_words(FAL_ERR__MAX));
}

static void
test_error_set_formats(void **state)
{
	struct fal_error err;

	(void)state;
	assert_int_equal(fal_error_set(&err, FAL_ERR_CONNECTION_FAILED,
				       "%s after %d ms", "timeout", 30),
			 FAL_ERR_CONNECTION_FAILED);
	assert_int_equal(err.code, FAL_ERR_CONNECTION_FAILED);
	assert_string_equal(err.message, "timeout after 30 ms");

	assert_int_equal(fal_error_set(&err, FAL_ERR_MALFORMED_URL, NULL),
			 FAL_ERR_MALFORMED_URL);
	assert_string_equal(err.message, "");

	fal_error_set(&err, FAL_ERR_INTERNAL, "x");
	fal_error_clear(&err);
	assert_int_equal(err.code, FAL_OK);
	assert_string_equal(err.message, "");
}

static void
test_error_set_truncates(void **state)
{
	char long_text[FAL_ERROR_MESSAGE_MAX * 2];
	struct fal_error err;

	(void)state;
	memset(long_text, 'v', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	fal_error_set(&err, FAL_ERR_UNKNOWN_PROVIDER_ERROR, "%s", long_text);
	assert_int_equal(strlen(err.message), FAL_ERROR_MESSAGE_MAX - 1);
	assert_memory_equal(err.message, long_text, FAL_ERROR_MESSAGE_MAX - 1);
}

/*
 * Masked before it is cut: 500 bytes of vendor text, then the password,
 * must not come out as the password's first characters.
 */
static void
test_redact_before_cut(void **state)
{
	static const char pw[] = "s3cr3t-Passw0rd";
	char text[600];
	struct fal_error e;

	(void)state;
	assert_int_equal(fal_secret_add(pw, false), 0);
	fal_error_set(&e, FAL_ERR_UNKNOWN_PROVIDER_ERROR, "%s", "key s3cr3t-Passw0rd is wrong, s3cr3t-Passw0rd!");
	assert_string_equal(e.message, "key *** is wrong, ***!");
	memset(text, 'A', 500);
	snprintf(text + 500, sizeof(text) - 500, "%s", pw);
	fal_error_set(&e, FAL_ERR_UNKNOWN_PROVIDER_ERROR, "Error:%s", text);
	assert_null(strstr(e.message, "s3cr"));
	assert_string_equal(e.message + 506, "***");
	fal_secret_forget_all();
	fal_error_set(&e, FAL_ERR_UNKNOWN_PROVIDER_ERROR, "%s", pw);
	assert_string_equal(e.message, pw);
}

/*
 * Every message is valid UTF-8, whatever the vendor sent: surrogates,
 * code points past U+10FFFF, stray and cut sequences become '?'.
 */
static void
test_message_is_utf8(void **state)
{
	struct fal_error e;

	(void)state;
	fal_error_set(&e, FAL_ERR_UNKNOWN_PROVIDER_ERROR, "%s",
		      "Error:bad \xed\xa0\x80 \xf4\x90\x80\x80 \xc3 \x80 \xc3\xa9");
	assert_string_equal(e.message, "Error:bad ??? ???? ? ? \xc3\xa9");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_before_cut),
		cmocka_unit_test(test_message_is_utf8),
		cmocka_unit_test(test_every_value_has_code_and_status),
		cmocka_unit_test(test_codes_unique),
		cmocka_unit_test(test_spec_codes),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_error_set_formats),
		cmocka_unit_test(test_words_for_request_mistakes),
		cmocka_unit_test(test_error_set_truncates),
	};

	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
