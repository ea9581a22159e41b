/*
 * test_provider_yealink.c - Yealink's legacy RPS calls and answer mapping
 * (SPEC §2.1, §2.4), through the scripted transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rpc_check.h"

#define URL "http://pbx.example.com:8080/y/?mac=$mac&t=\"1\""
#define BAD_URL "Error:The url can only begin with 'http://' or " \
	"'https://' or 'ftp://' or 'tftp://'"

static rpc_fn
yealink_register(void)
{
	return fal_provider_get(FAL_YEALINK)->do_register;
}

static rpc_fn
yealink_deregister(void)
{
	return fal_provider_get(FAL_YEALINK)->do_deregister;
}

static void
test_register_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac:de:48:23:45:6f", URL);
	rpc_push_ok();
	rpc_expect_result(&e, yealink_register()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "redirect.registerDeviceWithUniqueUrl", 4,
			"AC-DE-48-23-45-6F", "Falconieri", URL, "1");
}

static void
test_deregister_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac-de-48-23-45-6f", NULL);
	rpc_push_ok();
	rpc_expect_result(&e, yealink_deregister()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "redirect.deRegisterDevice", 1,
			"AC-DE-48-23-45-6F");
}

/* What both calls map alike. */
static const struct rpc_case yealink_cases[] = {
	{ BAD_URL, FAL_ERR_MALFORMED_URL },
	{ "Error:abcdefghij", FAL_ERR_DEVICE_OWNED },
	{ "Error:0123456789", FAL_ERR_DEVICE_OWNED },
	{ "Error:k3x9q0m2zz", FAL_ERR_DEVICE_OWNED },
	/* The owner code is exactly ten lower-case letters or digits. */
	{ "Error:abcdefghi", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:abcdefghijk", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:ABCDEFGHIJ", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:abcde-ghij", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:abcdefghij ", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "xError:abcdefghij", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "error:abcdefghij", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	/* The URL text is matched whole, as written. */
	{ "Error:The url can only begin with 'http://'",
	  FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ BAD_URL ".", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:Invalid MAC address", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:The device already exists", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
};

/* Both calls read every refusal and failure alike. */
static void
test_refusals_and_failures(void **state)
{
	const rpc_fn fns[] = { yealink_register(), yealink_deregister() };
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", URL);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rpc_expect_refusals(&e, fns[i], 0, yealink_cases,
				    sizeof(yealink_cases) / sizeof(yealink_cases[0]));
		rpc_expect_failures(&e, fns[i], 0);
	}
}

/* SPEC §1.1: %25 reaches RPS as %, nothing else is decoded. */
static void
test_register_pct25(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "https://pbx.example.com/prov%2Fa/tok/%25MACD.xml?d=%2F%2525");
	rpc_push_ok();
	rpc_expect_result(&e, yealink_register()(&e.call, &e.dev), FAL_OK, 1);
	rpc_expect_call(0, &e.conf, "redirect.registerDeviceWithUniqueUrl", 4,
			"AC-DE-48-23-45-67", "Falconieri", "https://pbx.example.com/prov%2Fa/tok/%MACD.xml?d=%2F%25", "1");
}

static void
test_lookup_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac:de:48:23:45:6f", NULL);
	rpc_push_answer(true, "Registered");
	rpc_expect_result(&e, rpc_lookup_of(FAL_YEALINK)(&e.call, &e.dev),
			  FAL_OK, 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	rpc_expect_call(0, &e.conf, "redirect.checkDevice", 1,
			"AC-DE-48-23-45-6F");
}

/* The state is in the words, whatever the flag; case does not count. */
static void
test_lookup_answers(void **state)
{
	static const struct rpc_lookup_case cases[] = {
		{ true, "Registered", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ true, "REGISTERED", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ false, "registered", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ true, "Unregistered", FAL_OK, FAL_LOOKUP_NOT_REGISTERED },
		{ true, "unknown", FAL_OK, FAL_LOOKUP_NOT_REGISTERED },
		{ true, "Registered elsewhere", FAL_OK, FAL_LOOKUP_ELSEWHERE },
		{ true, "registered ELSEWHERE", FAL_OK, FAL_LOOKUP_ELSEWHERE },
		{ true, "Error:Invalid MAC", FAL_ERR_NOT_VALID_MAC, 0 },
		{ false, "Error:Invalid MAC", FAL_ERR_NOT_VALID_MAC, 0 },
		{ false, "Error:abcde12345", FAL_ERR_DEVICE_OWNED, 0 },
		{ true, "Error:busy", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		{ false, "Maintenance", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		/* A success in words RPS does not use is no known answer. */
		{ true, "Registered!", FAL_ERR_UNKNOWN_RESPONSE, 0 },
		{ true, "", FAL_ERR_UNKNOWN_RESPONSE, 0 },
		{ true, "OK", FAL_ERR_UNKNOWN_RESPONSE, 0 },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	rpc_expect_lookups(&e, rpc_lookup_of(FAL_YEALINK), cases,
			   sizeof(cases) / sizeof(cases[0]), 0);
	rpc_expect_lookup_failures(&e, rpc_lookup_of(FAL_YEALINK));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_call),
		cmocka_unit_test(test_deregister_call),
		cmocka_unit_test(test_refusals_and_failures),
		cmocka_unit_test(test_register_pct25),
		cmocka_unit_test(test_lookup_call),
		cmocka_unit_test(test_lookup_answers),
	};
	int rc = cmocka_run_group_tests_name("provider_yealink", tests, NULL,
					     NULL);

	fake_http_reset();
	return rc;
}
