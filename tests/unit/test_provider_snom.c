/*
 * test_provider_snom.c - Snom's calls and answer mapping (SPEC §2.1,
 * §2.4), through the scripted transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rpc_check.h"

#define URL "https://pbx.example.com/provisioning/?a=1&b=<2>"

static rpc_fn
snom_register(void)
{
	return fal_provider_get(FAL_SNOM)->do_register;
}

static rpc_fn
snom_deregister(void)
{
	return fal_provider_get(FAL_SNOM)->do_deregister;
}

static void
test_register_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac:de:48:23:45:67", URL);
	rpc_push_ok();
	rpc_expect_result(&e, snom_register()(&e.call, &e.dev), FAL_OK, 1);
	/* The URL comes back from the XML byte for byte: escaped, not mangled. */
	rpc_expect_call(0, &e.conf, "redirect.registerPhone", 2,
			"ACDE48234567", URL);
}

static void
test_deregister_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	rpc_push_ok();
	rpc_expect_result(&e, snom_deregister()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "redirect.deregisterPhone", 1,
			"ACDE48234567");
}

static void
test_register_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "Error:malformed_url", FAL_ERR_MALFORMED_URL },
		{ "Error:malformed_mac", FAL_ERR_NOT_VALID_MAC },
		{ "Error:owned_by_other_user", FAL_ERR_DEVICE_OWNED },
		/* Exact texts only: neither more nor a different case. */
		{ "Error:malformed_url ", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "error:malformed_mac", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		/* Only deregistering tolerates an unknown device. */
		{ "Error:no_such_mac", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "Error:quota_exceeded", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", URL);
	rpc_expect_refusals(&e, snom_register(), 0, cases,
			    sizeof(cases) / sizeof(cases[0]));
}

static void
test_deregister_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "Error:no_such_mac", FAL_OK },
		{ "Error:malformed_mac", FAL_ERR_NOT_VALID_MAC },
		{ "Error:owned_by_other_user", FAL_ERR_DEVICE_OWNED },
		{ "Error:no_such_mac!", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "Error:busy", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	rpc_expect_refusals(&e, snom_deregister(), 0, cases,
			    sizeof(cases) / sizeof(cases[0]));
}

static void
test_failures(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", URL);
	rpc_expect_failures(&e, snom_register(), 0);
	rpc_expect_failures(&e, snom_deregister(), 0);
}

/* Queues getPhoneRedirection's [true, company, url]. */
static void
push_redirection(const char *url)
{
	char body[1024];

	snprintf(body, sizeof(body),
		 "<?xml version=\"1.0\"?><methodResponse><params><param><value>"
		 "<array><data><value><boolean>1</boolean></value>"
		 "<value><string>Example PBX</string></value>"
		 "<value><string>%s</string></value></data></array>"
		 "</value></param></params></methodResponse>", url);
	fake_http_push(200, body, NULL);
}

static void
test_lookup_registered_with_url(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac:de:48:23:45:67", NULL);
	rpc_push_ok();
	push_redirection("https://pbx.example.com/p/?a=1&amp;b=%MACD");
	rpc_expect_result(&e, rpc_lookup_of(FAL_SNOM)(&e.call, &e.dev), FAL_OK,
			  2);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	assert_string_equal(e.out.lookup_url,
			    "https://pbx.example.com/p/?a=1&b=%MACD");
	rpc_expect_call(0, &e.conf, "redirect.checkPhone", 1, "ACDE48234567");
	rpc_expect_call(1, &e.conf, "redirect.getPhoneRedirection", 1,
			"ACDE48234567");
	free(e.out.lookup_url);
}

/* An empty URL, or a second call that fails in any way: URL unknown. */
static void
test_lookup_url_unknown(void **state)
{
	static const enum rpc_failure failures[] = {
		RPC_HTTP_500, RPC_CONNECT, RPC_CUT, RPC_GARBAGE, RPC_FAULT
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	for (size_t i = 0; i < 3 + sizeof(failures) / sizeof(failures[0]); i++) {
		fake_http_reset();
		fal_error_clear(&e.err);
		rpc_push_ok();
		if (i == 0)
			push_redirection("");
		else if (i == 1)
			rpc_push_answer(true, "Example PBX");  /* no third */
		else if (i == 2)
			rpc_push_refusal("Error:no_such_mac");
		else
			rpc_push_failure(failures[i - 3]);
		rpc_expect_result(&e, rpc_lookup_of(FAL_SNOM)(&e.call, &e.dev),
				  FAL_OK, 2);
		assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
		assert_null(e.out.lookup_url);
		assert_int_equal(e.err.code, FAL_OK);
	}
}

static void
test_lookup_answers(void **state)
{
	static const struct rpc_lookup_case cases[] = {
		{ true, "OK", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ true, "", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ false, "Error:no_such_mac", FAL_OK, FAL_LOOKUP_NOT_REGISTERED },
		{ false, "Error:owned_by_other_user", FAL_OK, FAL_LOOKUP_ELSEWHERE },
		{ false, "Error:malformed_mac", FAL_ERR_NOT_VALID_MAC, 0 },
		{ false, "Error:no_such_mac ", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		{ false, "error:no_such_mac", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		{ false, "Error:busy", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	rpc_expect_lookups(&e, rpc_lookup_of(FAL_SNOM), cases,
			   sizeof(cases) / sizeof(cases[0]), 1);
	rpc_expect_lookup_failures(&e, rpc_lookup_of(FAL_SNOM));
}

/* SPEC §1.1: %25 reaches Snom as %, nothing else is decoded. */
static void
test_register_pct25(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "https://pbx.example.com/prov%2Fa/tok/%25MACD.xml?d=%2F%2525");
	rpc_push_ok();
	rpc_expect_result(&e, snom_register()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "redirect.registerPhone", 2,
			"ACDE48234567", "https://pbx.example.com/prov%2Fa/tok/%MACD.xml?d=%2F%25");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_call),
		cmocka_unit_test(test_deregister_call),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_deregister_refusals),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_lookup_registered_with_url),
		cmocka_unit_test(test_lookup_url_unknown),
		cmocka_unit_test(test_lookup_answers),
		cmocka_unit_test(test_register_pct25),
	};
	int rc = cmocka_run_group_tests_name("provider_snom", tests, NULL, NULL);

	fake_http_reset();
	return rc;
}
