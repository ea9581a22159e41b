/*
 * test_device.c - lib/device.c and the guard of lib/http.c: one outcome
 * per action, the vendor's echo of a secret masked, and every vendor call
 * of an action bounded by one timeout_ms budget and by the client's
 * presence.  The vendor here is made up (the library knows none); its
 * calls go to the scripted transport.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/clock.h"
#include "../../lib/device.h"
#include "../../lib/secret.h"
#include "fake_http.h"

/* The made-up vendor makes this many calls, stopping at the first failure. */
static int dialogue_calls;

static enum fal_err
dialogue(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_http_req req = { .method = "GET",
					  .url = "https://vendor.test/x" };
	struct fal_http_resp resp;
	enum fal_err rc = FAL_OK;

	(void)dev;
	for (int i = 0; i < dialogue_calls && rc == FAL_OK; i++) {
		rc = fal_http_do(call->http, &req, &resp, call->err);
		if (rc == FAL_OK && resp.status != 200)
			rc = fal_error_set(call->err,
					   FAL_ERR_UNKNOWN_PROVIDER_ERROR,
					   "vendor says: %s", resp.body);
		fal_http_resp_free(&resp);
	}
	if (rc == FAL_OK) {
		call->out->has_pin = true;
		snprintf(call->out->pin, sizeof(call->out->pin), "4711");
	}
	return rc;
}

/* The made-up vendor's lookup: this state, and always a URL. */
static enum fal_lookup_state lookup_says;

static enum fal_err
lookup(struct fal_call *call, const struct fal_device *dev)
{
	(void)dev;
	call->out->lookup_state = lookup_says;
	call->out->lookup_url = strdup("https://pbx.example.com/p/");
	return call->out->lookup_url != NULL ? FAL_OK : FAL_ERR_INTERNAL;
}

static const struct fal_provider vendor = {
	.do_register = dialogue,
	.do_deregister = dialogue,
};

static const struct fal_provider looking_vendor = {
	.do_lookup = lookup,
};

static char password[] = "pw-Secret-9";
static char empty[] = "";
static const struct fal_provider_conf conf = {
	.user = empty, .password = password, .rpc_url = empty,
	.base_url = empty, .client_id = empty, .client_secret = empty,
	.enabled = true,
};
static struct fal_config cfg = { .timeout_ms = 4000 };
static struct fal_http *http;
static struct fal_device dev;

static int
setup(void **state)
{
	(void)state;
	fake_http_reset();
	dialogue_calls = 1;
	if (http == NULL)
		http = fake_http_new(&cfg);
	return http == NULL;
}

static int
group_teardown(void **state)
{
	(void)state;
	fal_http_free(http);
	fake_http_reset();
	return 0;
}

static bool
gone(void *ctx)
{
	(*(int *)ctx)++;
	return true;
}

/* A guard with ms of budget left. */
static struct fal_guard
budget(long ms)
{
	return (struct fal_guard){ .deadline_ms = fal_clock_ms() + ms };
}

static void
test_success_outcome(void **state)
{
	struct fal_guard g = budget(4000);
	struct fal_outcome out;

	(void)state;
	fake_http_push(200, "ok", "Retry-After: 7\r\n");
	assert_int_equal(fal_device_do(&vendor, &conf, http, &g,
				       FAL_ACTION_REGISTER, &dev, &out), FAL_OK);
	assert_int_equal(out.err.code, FAL_OK);
	assert_string_equal(out.err.message, "");
	assert_true(out.has_pin);
	assert_string_equal(out.pin, "4711");
	assert_int_equal(out.retry_after_ms, 7000);
	assert_true(out.vendor_ms >= 0);
	assert_null(out.lookup_url);
	fal_outcome_free(&out);
}

