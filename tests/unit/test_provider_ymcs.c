/*
 * test_provider_ymcs.c - the whole YMCS dialogue (SPEC §2.2, §2.4) through the
 * scripted transport: token, headers, call order, bodies, the token cache,
 * the 401 retry, the PIN and every error mapping.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../providers/ymcs.h"
#include "rest_check.h"

#define BASE "https://ymcs.example.com/api/"
#define URL "https://pbx.example.com/p?a=1&b=%20x+y"
#define MAC "AC-DE-48-23-45-67"

#define TOKEN_OK(tok, exp) \
	"{\"access_token\":\"" tok "\",\"token_type\":\"Bearer\"," \
	"\"expires_in\":" #exp "}"
#define ADD_OK "{\"total\":1,\"successCount\":1,\"failureCount\":0,\"errors\":[]}"
#define DEL_OK ADD_OK
#define PINS_OK "[{\"mac\":\"acde48234567\",\"pin\":\"123456\"}]"

static int
setup(void **state)
{
	(void)state;
	fake_http_reset();
	fal_ymcs_cache_reset();
	return 0;
}

static const struct fal_provider *
ymcs(void)
{
	return fal_provider_get(FAL_YMCS);
}

static void
env(struct rest_env *e)
{
	rest_env_init(e, FAL_YMCS, BASE, MAC, URL);
}

/* Scripts a whole successful MAC-only registration, token included. */
static void
push_register_ok(int with_token)
{
	if (with_token)
		fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(200, ADD_OK, NULL);
	fake_http_push(200, PINS_OK, NULL);
}

/* Number of token requests among the recorded calls. */
static size_t
token_requests(void)
{
	size_t n = 0;

	for (size_t i = 0; i < fake_http_ncalls(); i++)
		if (strstr(fake_http_call_at(i)->url, "/v2/token") != NULL)
			n++;
	return n;
}

/* Checks the headers every API call of SPEC §2.2 carries. */
static void
assert_api_headers(size_t i, const char *token)
{
	char want[128];
	const char *ts = fake_http_call_header(i, "timestamp");
	const char *nonce = fake_http_call_header(i, "nonce");
	long long now_ms = (long long)time(NULL) * 1000;

	snprintf(want, sizeof(want), "Bearer %s", token);
	assert_string_equal(fake_http_call_header(i, "Authorization"), want);
	assert_string_equal(fake_http_call_header(i, "Content-Type"),
			    "application/json");
	assert_string_equal(fake_http_call_header(i, "Accept"),
			    "application/json");
	assert_true(strlen(ts) == 13 && strspn(ts, "0123456789") == 13);
	assert_true(llabs(atoll(ts) - now_ms) < 10000);
	assert_int_equal(strlen(nonce), 32);
	assert_int_equal(strspn(nonce, "0123456789abcdef"), 32);
	assert_null(fake_http_call_at(i)->user);
}

static void
test_register_sequence(void **state)
{
	const struct fake_http_call *c;
	struct rest_env e;

	(void)state;
	env(&e);
	push_register_ok(1);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 4);

	/* The token: Basic auth with the client credentials. */
	rest_assert_request(0, "POST", "https://ymcs.example.com/api/v2/token");
	c = fake_http_call_at(0);
	assert_string_equal(c->user, "client-7");
	assert_string_equal(c->password, "s3cr3t-Key");
	rest_assert_json(c->body, "{\"grant_type\":\"client_credentials\"}");
	assert_string_equal(fake_http_call_header(0, "Content-Type"),
			    "application/json");

	rest_assert_request(1, "POST",
			    "https://ymcs.example.com/api/v2/rps/delDevices");
	assert_api_headers(1, "tok-1");
	rest_assert_json(fake_http_call_at(1)->body,
			 "{\"deviceIdType\":\"mac\",\"deviceIds\":[\"acde48234567\"]}");

	rest_assert_request(2, "POST",
			    "https://ymcs.example.com/api/v2/rps/addDevicesByMac");
	assert_api_headers(2, "tok-1");
	rest_assert_json(fake_http_call_at(2)->body,
			 "[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":\"" URL "\"}]");

	rest_assert_request(3, "POST",
			    "https://ymcs.example.com/api/v2/rps/listDevicePins");
	assert_api_headers(3, "tok-1");
	rest_assert_json(fake_http_call_at(3)->body,
			 "{\"macs\":[\"acde48234567\"]}");

	assert_true(e.out.has_pin);
	assert_string_equal(e.out.pin, "123456");
}

