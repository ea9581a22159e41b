/*
 * test_hawk_json.c - the GRAPE/SRAPS endpoint body, discovery documents
 * error mapping (SPEC §2.3) and lookup answers (SPEC §2.4) as
 * pure functions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../../providers/hawk_json.h"

/* Exactly the fields SPEC names, nothing else (no warranty_exp_warning_period). */
static void
test_endpoint_body(void **state)
{
	static const char want[] =
		"{\"mac\":\"acde48234567\",\"autoprovisioning_enabled\":true,"
		"\"settings_manager\":{\"3f2a-uuid\":{\"value\":"
		"\"https://pbx/p?a=1&b=\\\"x\\\"\",\"attrs\":{\"perm\":\"RW\"}}}}";
	char *body = fal_hawk_endpoint_body("acde48234567", "3f2a-uuid",
					    "https://pbx/p?a=1&b=\"x\"");
	cJSON *g = cJSON_Parse(body), *w = cJSON_Parse(want);

	(void)state;
	assert_non_null(g);
	assert_true(cJSON_Compare(g, w, 1));
	assert_int_equal(cJSON_GetArraySize(g), 3);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(g, "autoprovisioning_enabled")));
	cJSON_Delete(g);
	cJSON_Delete(w);
	free(body);
}

/* Finds param in page (strlen); returns the outcome, *uuid as found. */
static enum fal_err
find(const char *page, const char *param, char **uuid)
{
	return fal_hawk_settings_find(page, strlen(page), param, uuid);
}