/* The one outcome carries the failure, its message masked of our secrets. */
static void
test_failure_outcome_masks_secret(void **state)
{
	struct fal_outcome out;

	(void)state;
	assert_int_equal(fal_secret_add(password, false), 0);
	fake_http_push(500, "bad password pw-Secret-9 for acct", NULL);
	assert_int_equal(fal_device_do(&vendor, &conf, http, NULL,
				       FAL_ACTION_DEREGISTER, &dev, &out),
			 FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_int_equal(out.err.code, FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_null(strstr(out.err.message, "pw-Secret-9"));
	assert_non_null(strstr(out.err.message, "***"));
	assert_false(out.has_pin);
	assert_int_equal(out.retry_after_ms, -1);
	fal_outcome_free(&out);
	fal_secret_forget_all();
}

/* A lookup the vendor does not implement is refused without a call. */
static void
test_unimplemented_action(void **state)
{
	struct fal_outcome out;

	(void)state;
	assert_int_equal(fal_device_do(&vendor, &conf, http, NULL,
				       FAL_ACTION_LOOKUP, &dev, &out),
			 FAL_ERR_METHOD_NOT_ALLOWED);
	assert_int_equal(fake_http_ncalls(), 0);
	fal_outcome_free(&out);
}

/*
 * SPEC §1.8: the URL only for a registered device, whatever the vendor
 * said; the GET answer and the batch check outcome both rely on it.
 */
static void
test_lookup_url_only_when_registered(void **state)
{
	static const enum fal_lookup_state states[] = {
		FAL_LOOKUP_REGISTERED, FAL_LOOKUP_ELSEWHERE,
		FAL_LOOKUP_NOT_REGISTERED };
	struct fal_outcome out;

	(void)state;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		lookup_says = states[i];
		assert_int_equal(fal_device_do(&looking_vendor, &conf, http,
					       NULL, FAL_ACTION_LOOKUP, &dev,
					       &out), FAL_OK);
		assert_int_equal(out.lookup_state, states[i]);
		if (states[i] == FAL_LOOKUP_REGISTERED)
			assert_string_equal(out.lookup_url,
					    "https://pbx.example.com/p/");
		else
			assert_null(out.lookup_url);
		fal_outcome_free(&out);
	}
}

/* A client that has gone gets no vendor call at all. */
static void
test_gone_client_makes_no_call(void **state)
{
	int asked = 0;
	struct fal_guard g = budget(4000);
	struct fal_outcome out;

	(void)state;
	g.gone = gone;
	g.gone_ctx = &asked;
	fake_http_push(200, "ok", NULL);
	assert_int_equal(fal_device_do(&vendor, &conf, http, &g,
				       FAL_ACTION_REGISTER, &dev, &out),
			 FAL_ERR_CLIENT_GONE);
	assert_int_equal(asked, 1);
	assert_int_equal(fake_http_ncalls(), 0);
	assert_string_equal(fal_err_code(out.err.code), "client_gone");
	fal_outcome_free(&out);
}

/*
 * Every call gets what is left of the one budget as its limit, and a
 * call the budget no longer covers is not made: the dialogue fails as a
 * connection failure that says so.
 */
static void
test_calls_share_one_budget(void **state)
{
	struct fal_guard g = budget(700);
	struct fal_outcome out;
	long first, second;

	(void)state;
	dialogue_calls = 4;
	fake_http_set_delay(300);
	for (int i = 0; i < 4; i++)
		fake_http_push(200, "ok", NULL);
	assert_int_equal(fal_device_do(&vendor, &conf, http, &g,
				       FAL_ACTION_REGISTER, &dev, &out),
			 FAL_ERR_CONNECTION_FAILED);
	/* 0 ms, 300 ms, 600 ms: the fourth would start at 900 ms. */
	assert_int_equal(fake_http_ncalls(), 3);
	first = fake_http_call_at(0)->timeout_ms;
	second = fake_http_call_at(1)->timeout_ms;
	assert_true(first > 600 && first <= 700);
	assert_true(second > 300 && second <= 400);
	assert_true(fake_http_call_at(2)->timeout_ms <= 100);
	assert_non_null(strstr(out.err.message,
			       "timeout_ms budget of 4000 ms"));
	assert_true(out.vendor_ms >= 900);
	fal_outcome_free(&out);
}

/* Without a guard, each call has timeout_ms (the HTTP client alone). */
static void
test_no_guard_is_timeout_per_call(void **state)
{
	struct fal_outcome out;

	(void)state;
	dialogue_calls = 2;
	fake_http_push(200, "ok", NULL);
	fake_http_push(200, "ok", NULL);
	assert_int_equal(fal_device_do(&vendor, &conf, http, NULL,
				       FAL_ACTION_REGISTER, &dev, &out), FAL_OK);
	assert_int_equal(fake_http_call_at(0)->timeout_ms, 4000);
	assert_int_equal(fake_http_call_at(1)->timeout_ms, 4000);
	fal_outcome_free(&out);
}

/* Retry-After as seconds or as an HTTP-date; anything else is none. */
static void
test_retry_after_parse(void **state)
{
	long ms;

	(void)state;
	assert_int_equal(fal_http_retry_after_parse("120"), 120000);
	assert_int_equal(fal_http_retry_after_parse(" 0 "), 0);
	assert_int_equal(fal_http_retry_after_parse("soon"), -1);
	assert_int_equal(fal_http_retry_after_parse("12s"), -1);
	assert_int_equal(fal_http_retry_after_parse(NULL), -1);
	assert_int_equal(fal_http_retry_after_parse(
		"Wed, 21 Oct 2015 07:28:00 GMT"), 0);  /* past: now */
	ms = fal_http_retry_after_parse("Fri, 31 Dec 2100 23:59:59 GMT");
	assert_int_equal(ms, 86400 * 1000L);  /* capped at a day */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_success_outcome, setup),
		cmocka_unit_test_setup(test_failure_outcome_masks_secret, setup),
		cmocka_unit_test_setup(test_unimplemented_action, setup),
		cmocka_unit_test_setup(test_lookup_url_only_when_registered, setup),
		cmocka_unit_test_setup(test_gone_client_makes_no_call, setup),
		cmocka_unit_test_setup(test_calls_share_one_budget, setup),
		cmocka_unit_test_setup(test_no_guard_is_timeout_per_call, setup),
		cmocka_unit_test(test_retry_after_parse),
	};

	return cmocka_run_group_tests_name("device", tests, NULL,
					   group_teardown);
}