/* No nonce is ever sent twice, retries included. */
static void
test_nonces_never_repeat(void **state)
{
	char seen[32][40];
	size_t n = 0;
	struct rest_env e;

	(void)state;
	env(&e);
	push_register_ok(1);
	fake_http_push(401, "", NULL);                 /* del refused */
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	push_register_ok(0);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	for (size_t i = 0; i < fake_http_ncalls(); i++) {
		const char *nonce = fake_http_call_header(i, "nonce");

		if (*nonce == '\0')
			continue;
		for (size_t k = 0; k < n; k++)
			assert_string_not_equal(seen[k], nonce);
		snprintf(seen[n++], sizeof(seen[0]), "%s", nonce);
	}
	assert_true(n >= 7);
}

static void
test_register_with_sn(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	e.dev.sn = "SN-0042 \"x\"";
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(201, "{\"id\":\"d1\",\"mac\":\"acde48234567\"}", NULL);
	fake_http_push(200, PINS_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 4);
	rest_assert_request(1, "POST",
			    "https://ymcs.example.com/api/v2/rps/delDevices");
	rest_assert_request(2, "POST", "https://ymcs.example.com/api/v2/rps/devices");
	assert_api_headers(2, "tok-1");
	rest_assert_json(fake_http_call_at(2)->body,
			 "{\"mac\":\"acde48234567\",\"sn\":\"SN-0042 \\\"x\\\"\","
			 "\"uniqueServerUrl\":\"" URL "\"}");
	rest_assert_request(3, "POST",
			    "https://ymcs.example.com/api/v2/rps/listDevicePins");
	assert_true(e.out.has_pin);
}

static void
test_register_with_sn_bad_answer(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	e.dev.sn = "SN1";
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(201, "created", NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(fake_http_ncalls(), 3);
}

/* Five registrations, one token request (SPEC: cached per process). */
static void
test_token_cached(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	push_register_ok(1);
	for (int i = 0; i < 4; i++)
		push_register_ok(0);
	for (int i = 0; i < 5; i++)
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    FAL_OK);
	assert_int_equal(fake_http_ncalls(), 16);
	assert_int_equal(token_requests(), 1);
	assert_api_headers(15, "tok-1");
}

/* A token with 60 s or less to live is never reused, not even by the next call. */
static void
test_token_short_lived_not_cached(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 60), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(200, TOKEN_OK("tok-2", 30), NULL);
	fake_http_push(200, ADD_OK, NULL);
	fake_http_push(200, TOKEN_OK("tok-3", 60), NULL);
	fake_http_push(200, PINS_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 6);
	assert_int_equal(token_requests(), 3);
	assert_api_headers(1, "tok-1");
	assert_api_headers(3, "tok-2");
	assert_api_headers(5, "tok-3");
}

/*
 * Cached until 60 s before expiry: 62 s is two seconds of cache, on the
 * clients' clock, which the test moves forward (no sleep).
 */
static void
test_token_expires(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 62), NULL);
	push_register_ok(0);
	push_register_ok(0);
	push_register_ok(0);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	push_register_ok(0);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(token_requests(), 1);
	fake_http_advance_clock(1500);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(token_requests(), 1);
	fake_http_advance_clock(1500);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(token_requests(), 2);
	rest_assert_request(10, "POST", "https://ymcs.example.com/api/v2/token");
	assert_api_headers(11, "tok-2");
}

