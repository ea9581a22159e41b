/*
 * test_provider_fanvil.c - Fanvil's password, calls and answer mapping
 * (SPEC §2.1, §2.4), through the scripted transport.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rpc_check.h"

#define MAC12 "ACDE48234567"

static rpc_fn
fanvil_register(void)
{
	return fal_provider_get(FAL_FANVIL)->do_register;
}

static rpc_fn
fanvil_deregister(void)
{
	return fal_provider_get(FAL_FANVIL)->do_deregister;
}

/*
 * Checks recorded request i: addMaterialServer with one array holding the
 * fixed items and srv, name, prot for the URL.
 */
static void
expect_add_server(size_t i, const struct fal_provider_conf *conf,
		  const char *srv, const char *name, const char *prot)
{
	const char *want[] = {
		"cfgName=" MAC12, "cfgPfMode=1", "cfgDhcpOpt=false",
		"cfgPnpEnable=false", srv, name, prot,
	};
	const struct fake_http_call *c = fake_http_call_at(i);
	struct rpc_call rc;

	assert_non_null(c);
	assert_string_equal(c->url, conf->rpc_url);
	assert_string_equal(c->password, conf->password);
	assert_int_equal(rpc_call_parse(c->body, &rc), 0);
	assert_string_equal(rc.method, "redirect.addMaterialServer");
	assert_int_equal(rc.n_params, 1);
	assert_true(rc.params[0].is_array);
	assert_int_equal(rc.params[0].n_items, 7);
	for (size_t k = 0; k < 7; k++)
		assert_string_equal(rc.params[0].items[k], want[k]);
	rpc_call_free(&rc);
}

/* Registers url with every call succeeding; checks the server items. */
static void
expect_server_of(const char *url, const char *srv, const char *name,
		 const char *prot)
{
	struct rpc_env e;

	rpc_env_init(&e, "AC-DE-48-23-45-67", url);
	for (int k = 0; k < 4; k++)
		rpc_push_ok();
	rpc_expect_result(&e, fanvil_register()(&e.call, &e.dev), FAL_OK, 4);
	expect_add_server(1, &e.conf, srv, name, prot);
}

static void
test_prepare_hashes_password(void **state)
{
	struct fal_provider_conf conf = { 0 };
	char errbuf[128] = "";

	(void)state;
	conf.password = strdup("s3cret");
	assert_int_equal(fal_provider_get(FAL_FANVIL)->prepare(&conf, errbuf,
		sizeof(errbuf)), 0);
	/* hex(md5(hex(md5("s3cret")))), lower-case. */
	assert_string_equal(conf.password, "a7e7266234a425603b052a78553ab5ff");
	free(conf.password);

	conf.password = strdup("");
	assert_int_equal(fal_provider_get(FAL_FANVIL)->prepare(&conf, errbuf,
		sizeof(errbuf)), 0);
	assert_string_equal(conf.password, "74be16979710d4c4e7c6647856088456");
	free(conf.password);
}

/*
 * The start-up pass hashes Fanvil's password; the other XML-RPC vendors
 * keep theirs.  (The REST vendors, with hooks of their own, stay off.)
 */
