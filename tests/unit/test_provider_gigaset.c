/*
 * test_provider_gigaset.c - Gigaset's calls and answer mapping (SPEC
 * §2.1, §2.4), through the scripted transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rpc_check.h"

#define URL "https://pbx.example.com/provisioning/{mac}.xml?k=1&x=<'>"

static rpc_fn
gigaset_register(void)
{
	return fal_provider_get(FAL_GIGASET)->do_register;
}

static rpc_fn
gigaset_deregister(void)
{
	return fal_provider_get(FAL_GIGASET)->do_deregister;
}

/* A Gigaset device whose label says crc (already upper-cased). */
static void
gigaset_env(struct rpc_env *e, const char *url, const char *crc)
{
	rpc_env_init(e, "ac-de-48-23-45-67", url);
	snprintf(e->dev.crc, sizeof(e->dev.crc), "%s", crc);
}

static void
test_validates_crc(void **state)
{
	(void)state;
	/* The request layer checks `crc` only for providers asking for it. */
	assert_true(fal_vendors[FAL_GIGASET].has_crc);
	assert_false(fal_vendors[FAL_SNOM].has_crc);
}

static void
test_register_calls(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	rpc_push_ok();
	rpc_push_ok();
	rpc_expect_result(&e, gigaset_register()(&e.call, &e.dev), FAL_OK, 2);
	rpc_expect_call(0, &e.conf, "autoprov.deregisterDevice", 1,
			"ACDE48234567-AB12");
	rpc_expect_call(1, &e.conf, "autoprov.registerDevice", 3,
			"ACDE48234567-AB12", URL, "Falconieri");
}

static void
test_disable_crc_ignores_crc(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	e.conf.disable_crc = true;
	rpc_push_ok();
	rpc_push_ok();
	rpc_expect_result(&e, gigaset_register()(&e.call, &e.dev), FAL_OK, 2);
	rpc_expect_call(0, &e.conf, "autoprov.deregisterDevice", 1,
			"ACDE48234567");
	rpc_expect_call(1, &e.conf, "autoprov.registerDevice", 3,
			"ACDE48234567", URL, "Falconieri");

	fake_http_reset();
	gigaset_env(&e, NULL, "");
	e.conf.disable_crc = true;
	rpc_push_ok();
	rpc_expect_result(&e, gigaset_deregister()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "autoprov.deregisterDevice", 1,
			"ACDE48234567");
}

static void
test_deregister_call(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, NULL, "Z9Y8");
	rpc_push_ok();
	rpc_expect_result(&e, gigaset_deregister()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "autoprov.deregisterDevice", 1,
			"ACDE48234567-Z9Y8");
}

/* The first deregisterDevice of a registration: only its delivery counts. */
static void
test_register_first_call_result_ignored(void **state)
{
	static const struct rpc_case cases[] = {
		{ "mac_not_found: ACDE48234567-AB12", FAL_OK },
		{ "mac_invalid: nope", FAL_OK },
		{ "mac_already_in_use: someone else's", FAL_OK },
		{ "anything at all", FAL_OK },
	};
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	rpc_expect_refusals(&e, gigaset_register(), 0, cases,
			    sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(fake_http_ncalls(), 2);
	rpc_expect_failure(&e, gigaset_register(), 0, RPC_GARBAGE, FAL_OK);
	rpc_expect_failure(&e, gigaset_register(), 0, RPC_FAULT, FAL_OK);
	assert_int_equal(fake_http_ncalls(), 2);
}

static void
test_register_first_call_delivery_counts(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	rpc_expect_failure(&e, gigaset_register(), 0, RPC_HTTP_500,
			   FAL_ERR_REMOTE_CALL_FAILED);
	rpc_expect_failure(&e, gigaset_register(), 0, RPC_CONNECT,
			   FAL_ERR_CONNECTION_FAILED);
	rpc_expect_failure(&e, gigaset_register(), 0, RPC_CUT,
			   FAL_ERR_READ_RESPONSE_FAILED);
}

static void
test_register_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "url_invalid: bad url", FAL_ERR_MALFORMED_URL },
		{ "url_invalid:", FAL_ERR_MALFORMED_URL },
		{ "mac_not_exist: ACDE48234567-AB12", FAL_ERR_NOT_VALID_MAC },
		{ "mac_invalid: ACDE48234567-AB12", FAL_ERR_NOT_VALID_MAC },
		{ "mac_already_in_use: other provider", FAL_ERR_DEVICE_OWNED },
		/* Prefixes as written: at the start, with the colon, same case. */
		{ " url_invalid: x", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "url_invalid", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "MAC_INVALID: x", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		/* An unknown device is fine to deregister, not to register. */
		{ "mac_not_found: x", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "quota_exceeded: 100 devices", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	rpc_expect_refusals(&e, gigaset_register(), 1, cases,
			    sizeof(cases) / sizeof(cases[0]));
}

static void
test_counted_call_failures(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, URL, "AB12");
	rpc_expect_failures(&e, gigaset_register(), 1);
	rpc_expect_failures(&e, gigaset_deregister(), 0);
}