/* A 401 gets one fresh token and one retry of the same call. */
static void
test_401_retried_once_with_fresh_token(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(401, "{\"message\":\"token expired\"}", NULL);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	fake_http_push(200, ADD_OK, NULL);
	fake_http_push(200, PINS_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 6);
	rest_assert_request(2, "POST",
			    "https://ymcs.example.com/api/v2/rps/addDevicesByMac");
	rest_assert_request(3, "POST", "https://ymcs.example.com/api/v2/token");
	rest_assert_request(4, "POST",
			    "https://ymcs.example.com/api/v2/rps/addDevicesByMac");
	assert_api_headers(4, "tok-2");
	assert_string_equal(fake_http_call_at(4)->body,
			    fake_http_call_at(2)->body);
	assert_string_not_equal(fake_http_call_header(4, "nonce"),
				fake_http_call_header(2, "nonce"));
	/* And the fresh token is the one cached from now on. */
	assert_api_headers(5, "tok-2");
}

/* A second 401 is not retried again: it is the answer. */
static void
test_401_twice_is_an_error(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(401, "", NULL);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	fake_http_push(401, "", NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(fake_http_ncalls(), 5);
	assert_int_equal(token_requests(), 2);
}

/* A token YMCS refused is not used again once its refresh failed. */
static void
test_failed_refresh_drops_refused_token(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	push_register_ok(1);
	assert_int_equal(ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	fake_http_push(401, "", NULL);
	fake_http_push(503, "", NULL);
	rest_assert_outcome(&e, ymcs()->do_deregister(&e.call, &e.dev),
			    FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(fake_http_ncalls(), 6);
	fal_error_clear(&e.err);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_deregister(&e.call, &e.dev),
			    FAL_OK);
	rest_assert_request(6, "POST", "https://ymcs.example.com/api/v2/token");
	assert_api_headers(7, "tok-2");
}

/* delDevices before the add: whatever YMCS answers does not count. */
static void
test_register_ignores_del_answer(void **state)
{
	static const struct { long status; const char *body; } dels[] = {
		{ 500, "{\"code\":\"800010\",\"message\":\"no such device\"}" },
		{ 400, "{\"code\":800001,\"message\":\"device.mac.invalid\"}" },
		{ 200, "garbage" },
		{ 404, "" },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(dels) / sizeof(dels[0]); i++) {
		setup(NULL);
		env(&e);
		fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
		fake_http_push(dels[i].status, dels[i].body, NULL);
		fake_http_push(200, ADD_OK, NULL);
		fake_http_push(200, PINS_OK, NULL);
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    FAL_OK);
		assert_int_equal(fake_http_ncalls(), 4);
	}
}

/* Not reaching YMCS at all stops the registration there. */
static void
test_register_transport_failures(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "Could not resolve host");
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_CONNECTION_FAILED);
	assert_string_equal(e.err.message, "Could not resolve host");
	assert_int_equal(fake_http_ncalls(), 1);

	setup(NULL);
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "Timeout was reached");
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_CONNECTION_FAILED);
	assert_int_equal(fake_http_ncalls(), 2);

	setup(NULL);
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push_error(FAL_ERR_READ_RESPONSE_FAILED, "answer over 1 MiB");
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_READ_RESPONSE_FAILED);
}

/* The token endpoint's failures, and that a failure is not cached. */
static void
test_token_failures(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
	} cases[] = {
		{ 401, "{\"error\":\"invalid_client\",\"message\":\"bad client\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ 500, "", FAL_ERR_REMOTE_CALL_FAILED },
		{ 503, "<html>down</html>", FAL_ERR_REMOTE_CALL_FAILED },
		{ 200, "not json", FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "{\"access_token\":\"t\"}", FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "{\"access_token\":42,\"expires_in\":7200}",
		  FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "{\"access_token\":\"\",\"expires_in\":7200}",
		  FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "{\"access_token\":\"a\\r\\nX-Evil: 1\",\"expires_in\":7200}",
		  FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "{\"access_token\":\"t\",\"expires_in\":\"7200\"}",
		  FAL_ERR_UNKNOWN_RESPONSE },
		{ 200, "[]", FAL_ERR_UNKNOWN_RESPONSE },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e);
		fake_http_push(cases[i].status, cases[i].body, NULL);
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    cases[i].want);
		assert_int_equal(fake_http_ncalls(), 1);
		/* The next request tries again and succeeds. */
		fal_error_clear(&e.err);
		push_register_ok(1);
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    FAL_OK);
		assert_int_equal(token_requests(), 2);
	}
}