static void
test_settings_find(void **state)
{
	static const char page[] =
		"[{\"uuid\":\"u1\",\"param_name\":\"setting_server\"},"
		"{\"uuid\":\"u0\"},5,null,"
		"{\"uuid\":\"u2\",\"param_name\":\"ProvisioningServer\"}]";
	char *uuid;

	(void)state;
	assert_int_equal(find(page, "ProvisioningServer", &uuid), FAL_OK);
	assert_string_equal(uuid, "u2");
	free(uuid);
	assert_int_equal(find(page, "setting_server", &uuid), FAL_OK);
	assert_string_equal(uuid, "u1");
	free(uuid);
	/* Names match exactly. */
	assert_int_equal(find(page, "provisioningserver", &uuid), FAL_OK);
	assert_null(uuid);
	assert_int_equal(find("[]", "x", &uuid), FAL_OK);
	assert_null(uuid);
	assert_int_equal(find("{}", "x", &uuid), FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(find("[{\"uuid\":[],\"param_name\":\"x\"}]", "x", &uuid),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_null(uuid);
}

static void
test_link_read(void **state)
{
	static const char doc[] = "{\"links\":{\"company\":\"https://a/c/1/\","
				  "\"endpoints\":7}}";
	char *link;

	(void)state;
	assert_int_equal(fal_hawk_link_read(doc, strlen(doc), "company", &link),
			 FAL_OK);
	assert_string_equal(link, "https://a/c/1/");
	free(link);
	assert_int_equal(fal_hawk_link_read(doc, strlen(doc), "endpoints", &link),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_null(link);
	assert_int_equal(fal_hawk_link_read(doc, strlen(doc), "other", &link),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(fal_hawk_link_read("x", 1, "company", &link),
			 FAL_ERR_UNKNOWN_RESPONSE);
}

static void
test_error_map(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
		const char *message;
	} cases[] = {
		{ 400, "{\"message\":\"TAKEN_MAC_OR_FORBIDDEN\"}",
		  FAL_ERR_DEVICE_OWNED, "TAKEN_MAC_OR_FORBIDDEN" },
		{ 403, "endpoint: no permission", FAL_ERR_DEVICE_OWNED, NULL },
		{ 403, "{\"error\":\"permission denied\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "permission denied" },
		{ 404, "{\"detail\":\"Endpoint not found\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "Endpoint not found" },
		{ 400, "{\"message\":\"\",\"detail\":\"d\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "d" },
		{ 400, "  \r\n", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ 399, "{\"message\":\"taken_mac_or_forbidden\"}",
		  FAL_ERR_REMOTE_CALL_FAILED, NULL },
	};
	struct fal_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum fal_err rc = fal_hawk_error_map(cases[i].status,
						     cases[i].body,
						     strlen(cases[i].body), &err);

		if (rc != cases[i].want)
			fail_msg("%s: got %s", cases[i].body, fal_err_code(rc));
		if (cases[i].message != NULL)
			assert_string_equal(err.message, cases[i].message);
	}
}

#define UUID "3f2a-uuid"

/* Reads a lookup answer; *url as found. */
static enum fal_err
lookup(long status, const char *body, enum fal_lookup_state *st,
       char **url, struct fal_error *err)
{
	fal_error_clear(err);
	*st = FAL_LOOKUP_ELSEWHERE + 1;
	return fal_hawk_lookup_read(status, body, strlen(body), UUID, st, url,
				    err);
}

/* status/body say state with url (NULL: none). */
static void
expect_lookup(long status, const char *body, enum fal_lookup_state want,
	      const char *url)
{
	enum fal_lookup_state st;
	struct fal_error err;
	char *got;

	if (lookup(status, body, &st, &got, &err) != FAL_OK)
		fail_msg("%ld %s: %s", status, body, fal_err_code(err.code));
	assert_int_equal(st, want);
	if (url == NULL)
		assert_null(got);
	else
		assert_string_equal(got, url);
	free(got);
}

static void
test_lookup_read(void **state)
{
	(void)state;
	expect_lookup(200, "{\"mac\":\"acde48234567\",\"settings_manager\":{"
		      "\"other\":{\"value\":\"x\"},\"" UUID "\":{\"value\":"
		      "\"https://p/%MACD.xml\",\"attrs\":{\"perm\":\"RW\"}}}}",
		      FAL_LOOKUP_REGISTERED, "https://p/%MACD.xml");
	/* The setting absent, null or empty: registered, URL unknown. */
	expect_lookup(200, "{\"mac\":\"acde48234567\"}", FAL_LOOKUP_REGISTERED,
		      NULL);
	expect_lookup(200, "{\"settings_manager\":{\"other\":{\"value\":\"x\"}}}",
		      FAL_LOOKUP_REGISTERED, NULL);
	expect_lookup(200, "{\"settings_manager\":{\"" UUID "\":{\"value\":null}}}",
		      FAL_LOOKUP_REGISTERED, NULL);
	expect_lookup(200, "{\"settings_manager\":{\"" UUID "\":{\"value\":\"\"}}}",
		      FAL_LOOKUP_REGISTERED, NULL);
	expect_lookup(404, "{\"detail\":\"Not found.\"}",
		      FAL_LOOKUP_NOT_REGISTERED, NULL);
	expect_lookup(404, "", FAL_LOOKUP_NOT_REGISTERED, NULL);
	/* What register calls another owner's device: held elsewhere. */
	expect_lookup(403, "{\"message\":\"taken_mac_or_forbidden\"}",
		      FAL_LOOKUP_ELSEWHERE, NULL);
	expect_lookup(403, "{\"detail\":\"You do not have permission to perform "
		      "this action on this endpoint.\"}", FAL_LOOKUP_ELSEWHERE,
		      NULL);
}

static void
test_lookup_read_failures(void **state)
{
	enum fal_lookup_state st;
	struct fal_error err;
	char *url;

	(void)state;
	assert_int_equal(lookup(200, "[]", &st, &url, &err),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(lookup(200, "<html>", &st, &url, &err),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(lookup(204, "", &st, &url, &err),
			 FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(lookup(400, "{\"message\":\"invalid mac\"}", &st, &url,
				&err), FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_string_equal(err.message, "invalid mac");
	assert_int_equal(lookup(500, "", &st, &url, &err),
			 FAL_ERR_REMOTE_CALL_FAILED);
	assert_null(url);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_body),
		cmocka_unit_test(test_settings_find),
		cmocka_unit_test(test_link_read),
		cmocka_unit_test(test_error_map),
		cmocka_unit_test(test_lookup_read),
		cmocka_unit_test(test_lookup_read_failures),
	};

	return cmocka_run_group_tests_name("hawk_json", tests, NULL, NULL);
}