static void
test_deregister_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "mac_not_found: ACDE48234567-AB12", FAL_OK },
		{ "mac_not_found:", FAL_OK },
		{ "mac_invalid: x", FAL_ERR_NOT_VALID_MAC },
		{ "mac_not_exist: x", FAL_ERR_NOT_VALID_MAC },
		{ "mac_already_in_use: x", FAL_ERR_DEVICE_OWNED },
		{ "url_invalid: x", FAL_ERR_MALFORMED_URL },
		{ "mac_not_found", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "server busy", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, NULL, "AB12");
	rpc_expect_refusals(&e, gigaset_deregister(), 0, cases,
			    sizeof(cases) / sizeof(cases[0]));
}

/* SPEC §1.1: NethVoice's %25MACD reaches Gigaset as its %MACD. */
static void
test_register_pct25(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, "https://pbx.example.com/prov%2Fa/tok/%25MACD.xml?d=%2F%2525", "AB12");
	rpc_push_ok();
	rpc_push_ok();
	rpc_expect_result(&e, gigaset_register()(&e.call, &e.dev), FAL_OK, 2);
	rpc_expect_call(1, &e.conf, "autoprov.registerDevice", 3,
			"ACDE48234567-AB12", "https://pbx.example.com/prov%2Fa/tok/%MACD.xml?d=%2F%25", "Falconieri");
}

static void
test_lookup_call(void **state)
{
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, NULL, "AB12");
	rpc_push_ok();
	rpc_expect_result(&e, rpc_lookup_of(FAL_GIGASET)(&e.call, &e.dev),
			  FAL_OK, 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	rpc_expect_call(0, &e.conf, "autoprov.checkDevice", 1,
			"ACDE48234567-AB12");
	/* The id is MAC12 alone with disable_crc, as on register. */
	fake_http_reset();
	e.conf.disable_crc = true;
	rpc_push_refusal("mac_not_found: ACDE48234567");
	rpc_expect_result(&e, rpc_lookup_of(FAL_GIGASET)(&e.call, &e.dev),
			  FAL_OK, 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_NOT_REGISTERED);
	rpc_expect_call(0, &e.conf, "autoprov.checkDevice", 1, "ACDE48234567");
}

static void
test_lookup_answers(void **state)
{
	static const struct rpc_lookup_case cases[] = {
		{ true, "device registered", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ true, "mac_not_found: x", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ false, "mac_not_found: ACDE48234567-AB12", FAL_OK,
		  FAL_LOOKUP_NOT_REGISTERED },
		{ false, "mac_not_found:", FAL_OK, FAL_LOOKUP_NOT_REGISTERED },
		{ false, "mac_invalid: bad id", FAL_ERR_NOT_VALID_MAC, 0 },
		/* Not listed for lookups: mapped as on register. */
		{ false, "mac_not_exist: x", FAL_ERR_NOT_VALID_MAC, 0 },
		{ false, "mac_already_in_use: x", FAL_ERR_DEVICE_OWNED, 0 },
		{ false, "MAC_NOT_FOUND: x", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		{ false, "server busy", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
	};
	struct rpc_env e;

	(void)state;
	gigaset_env(&e, NULL, "AB12");
	rpc_expect_lookups(&e, rpc_lookup_of(FAL_GIGASET), cases,
			   sizeof(cases) / sizeof(cases[0]), 0);
	rpc_expect_lookup_failures(&e, rpc_lookup_of(FAL_GIGASET));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validates_crc),
		cmocka_unit_test(test_register_calls),
		cmocka_unit_test(test_disable_crc_ignores_crc),
		cmocka_unit_test(test_deregister_call),
		cmocka_unit_test(test_register_first_call_result_ignored),
		cmocka_unit_test(test_register_first_call_delivery_counts),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_counted_call_failures),
		cmocka_unit_test(test_deregister_refusals),
		cmocka_unit_test(test_register_pct25),
		cmocka_unit_test(test_lookup_call),
		cmocka_unit_test(test_lookup_answers),
	};
	int rc = cmocka_run_group_tests_name("provider_gigaset", tests, NULL,
					     NULL);

	fake_http_reset();
	return rc;
}