/* The add's own refusals, as SPEC §2.2 maps them. */
static void
test_add_refusals(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
		const char *message;
	} cases[] = {
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"mac\":\"acde48234567\",\"errorInfo\":"
		  "\"device.mac.invalid\"}]}", FAL_ERR_NOT_VALID_MAC, NULL },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"mac\":\"acde48234567\",\"errorInfo\":"
		  "\"The Device Already Managed by another enterprise\"}]}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"mac\":\"acde48234567\",\"errorInfo\":"
		  "\"Resource already exists\"}]}", FAL_ERR_DEVICE_OWNED, NULL },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"mac\":\"acde48234567\",\"errorInfo\":"
		  "\"quota exceeded\"}]}", FAL_ERR_UNKNOWN_PROVIDER_ERROR,
		  "quota exceeded" },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":0,"
		  "\"errors\":[]}", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ 400, "{\"code\":800001,\"error\":\"bad\",\"requestId\":\"r\","
		  "\"message\":\"mac wrong\"}", FAL_ERR_NOT_VALID_MAC, "mac wrong" },
		{ 400, "{\"code\":\"800003\",\"message\":\"x\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 409, "{\"code\":800004,\"message\":\"y\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 400, "{\"code\":800002,\"message\":\"Device.MAC.Invalid\"}",
		  FAL_ERR_NOT_VALID_MAC, NULL },
		{ 409, "{\"code\":800009,\"error\":\"device already managed\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 400, "{\"code\":800099,\"message\":\"url too long\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "url too long" },
		{ 500, "", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ 502, "<html>bad gateway</html>", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		/* Shapes we cannot read. */
		{ 200, "garbage", FAL_ERR_UNKNOWN_RESPONSE, NULL },
		{ 200, "{\"successCount\":\"1\",\"failureCount\":0}",
		  FAL_ERR_UNKNOWN_RESPONSE, NULL },
		{ 200, "{\"successCount\":0,\"failureCount\":1}",
		  FAL_ERR_UNKNOWN_RESPONSE, NULL },
		{ 200, "{\"successCount\":0,\"failureCount\":1,\"errors\":"
		  "[{\"errorInfo\":5}]}", FAL_ERR_UNKNOWN_RESPONSE, NULL },
		{ 200, "[1,2]", FAL_ERR_UNKNOWN_RESPONSE, NULL },
		{ 204, "", FAL_ERR_UNKNOWN_RESPONSE, NULL },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e);
		fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
		fake_http_push(200, DEL_OK, NULL);
		fake_http_push(cases[i].status, cases[i].body, NULL);
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    cases[i].want);
		if (cases[i].message != NULL)
			assert_string_equal(e.err.message, cases[i].message);
		/* No PIN lookup after a failed add. */
		assert_int_equal(fake_http_ncalls(), 3);
		assert_false(e.out.has_pin);
	}
}

/* 900403: the account may not register by MAC only; say so, suggest sn. */
static void
test_add_forbidden_suggests_sn(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(403, "{\"code\":900403,\"error\":\"Forbidden\","
		       "\"requestId\":\"r1\",\"message\":\"no permission\"}", NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_non_null(strstr(e.err.message, "900403"));
	assert_non_null(strstr(e.err.message, "\"sn\""));
	assert_non_null(strstr(e.err.message, "MAC only"));
}

/* The PIN: its absence, or any failure to get it, is device_pin null. */
static void
test_pin_lookup_failures(void **state)
{
	static const struct { long status; const char *body; } pins[] = {
		{ 200, "[]" },
		{ 200, "[{\"mac\":\"001122334455\",\"pin\":\"999999\"}]" },
		{ 200, "[{\"mac\":\"acde48234567\",\"pin\":123456}]" },
		{ 200, "[{\"mac\":\"acde48234567\",\"pin\":\"\"}]" },
		{ 200, "[{\"mac\":\"acde48234567\"}]" },
		{ 200, "{\"mac\":\"acde48234567\",\"pin\":\"1\"}" },
		{ 200, "garbage" },
		{ 500, "{\"code\":1,\"message\":\"pin service down\"}" },
		{ 403, "" },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		setup(NULL);
		env(&e);
		e.out.has_pin = true;
		fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
		fake_http_push(200, DEL_OK, NULL);
		fake_http_push(200, ADD_OK, NULL);
		fake_http_push(pins[i].status, pins[i].body, NULL);
		rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev),
				    FAL_OK);
		assert_false(e.out.has_pin);
	}

	setup(NULL);
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(200, ADD_OK, NULL);
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "reset");
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_string_equal(e.err.message, "");
	assert_false(e.out.has_pin);
}

