/*
 * test_provider_snom.c - Snom's calls and answer mapping (SPEC §2.1),
 * through the scripted transport.
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
	return fal_provider_get(FAL_SNOM)->register_device;
}

static rpc_fn
snom_deregister(void)
{
	return fal_provider_get(FAL_SNOM)->deregister_device;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_call),
		cmocka_unit_test(test_deregister_call),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_deregister_refusals),
		cmocka_unit_test(test_failures),
	};
	int rc = cmocka_run_group_tests_name("provider_snom", tests, NULL, NULL);

	fake_http_reset();
	return rc;
}
