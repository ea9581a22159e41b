/*
 * test_rest_url.c - the REST vendors' URLs: base_url checks, origins, link
 * resolution that never leaves base_url's origin, path appending.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../providers/rest_url.h"

#define BASE "https://grape.example.com/api/"

static void
test_url_ok(void **state)
{
	(void)state;
	assert_true(fal_rest_url_ok("https://grape.example.com/api/"));
	assert_true(fal_rest_url_ok("http://127.0.0.1:8081"));
	assert_true(fal_rest_url_ok("HTTPS://Example.COM"));
	assert_false(fal_rest_url_ok(""));
	assert_false(fal_rest_url_ok("grape.example.com/api"));
	assert_false(fal_rest_url_ok("ftp://grape.example.com/"));
	assert_false(fal_rest_url_ok("https://user:pw@grape.example.com/"));
	assert_false(fal_rest_url_ok("https:///api"));
}

/* Whether a link to url, found at origin, is kept (it is on origin). */
static bool
kept(const char *origin, const char *url)
{
	char *out = NULL;
	enum fal_err rc = fal_rest_url_resolve(origin, origin, url, &out);

	free(out);
	return rc == FAL_OK;
}

/* Same origin: scheme, host (any case) and port (443/80 by default). */
static void
test_same_origin(void **state)
{
	(void)state;
	assert_true(kept(BASE, "https://grape.example.com/x?y"));
	assert_true(kept(BASE, "https://GRAPE.example.com:443/"));
	assert_true(kept("http://h:80/", "HTTP://h/z"));
	assert_false(kept(BASE, "http://grape.example.com/"));
	assert_false(kept(BASE, "https://grape.example.com:8443/"));
	assert_false(kept(BASE, "https://evil.example.com/"));
	assert_false(kept(BASE, "https://grape.example.com.evil/"));
	assert_false(kept(BASE, "//evil.example.com/x"));
}

/* The resolved URL, or NULL; want is the expected outcome. */
static char *
resolve(const char *doc, const char *ref, enum fal_err want)
{
	char *out = NULL;

	assert_int_equal(fal_rest_url_resolve(BASE, doc, ref, &out), want);
	if (want != FAL_OK)
		assert_null(out);
	return out;
}

static void
test_resolve_absolute_and_relative(void **state)
{
	static const struct { const char *doc, *ref, *want; } cases[] = {
		{ BASE "tokens/x", "https://grape.example.com/api/companies/1/",
		  "https://grape.example.com/api/companies/1/" },
		{ BASE "tokens/x", "/api/companies/1/",
		  "https://grape.example.com/api/companies/1/" },
		{ BASE "companies/1/", "endpoints/",
		  "https://grape.example.com/api/companies/1/endpoints/" },
		{ BASE "settings/?page_size=1000", "?page=2&page_size=1000",
		  "https://grape.example.com/api/settings/?page=2&page_size=1000" },
		{ BASE "a/b", "../c", "https://grape.example.com/api/c" },
		{ BASE, "https://grape.example.com:443/api/",
		  "https://grape.example.com:443/api/" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = resolve(cases[i].doc, cases[i].ref, FAL_OK);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void
test_resolve_refuses_other_origins(void **state)
{
	static const char *const refs[] = {
		"https://evil.example.com/api/",
		"http://grape.example.com/api/",
		"https://grape.example.com:444/api/",
		"//evil.example.com/api/",
		"https://me:pw@grape.example.com/api/",
		"ftp://grape.example.com/api/",
		"javascript:alert(1)",
		"",
		"https://grape example.com/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		resolve(BASE "tokens/x", refs[i], FAL_ERR_UNKNOWN_RESPONSE);
}

static void
test_append(void **state)
{
	char *u;

	(void)state;
	u = fal_rest_url_append(BASE "companies/1/endpoints/", "acde48234567");
	assert_string_equal(u, BASE "companies/1/endpoints/acde48234567");
	free(u);
	u = fal_rest_url_append(BASE "companies/1/endpoints", "acde48234567");
	assert_string_equal(u, BASE "companies/1/endpoints/acde48234567");
	free(u);
	u = fal_rest_url_append(BASE "endpoints/?company=1", "acde48234567");
	assert_string_equal(u, BASE "endpoints/acde48234567?company=1");
	free(u);
	assert_null(fal_rest_url_append("not a url", "x"));
}

/* {base} joined to a path: base_url's trailing slashes do not double. */
static void
test_base_url(void **state)
{
	char *u;

	(void)state;
	u = fal_rest_base_url("https://ymcs.example.com/api/", "/v2/token");
	assert_string_equal(u, "https://ymcs.example.com/api/v2/token");
	free(u);
	u = fal_rest_base_url("https://ymcs.example.com/api//", "/v2/token");
	assert_string_equal(u, "https://ymcs.example.com/api/v2/token");
	free(u);
	u = fal_rest_base_url("https://grape.example.com/api", "/tokens/x");
	assert_string_equal(u, "https://grape.example.com/api/tokens/x");
	free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_url),
		cmocka_unit_test(test_url_ok),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_resolve_absolute_and_relative),
		cmocka_unit_test(test_resolve_refuses_other_origins),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests_name("rest_url", tests, NULL, NULL);
}