/* The PIN's MAC may come in another notation. */
static void
test_pin_mac_notations(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	fake_http_push(200, ADD_OK, NULL);
	fake_http_push(200, "[{\"mac\":\"001122334455\",\"pin\":\"1\"},"
		       "{\"mac\":\"AC:DE:48:23:45:67\",\"pin\":\"4242\"}]", NULL);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	assert_true(e.out.has_pin);
	assert_string_equal(e.out.pin, "4242");
}

static void
test_deregister(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_deregister(&e.call, &e.dev),
			    FAL_OK);
	assert_int_equal(fake_http_ncalls(), 2);
	rest_assert_request(1, "POST",
			    "https://ymcs.example.com/api/v2/rps/delDevices");
	assert_api_headers(1, "tok-1");
	rest_assert_json(fake_http_call_at(1)->body,
			 "{\"deviceIdType\":\"mac\",\"deviceIds\":[\"acde48234567\"]}");
}

static void
test_deregister_answers(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
	} cases[] = {
		/* Unknown devices are what the client wanted. */
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"mac\":\"acde48234567\",\"errorInfo\":"
		  "\"device not found\"}]}", FAL_OK },
		{ 404, "{\"code\":800002,\"message\":\"not found\"}", FAL_OK },
		{ 200, "", FAL_OK },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"errorInfo\":\"device.mac.invalid\"}]}",
		  FAL_ERR_NOT_VALID_MAC },
		{ 200, "{\"total\":1,\"successCount\":0,\"failureCount\":1,"
		  "\"errors\":[{\"errorInfo\":{\"code\":800003,\"message\":\"m\"}}]}",
		  FAL_ERR_DEVICE_OWNED },
		{ 400, "{\"code\":800001,\"message\":\"bad mac\"}",
		  FAL_ERR_NOT_VALID_MAC },
		{ 500, "{\"message\":\"internal\"}", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ 500, "", FAL_ERR_REMOTE_CALL_FAILED },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e);
		fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
		fake_http_push(cases[i].status, cases[i].body, NULL);
		rest_assert_outcome(&e, ymcs()->do_deregister(&e.call, &e.dev),
				    cases[i].want);
	}
}

static void
test_deregister_401_retry(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(401, "", NULL);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	rest_assert_outcome(&e, ymcs()->do_deregister(&e.call, &e.dev),
			    FAL_OK);
	assert_api_headers(3, "tok-2");
}

/* base_url without trailing slash gives the same URLs. */
static void
test_base_url_without_slash(void **state)
{
	struct rest_env e;

	(void)state;
	rest_env_init(&e, FAL_YMCS, "https://ymcs.example.com/api", MAC, URL);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, DEL_OK, NULL);
	assert_int_equal(ymcs()->do_deregister(&e.call, &e.dev), FAL_OK);
	rest_assert_request(0, "POST", "https://ymcs.example.com/api/v2/token");
	rest_assert_request(1, "POST",
			    "https://ymcs.example.com/api/v2/rps/delDevices");
}

static void
test_flags_and_prepare(void **state)
{
	char base[] = "ftp://ymcs.example.com/";
	struct fal_provider_conf conf = { .base_url = base };
	char errbuf[128];

	(void)state;
	assert_true(ymcs()->uses_sn);
	assert_true(ymcs()->answers_pin);
	assert_false(fal_vendors[FAL_YMCS].has_crc);
	assert_int_equal(ymcs()->prepare(&conf, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "base_url"));
	conf.base_url = (char *)"https://ymcs.example.com";
	assert_int_equal(ymcs()->prepare(&conf, errbuf, sizeof(errbuf)), 0);
}

