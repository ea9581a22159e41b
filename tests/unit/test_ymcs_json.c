/*
 * test_ymcs_json.c - the YMCS bodies and answer readers (SPEC §2.2, §2.4) as
 * pure functions; bodies are parsed back and compared as values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../../providers/ymcs_json.h"

/* Fails unless body (freed here) equals the JSON want. */
static void
assert_body(char *body, const char *want)
{
	cJSON *g = cJSON_Parse(body), *w = cJSON_Parse(want);
	int same = g != NULL && w != NULL && cJSON_Compare(g, w, 1);

	cJSON_Delete(g);
	cJSON_Delete(w);
	if (!same)
		fail_msg("body %s, expected %s", body, want);
	free(body);
}

static void
test_bodies(void **state)
{
	(void)state;
	assert_body(fal_ymcs_token_body(), "{\"grant_type\":\"client_credentials\"}");
	assert_body(fal_ymcs_del_body("acde48234567"),
		    "{\"deviceIdType\":\"mac\",\"deviceIds\":[\"acde48234567\"]}");
	assert_body(fal_ymcs_add_body("acde48234567", "http://p/?a=\"1\"&b=\\"),
		    "[{\"mac\":\"acde48234567\","
		    "\"uniqueServerUrl\":\"http://p/?a=\\\"1\\\"&b=\\\\\"}]");
	assert_body(fal_ymcs_device_body("acde48234567", "SN 1", "tftp://p/x"),
		    "{\"mac\":\"acde48234567\",\"sn\":\"SN 1\","
		    "\"uniqueServerUrl\":\"tftp://p/x\"}");
	assert_body(fal_ymcs_pins_body("acde48234567"),
		    "{\"macs\":[\"acde48234567\"]}");
}

/* Reads body with status through fal_ymcs_add_read. */
static enum fal_err
add(long status, const char *body, struct fal_error *err)
{
	fal_error_clear(err);
	return fal_ymcs_add_read(status, body, strlen(body), err);
}

