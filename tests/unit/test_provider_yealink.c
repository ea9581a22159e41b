/*
 * test_provider_yealink.c - Yealink's legacy RPS calls and answer mapping
 * (SPEC §2.1), through the scripted transport.
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
	return fal_provider_get(FAL_YEALINK)->register_device;
}

static rpc_fn
yealink_deregister(void)
{
	return fal_provider_get(FAL_YEALINK)->deregister_device;
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_call),
		cmocka_unit_test(test_deregister_call),
		cmocka_unit_test(test_refusals_and_failures),
	};
	int rc = cmocka_run_group_tests_name("provider_yealink", tests, NULL,
					     NULL);

	fake_http_reset();
	return rc;
}