static void
test_prepare_runs_for_fanvil_only(void **state)
{
	static struct fal_provider_conf confs[FAL_PROVIDER__MAX];
	struct fal_config cfg;
	char errbuf[128] = "";

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.vendors = fal_vendors;
	cfg.providers = confs;
	cfg.n_providers = FAL_PROVIDER__MAX;
	for (int id = 0; id < FAL_PROVIDER__MAX; id++) {
		cfg.providers[id].password = strdup("demo");
		cfg.providers[id].enabled =
			fal_vendors[id].kind == FAL_KIND_XMLRPC;
	}
	assert_int_equal(fal_providers_prepare(&cfg, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(cfg.providers[FAL_FANVIL].password,
			    "6c5ac7b4d3bd3311f033f971196cfa75");
	assert_string_equal(cfg.providers[FAL_GIGASET].password, "demo");
	assert_string_equal(cfg.providers[FAL_YEALINK].password, "demo");
	assert_string_equal(cfg.providers[FAL_SNOM].password, "demo");
	for (int id = 0; id < FAL_PROVIDER__MAX; id++)
		free(cfg.providers[id].password);
}

static void
test_register_calls(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac:de:48:23:45:67",
		     "https://pbx.example.com/provisioning/fanvil/");
	for (int k = 0; k < 4; k++)
		rpc_push_ok();
	rpc_expect_result(&e, fanvil_register()(&e.call, &e.dev), FAL_OK, 4);
	rpc_expect_call(0, &e.conf, "redirect.deleteServer", 1, MAC12);
	expect_add_server(1, &e.conf, "cfgPfSrv=pbx.example.com",
			  "cfgPfName=provisioning/fanvil/", "cfgPfProt=5");
	rpc_expect_call(2, &e.conf, "redirect.deRegisterDevice", 1, MAC12);
	rpc_expect_call(3, &e.conf, "redirect.registerDevice", 2, MAC12, MAC12);
}

static void
test_server_items(void **state)
{
	(void)state;
	expect_server_of("ftp://10.1.2.3/cfg", "cfgPfSrv=10.1.2.3",
			 "cfgPfName=cfg", "cfgPfProt=1");
	expect_server_of("tftp://10.1.2.3:6969/a/b.cfg", "cfgPfSrv=10.1.2.3:6969",
			 "cfgPfName=a/b.cfg", "cfgPfProt=2");
	expect_server_of("http://pbx:80/p", "cfgPfSrv=pbx:80", "cfgPfName=p",
			 "cfgPfProt=4");
	expect_server_of("HTTPS://PBX.example.com:8443/Prov",
			 "cfgPfSrv=PBX.example.com:8443", "cfgPfName=Prov",
			 "cfgPfProt=5");
	expect_server_of("https://pbx", "cfgPfSrv=pbx", "cfgPfName=",
			 "cfgPfProt=5");
	expect_server_of("https://[2001:db8::1]:444/x/%7e/{mac}",
			 "cfgPfSrv=[2001:db8::1]:444", "cfgPfName=x/%7e/{mac}",
			 "cfgPfProt=5");
}

/* No field for a query: it stays on the path, as the client wrote it. */
static void
test_query_kept_on_path(void **state)
{
	(void)state;
	expect_server_of("https://pbx/prov/?tenant=a&k=%20", "cfgPfSrv=pbx",
			 "cfgPfName=prov/?tenant=a&k=%20", "cfgPfProt=5");
	expect_server_of("http://pbx?x=1", "cfgPfSrv=pbx", "cfgPfName=?x=1",
			 "cfgPfProt=4");
	/* User info and fragment never reach the phone. */
	expect_server_of("http://u:pw@pbx/p#frag", "cfgPfSrv=pbx",
			 "cfgPfName=p", "cfgPfProt=4");
}

static void
test_delete_server_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "Error:server_not_exist", FAL_OK },
		{ "Error: mac_format_error", FAL_ERR_NOT_VALID_MAC },
		{ "Error:device_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "Error: server_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "http://pbx/p");
	rpc_expect_refusals(&e, fanvil_register(), 0, cases,
			    sizeof(cases) / sizeof(cases[0]));
	rpc_expect_failures(&e, fanvil_register(), 0);
}

/* addMaterialServer and registerDevice tolerate nothing. */
static const struct rpc_case strict_cases[] = {
	{ "Error: url_format_error", FAL_ERR_MALFORMED_URL },
	{ "Error: mac_format_error", FAL_ERR_NOT_VALID_MAC },
	{ "Error: device_had_existed", FAL_ERR_DEVICE_OWNED },
	{ "Error:url_format_error", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error: device_had_existed!", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:server_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error:device_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	{ "Error: server_had_existed", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
};

static void
test_add_server_refusals(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "http://pbx/p");
	rpc_expect_refusals(&e, fanvil_register(), 1, strict_cases,
			    sizeof(strict_cases) / sizeof(strict_cases[0]));
	rpc_expect_failures(&e, fanvil_register(), 1);
}