static void
test_add_read(void **state)
{
	struct fal_error err;

	(void)state;
	assert_int_equal(add(200, "{\"total\":1,\"successCount\":1,"
			     "\"failureCount\":0,\"errors\":[]}", &err), FAL_OK);
	assert_int_equal(add(200, "{\"successCount\":1,\"failureCount\":0}",
			     &err), FAL_OK);
	assert_int_equal(add(200, "{\"successCount\":0,\"failureCount\":0}",
			     &err), FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(add(200, "{\"successCount\":0,\"failureCount\":1,"
			     "\"errors\":[{\"mac\":\"x\",\"errorInfo\":"
			     "\"device.mac.invalid\"}]}", &err),
			 FAL_ERR_NOT_VALID_MAC);
	assert_int_equal(add(200, "{\"successCount\":0,\"failureCount\":1,"
			     "\"errors\":[{\"errorInfo\":\"800003\"}]}", &err),
			 FAL_ERR_DEVICE_OWNED);
	assert_int_equal(add(200, "{\"successCount\":0,\"failureCount\":1,"
			     "\"errors\":[{\"errorInfo\":\"odd\"}]}", &err),
			 FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_string_equal(err.message, "odd");
	assert_int_equal(add(200, "{\"successCount\":0,\"failureCount\":1,"
			     "\"errors\":[]}", &err), FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(add(200, "{\"successCount\":null,\"failureCount\":0}",
			     &err), FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(add(200, "", &err), FAL_ERR_UNKNOWN_RESPONSE);
}

/* Codes match exactly, texts anywhere ignoring case. */
static void
test_error_map(void **state)
{
	static const struct {
		const char *body;
		enum fal_err want;
		const char *message;
	} cases[] = {
		{ "{\"code\":800001}", FAL_ERR_NOT_VALID_MAC, "YMCS error code 800001" },
		{ "{\"code\":\"800003\",\"message\":\"m\"}", FAL_ERR_DEVICE_OWNED, "m" },
		{ "{\"code\":800004,\"error\":\"e\"}", FAL_ERR_DEVICE_OWNED, "e" },
		{ "{\"code\":8000011,\"message\":\"x\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "x" },
		{ "{\"code\":800001.5,\"message\":\"x\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "x" },
		{ "{\"message\":\"Error: DEVICE.MAC.INVALID\"}",
		  FAL_ERR_NOT_VALID_MAC, NULL },
		{ "{\"message\":\"The device already managed elsewhere\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ "{\"error\":\"Resource Already Exists\"}", FAL_ERR_DEVICE_OWNED, NULL },
		{ "{\"message\":\"\",\"error\":\"fallback\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "fallback" },
		{ "{\"requestId\":\"r\"}", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ "[\"message\"]", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ "Bad Gateway", FAL_ERR_REMOTE_CALL_FAILED, NULL },
	};
	struct fal_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum fal_err rc = fal_ymcs_error_map(400, cases[i].body,
						     strlen(cases[i].body), &err);

		if (rc != cases[i].want)
			fail_msg("%s: got %s", cases[i].body, fal_err_code(rc));
		if (cases[i].message != NULL)
			assert_string_equal(err.message, cases[i].message);
	}
}

static void
test_token_read(void **state)
{
	struct fal_error err;
	long long exp = 0;
	char *tok = NULL;
	const char *ok = "{\"access_token\":\"abc.def-1\",\"token_type\":"
			 "\"Bearer\",\"expires_in\":3600}";

	(void)state;
	assert_int_equal(fal_ymcs_token_read(200, ok, strlen(ok), &tok, &exp,
					     &err), FAL_OK);
	assert_string_equal(tok, "abc.def-1");
	assert_int_equal(exp, 3600);
	free(tok);
	assert_int_equal(fal_ymcs_token_read(201, ok, strlen(ok), &tok, &exp,
					     &err), FAL_ERR_REMOTE_CALL_FAILED);
	assert_null(tok);
	ok = "{\"access_token\":\"a b\",\"expires_in\":3600}";
	assert_int_equal(fal_ymcs_token_read(200, ok, strlen(ok), &tok, &exp,
					     &err), FAL_ERR_UNKNOWN_RESPONSE);
	ok = "{\"access_token\":\"ab\",\"expires_in\":0}";
	assert_int_equal(fal_ymcs_token_read(200, ok, strlen(ok), &tok, &exp,
					     &err), FAL_ERR_UNKNOWN_RESPONSE);
}

static void
test_device_and_del_read(void **state)
{
	struct fal_error err;

	(void)state;
	assert_int_equal(fal_ymcs_device_read(201, "{}", 2, &err), FAL_OK);
	assert_int_equal(fal_ymcs_device_read(200, "{}", 2, &err), FAL_OK);
	assert_int_equal(fal_ymcs_device_read(201, "[]", 2, &err),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(fal_ymcs_device_read(202, "{}", 2, &err),
			 FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(fal_ymcs_device_read(409, "{\"code\":800004}", 15, &err),
			 FAL_ERR_DEVICE_OWNED);
	assert_int_equal(fal_ymcs_del_read(404, "", 0, &err), FAL_OK);
	assert_int_equal(fal_ymcs_del_read(200, "x", 1, &err), FAL_OK);
	assert_int_equal(fal_ymcs_del_read(400, "{\"code\":800001}", 15, &err),
			 FAL_ERR_NOT_VALID_MAC);
}

static void
test_pin_read(void **state)
{
	static const char many[] = "[{\"mac\":\"001122334455\",\"pin\":\"1\"},"
				   "{\"mac\":\"ACDE48234567\",\"pin\":\"0042\"}]";
	static const char short_mac[] = "[{\"mac\":\"acde4823456\",\"pin\":\"1\"}]";
	char pin[8];

	(void)state;
	assert_int_equal(fal_ymcs_pin_read(200, many, strlen(many),
					   "acde48234567", pin, sizeof(pin)), 0);
	assert_string_equal(pin, "0042");
	assert_int_equal(fal_ymcs_pin_read(201, many, strlen(many),
					   "acde48234567", pin, sizeof(pin)), -1);
	assert_int_equal(fal_ymcs_pin_read(200, many, strlen(many),
					   "acde48234568", pin, sizeof(pin)), -1);
	/* A PIN longer than the room for it is no PIN. */
	assert_int_equal(fal_ymcs_pin_read(200, many, strlen(many),
					   "acde48234567", pin, 4), -1);
	assert_int_equal(fal_ymcs_pin_read(200, short_mac, strlen(short_mac),
					   "acde48234567", pin, sizeof(pin)), -1);
}

/* Reads a listDevices answer for acde48234567; *url as found. */
static enum fal_err
list(long status, const char *body, enum fal_lookup_state *st, char **url,
     struct fal_error *err)
{
	fal_error_clear(err);
	*st = FAL_LOOKUP_ELSEWHERE;
	return fal_ymcs_list_read(status, body, strlen(body), "acde48234567",
				  st, url, err);
}

/* body (status 200) says state with url (NULL: none). */
static void
expect_listed(const char *body, enum fal_lookup_state want, const char *url)
{
	enum fal_lookup_state st;
	struct fal_error err;
	char *got;

	if (list(200, body, &st, &got, &err) != FAL_OK)
		fail_msg("%s: %s", body, fal_err_code(err.code));
	assert_int_equal(st, want);
	if (url == NULL)
		assert_null(got);
	else
		assert_string_equal(got, url);
	free(got);
}

static void
test_list_body(void **state)
{
	(void)state;
	assert_body(fal_ymcs_list_body("acde48234567"),
		    "{\"skip\":0,\"limit\":1,\"autoCount\":false,"
		    "\"filter\":{\"mac\":\"acde48234567\"}}");
}

static void
test_list_read(void **state)
{
	(void)state;
	expect_listed("{\"data\":[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":"
		      "\"https://p/%MACD.xml\",\"serverUrl\":\"http://s/\"}]}",
		      FAL_LOOKUP_REGISTERED, "https://p/%MACD.xml");
	/* No unique URL: the server's; neither: null. */
	expect_listed("{\"data\":[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":"
		      "\"\",\"serverUrl\":\"http://s/\"}]}",
		      FAL_LOOKUP_REGISTERED, "http://s/");
	expect_listed("{\"data\":[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":"
		      "null,\"serverUrl\":\"http://s/\"}]}",
		      FAL_LOOKUP_REGISTERED, "http://s/");
	expect_listed("{\"data\":[{\"mac\":\"AC-DE-48-23-45-67\",\"serverUrl\":"
		      "null}]}", FAL_LOOKUP_REGISTERED, NULL);
	/* A URL that is not UTF-8 still makes a valid answer. */
	expect_listed("{\"data\":[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":"
		      "\"http://p/\xff\"}]}", FAL_LOOKUP_REGISTERED, "http://p/?");
	/* No entry, or only another device's: not registered. */
	expect_listed("{\"data\":[]}", FAL_LOOKUP_NOT_REGISTERED, NULL);
	expect_listed("{\"skip\":0,\"data\":[{\"mac\":\"acde48234568\","
		      "\"uniqueServerUrl\":\"http://x/\"},{\"id\":1}]}",
		      FAL_LOOKUP_NOT_REGISTERED, NULL);
}

static void
test_list_read_failures(void **state)
{
	static const char *const shapes[] = {
		"", "[]", "{}", "{\"data\":{}}", "{\"data\":null}", "<html>",
	};
	enum fal_lookup_state st;
	struct fal_error err;
	char *url;

	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		assert_int_equal(list(200, shapes[i], &st, &url, &err),
				 FAL_ERR_UNKNOWN_RESPONSE);
		assert_null(url);
	}
	assert_int_equal(list(400, "{\"code\":800001,\"message\":\"bad\"}",
			      &st, &url, &err), FAL_ERR_NOT_VALID_MAC);
	assert_int_equal(list(403, "{\"code\":900403,\"message\":\"no\"}",
			      &st, &url, &err), FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_string_equal(err.message, "no");
	assert_int_equal(list(502, "", &st, &url, &err),
			 FAL_ERR_REMOTE_CALL_FAILED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_add_read),
		cmocka_unit_test(test_error_map),
		cmocka_unit_test(test_token_read),
		cmocka_unit_test(test_device_and_del_read),
		cmocka_unit_test(test_pin_read),
		cmocka_unit_test(test_list_body),
		cmocka_unit_test(test_list_read),
		cmocka_unit_test(test_list_read_failures),
	};

	return cmocka_run_group_tests_name("ymcs_json", tests, NULL, NULL);
}