/* A lookup: token, then listDevices filtered by the MAC, nothing else. */
static void
test_lookup_lists_the_device(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e);
	fake_http_push(200, TOKEN_OK("tok-1", 7200), NULL);
	fake_http_push(200, "{\"skip\":0,\"limit\":1,\"data\":[{\"mac\":"
		       "\"acde48234567\",\"uniqueServerUrl\":\"" URL "\"}]}", NULL);
	rest_assert_outcome(&e, ymcs()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 2);
	rest_assert_request(1, "POST",
			    "https://ymcs.example.com/api/v2/rps/listDevices");
	assert_api_headers(1, "tok-1");
	rest_assert_json(fake_http_call_at(1)->body,
			 "{\"skip\":0,\"limit\":1,\"autoCount\":false,"
			 "\"filter\":{\"mac\":\"acde48234567\"}}");
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	assert_string_equal(e.out.lookup_url, URL);
	free(e.out.lookup_url);
	e.out.lookup_url = NULL;

	/* The token is cached; an empty list is not registered. */
	fake_http_reset();
	fake_http_push(200, "{\"data\":[]}", NULL);
	rest_assert_outcome(&e, ymcs()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_NOT_REGISTERED);
	assert_null(e.out.lookup_url);

	/* A refused token gets one fresh token and one retry, as elsewhere. */
	fake_http_reset();
	fake_http_push(401, "{\"code\":401002}", NULL);
	fake_http_push(200, TOKEN_OK("tok-2", 7200), NULL);
	fake_http_push(200, "{\"data\":[]}", NULL);
	rest_assert_outcome(&e, ymcs()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 3);
	assert_api_headers(2, "tok-2");

	fake_http_reset();
	fake_http_push(200, "<html>", NULL);
	rest_assert_outcome(&e, ymcs()->do_lookup(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_RESPONSE);
}

/* SPEC §1.1: %25 reaches YMCS as %, %2F stays. */
static void
test_register_pct25(void **state)
{
	struct rest_env e;

	(void)state;
	rest_env_init(&e, FAL_YMCS, BASE, MAC,
		      "https://p/a%2Fb/%25MACD.xml?x=%2F%2525");
	push_register_ok(1);
	rest_assert_outcome(&e, ymcs()->do_register(&e.call, &e.dev), FAL_OK);
	rest_assert_json(fake_http_call_at(2)->body,
			 "[{\"mac\":\"acde48234567\",\"uniqueServerUrl\":"
			 "\"https://p/a%2Fb/%MACD.xml?x=%2F%25\"}]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_sequence, setup),
		cmocka_unit_test_setup(test_nonces_never_repeat, setup),
		cmocka_unit_test_setup(test_register_with_sn, setup),
		cmocka_unit_test_setup(test_register_with_sn_bad_answer, setup),
		cmocka_unit_test_setup(test_token_cached, setup),
		cmocka_unit_test_setup(test_token_short_lived_not_cached, setup),
		cmocka_unit_test_setup(test_token_expires, setup),
		cmocka_unit_test_setup(test_401_retried_once_with_fresh_token, setup),
		cmocka_unit_test_setup(test_401_twice_is_an_error, setup),
		cmocka_unit_test_setup(test_failed_refresh_drops_refused_token,
				       setup),
		cmocka_unit_test_setup(test_register_ignores_del_answer, setup),
		cmocka_unit_test_setup(test_register_transport_failures, setup),
		cmocka_unit_test_setup(test_token_failures, setup),
		cmocka_unit_test_setup(test_add_refusals, setup),
		cmocka_unit_test_setup(test_add_forbidden_suggests_sn, setup),
		cmocka_unit_test_setup(test_pin_lookup_failures, setup),
		cmocka_unit_test_setup(test_pin_mac_notations, setup),
		cmocka_unit_test_setup(test_deregister, setup),
		cmocka_unit_test_setup(test_deregister_answers, setup),
		cmocka_unit_test_setup(test_deregister_401_retry, setup),
		cmocka_unit_test_setup(test_base_url_without_slash, setup),
		cmocka_unit_test_setup(test_flags_and_prepare, setup),
		cmocka_unit_test_setup(test_lookup_lists_the_device, setup),
		cmocka_unit_test_setup(test_register_pct25, setup),
	};

	return cmocka_run_group_tests_name("provider_ymcs", tests, NULL, NULL);
}