/* The deRegisterDevice of a registration: only its delivery counts. */
static void
test_unbind_result_ignored(void **state)
{
	static const struct rpc_case cases[] = {
		{ "Error:device_not_exist", FAL_OK },
		{ "Error: mac_format_error", FAL_OK },
		{ "whatever", FAL_OK },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "http://pbx/p");
	rpc_expect_refusals(&e, fanvil_register(), 2, cases,
			    sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(fake_http_ncalls(), 4);
	rpc_expect_failure(&e, fanvil_register(), 2, RPC_GARBAGE, FAL_OK);
	rpc_expect_failure(&e, fanvil_register(), 2, RPC_FAULT, FAL_OK);
	assert_int_equal(fake_http_ncalls(), 4);
	rpc_expect_failure(&e, fanvil_register(), 2, RPC_HTTP_500,
			   FAL_ERR_REMOTE_CALL_FAILED);
	rpc_expect_failure(&e, fanvil_register(), 2, RPC_CONNECT,
			   FAL_ERR_CONNECTION_FAILED);
	rpc_expect_failure(&e, fanvil_register(), 2, RPC_CUT,
			   FAL_ERR_READ_RESPONSE_FAILED);
}

static void
test_register_device_refusals(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", "http://pbx/p");
	rpc_expect_refusals(&e, fanvil_register(), 3, strict_cases,
			    sizeof(strict_cases) / sizeof(strict_cases[0]));
	rpc_expect_failures(&e, fanvil_register(), 3);
}

static void
test_deregister_calls(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac-de-48-23-45-67", NULL);
	rpc_push_ok();
	rpc_push_ok();
	rpc_expect_result(&e, fanvil_deregister()(&e.call, &e.dev), FAL_OK, 2);
	rpc_expect_call(0, &e.conf, "redirect.deRegisterDevice", 1, MAC12);
	rpc_expect_call(1, &e.conf, "redirect.deleteServer", 1, MAC12);

	/* Neither the device nor its server known: done, both asked. */
	fake_http_reset();
	rpc_push_refusal("Error:device_not_exist");
	rpc_push_refusal("Error:server_not_exist");
	rpc_expect_result(&e, fanvil_deregister()(&e.call, &e.dev), FAL_OK, 2);
	rpc_expect_call(1, &e.conf, "redirect.deleteServer", 1, MAC12);
}

static void
test_deregister_refusals(void **state)
{
	static const struct rpc_case cases[] = {
		{ "Error:device_not_exist", FAL_OK },
		{ "Error:server_not_exist", FAL_OK },
		{ "Error: mac_format_error", FAL_ERR_NOT_VALID_MAC },
		{ "Error: device_had_existed", FAL_ERR_DEVICE_OWNED },
		{ "Error: url_format_error", FAL_ERR_MALFORMED_URL },
		{ "Error:device_not_exist ", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
		{ "Error: permission_denied", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	for (size_t n_ok = 0; n_ok < 2; n_ok++) {
		rpc_expect_refusals(&e, fanvil_deregister(), n_ok, cases,
				    sizeof(cases) / sizeof(cases[0]));
		rpc_expect_failures(&e, fanvil_deregister(), n_ok);
	}
}

/*
 * SPEC §1.1: split as sent, then %25 sent as % in each piece; %2F and
 * the rest stay as they are.
 */
static void
test_server_pct25(void **state)
{
	(void)state;
	expect_server_of("https://pbx.example.com/prov%2Fa/tok/%25MACD.xml?d=%2F%2525", "cfgPfSrv=pbx.example.com",
			 "cfgPfName=prov%2Fa/tok/%MACD.xml?d=%2F%25",
			 "cfgPfProt=5");
	expect_server_of("http://pbx:8080/t/%25MACD.cfg", "cfgPfSrv=pbx:8080",
			 "cfgPfName=t/%MACD.cfg", "cfgPfProt=4");
}

static void
test_lookup_call(void **state)
{
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "ac-de-48-23-45-67", NULL);
	rpc_push_answer(true, MAC12);
	rpc_expect_result(&e, rpc_lookup_of(FAL_FANVIL)(&e.call, &e.dev),
			  FAL_OK, 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	rpc_expect_call(0, &e.conf, "redirect.checkDevice", 1, MAC12);
}

static void
test_lookup_answers(void **state)
{
	static const struct rpc_lookup_case cases[] = {
		{ true, MAC12, FAL_OK, FAL_LOOKUP_REGISTERED },
		{ true, "OK", FAL_OK, FAL_LOOKUP_REGISTERED },
		{ false, "Error:device_not_exist", FAL_OK,
		  FAL_LOOKUP_NOT_REGISTERED },
		{ false, "Error: mac_format_error", FAL_ERR_NOT_VALID_MAC, 0 },
		{ false, "Error: device_had_existed", FAL_ERR_DEVICE_OWNED, 0 },
		{ false, "Error:server_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
		{ false, "Error: device_not_exist", FAL_ERR_UNKNOWN_PROVIDER_ERROR, 0 },
	};
	struct rpc_env e;

	(void)state;
	rpc_env_init(&e, "AC-DE-48-23-45-67", NULL);
	rpc_expect_lookups(&e, rpc_lookup_of(FAL_FANVIL), cases,
			   sizeof(cases) / sizeof(cases[0]), 0);
	rpc_expect_lookup_failures(&e, rpc_lookup_of(FAL_FANVIL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_hashes_password),
		cmocka_unit_test(test_prepare_runs_for_fanvil_only),
		cmocka_unit_test(test_register_calls),
		cmocka_unit_test(test_server_items),
		cmocka_unit_test(test_query_kept_on_path),
		cmocka_unit_test(test_delete_server_refusals),
		cmocka_unit_test(test_add_server_refusals),
		cmocka_unit_test(test_unbind_result_ignored),
		cmocka_unit_test(test_register_device_refusals),
		cmocka_unit_test(test_deregister_calls),
		cmocka_unit_test(test_deregister_refusals),
		cmocka_unit_test(test_server_pct25),
		cmocka_unit_test(test_lookup_call),
		cmocka_unit_test(test_lookup_answers),
	};
	int rc = cmocka_run_group_tests_name("provider_fanvil", tests, NULL,
					     NULL);

	fake_http_reset();
	return rc;
}
