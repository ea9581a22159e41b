/* test_route.c - fal_route_parse() and the method tables: SPEC §1, §1.7. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../api/route.h"

/* Routes (uri, path_info, base) and checks kind, provider and mac. */
static void
check(const char *uri, const char *path_info, const char *base,
      enum fal_route_kind kind, const char *provider, const char *mac)
{
	struct fal_route r;

	assert_int_equal(fal_route_parse(uri, path_info, base, &r), 0);
	assert_int_equal(r.kind, kind);
	if (provider == NULL)
		assert_null(r.provider);
	else
		assert_string_equal(r.provider, provider);
	if (mac == NULL)
		assert_null(r.mac);
	else
		assert_string_equal(r.mac, mac);
	fal_route_free(&r);
}

#define URI(u, k)          check(u, NULL, "", k, NULL, NULL)
#define DEV(u, p, m)       check(u, NULL, "", FAL_ROUTE_DEVICE, p, m)

static void
test_health_metrics_providers(void **state)
{
	(void)state;
	URI("/health/check", FAL_ROUTE_HEALTH);
	URI("/metrics", FAL_ROUTE_METRICS);
	URI("/providers", FAL_ROUTE_PROVIDERS);
	URI("/providers/", FAL_ROUTE_PROVIDERS);
}

static void
test_device(void **state)
{
	(void)state;
	DEV("/providers/snom/AC-DE-48-23-45-67", "snom", "AC-DE-48-23-45-67");
	DEV("/providers/ymcs/ac:de:48:23:45:67", "ymcs", "ac:de:48:23:45:67");
	DEV("/providers/snom", "snom", "");
	DEV("/providers/snom/", "snom", "");
	DEV("/providers//AC-DE-48-23-45-67", "", "AC-DE-48-23-45-67");
	DEV("/providers//", "", "");
	DEV("/providers/nosuch/x", "nosuch", "x");
}

static void
test_not_found(void **state)
{
	(void)state;
	URI(NULL, FAL_ROUTE_NOT_FOUND);
	URI("", FAL_ROUTE_NOT_FOUND);
	URI("/", FAL_ROUTE_NOT_FOUND);
	URI("/health", FAL_ROUTE_NOT_FOUND);
	URI("/health/", FAL_ROUTE_NOT_FOUND);
	URI("/health/check/", FAL_ROUTE_NOT_FOUND);
	URI("/health/check/x", FAL_ROUTE_NOT_FOUND);
	URI("/metrics/", FAL_ROUTE_NOT_FOUND);
	URI("/metricsx", FAL_ROUTE_NOT_FOUND);
	URI("/provider", FAL_ROUTE_NOT_FOUND);
	URI("/providersx", FAL_ROUTE_NOT_FOUND);
	URI("/Providers", FAL_ROUTE_NOT_FOUND);
	URI("providers", FAL_ROUTE_NOT_FOUND);
	URI("//providers", FAL_ROUTE_NOT_FOUND);
	URI("/x/providers", FAL_ROUTE_NOT_FOUND);
	URI("/providers/snom/AC-DE-48-23-45-67/x", FAL_ROUTE_NOT_FOUND);
	URI("/providers/snom/AC-DE-48-23-45-67/", FAL_ROUTE_NOT_FOUND);
}

static void
test_query_string_removed(void **state)
{
	(void)state;
	DEV("/providers/gigaset/AC-DE-48-23-45-67?crc=AB12", "gigaset",
	    "AC-DE-48-23-45-67");
	DEV("/providers/snom?x=/y/z", "snom", "");
	URI("/health/check?x=1", FAL_ROUTE_HEALTH);
	URI("/metrics?", FAL_ROUTE_METRICS);
	URI("/providers?a/b/c/d", FAL_ROUTE_PROVIDERS);
	URI("?/providers", FAL_ROUTE_NOT_FOUND);
}

static void
test_base_path(void **state)
{
	const char *b = "/falconieri";

	(void)state;
	check("/falconieri/providers/snom/X", NULL, b, FAL_ROUTE_DEVICE,
	      "snom", "X");
	check("/falconieri/providers/snom/X?crc=1", NULL, b, FAL_ROUTE_DEVICE,
	      "snom", "X");
	check("/falconieri/health/check", NULL, b, FAL_ROUTE_HEALTH, NULL, NULL);
	check("/falconieri/providers", NULL, b, FAL_ROUTE_PROVIDERS, NULL, NULL);
	check("/falconieri", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/falconieri/", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/falconieri?x", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/falconierix/providers", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/providers", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/providers/snom/X", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/falc", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/Falconieri/providers", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/x/falconieri/providers", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
	/* The prefix is matched before decoding, as the server mounted it. */
	check("/falconier%69/providers", NULL, b, FAL_ROUTE_NOT_FOUND, NULL, NULL);
}

static void
test_base_path_trailing_slash(void **state)
{
	(void)state;
	check("/falconieri/providers/snom/X", NULL, "/falconieri/",
	      FAL_ROUTE_DEVICE, "snom", "X");
	check("/falconierix/providers", NULL, "/falconieri/",
	      FAL_ROUTE_NOT_FOUND, NULL, NULL);
	check("/providers", NULL, "/", FAL_ROUTE_PROVIDERS, NULL, NULL);
	check("/providers", NULL, NULL, FAL_ROUTE_PROVIDERS, NULL, NULL);
}

static void
test_path_info_wins(void **state)
{
	(void)state;
	check("/cgi-bin/falconieri/providers/snom/X?crc=1",
	      "/providers/snom/X", "", FAL_ROUTE_DEVICE, "snom", "X");
	check("/metrics", "/providers/snom/X", "", FAL_ROUTE_DEVICE,
	      "snom", "X");
	/* base_path applies to REQUEST_URI only. */
	check("/whatever", "/health/check", "/falconieri", FAL_ROUTE_HEALTH,
	      NULL, NULL);
	check("/metrics", "/nope", "", FAL_ROUTE_NOT_FOUND, NULL, NULL);
	/* An empty PATH_INFO means the server did not set one. */
	check("/metrics", "", "", FAL_ROUTE_METRICS, NULL, NULL);
	check("/falconieri/metrics", "", "/falconieri", FAL_ROUTE_METRICS,
	      NULL, NULL);
	check(NULL, "/providers", "", FAL_ROUTE_PROVIDERS, NULL, NULL);
}

static void
test_percent_decoding(void **state)
{
	(void)state;
	DEV("/providers/snom/AC%2DDE%2D48%2D23%2D45%2D67", "snom",
	    "AC-DE-48-23-45-67");
	DEV("/providers/sn%6Fm/AC%3ADE%3A48%3A23%3A45%3A67", "snom",
	    "AC:DE:48:23:45:67");
	/* Split first: an encoded '/' stays inside its segment. */
	DEV("/providers/snom/AC%2FDE", "snom", "AC/DE");
	DEV("/providers/a%2Fb", "a/b", "");
	URI("/health%2Fcheck", FAL_ROUTE_NOT_FOUND);
	URI("/provider%73", FAL_ROUTE_PROVIDERS);
	/* '+' is no space in a path; a '%' without hex digits stays. */
	DEV("/providers/a+b/c", "a+b", "c");
	DEV("/providers/sn%zzom/X", "sn%zzom", "X");
	DEV("/providers/snom/%", "snom", "%");
	check(NULL, "/providers/snom/AC%2DDE%2D48%2D23%2D45%2D67", "",
	      FAL_ROUTE_DEVICE, "snom", "AC-DE-48-23-45-67");
}

/* A decoded NUL could make "snom\0x" read as "snom": not found. */
static void
test_decoded_nul(void **state)
{
	(void)state;
	URI("/providers/snom%00x/AC-DE-48-23-45-67", FAL_ROUTE_NOT_FOUND);
	URI("/providers/snom/AC-DE-48-23-45-67%00", FAL_ROUTE_NOT_FOUND);
	URI("/providers%00", FAL_ROUTE_NOT_FOUND);
	URI("/metrics%00", FAL_ROUTE_NOT_FOUND);
	check(NULL, "/providers/snom%00/X", "", FAL_ROUTE_NOT_FOUND, NULL, NULL);
}

static void
test_free_twice(void **state)
{
	struct fal_route r;

	(void)state;
	assert_int_equal(fal_route_parse("/providers/snom/X", NULL, "", &r), 0);
	fal_route_free(&r);
	assert_null(r.buf_);
	fal_route_free(&r);
	fal_route_free(NULL);
}

static void
test_method_parse(void **state)
{
	(void)state;
	assert_int_equal(fal_method_parse("GET"), FAL_METHOD_GET);
	assert_int_equal(fal_method_parse("HEAD"), FAL_METHOD_HEAD);
	assert_int_equal(fal_method_parse("PUT"), FAL_METHOD_PUT);
	assert_int_equal(fal_method_parse("DELETE"), FAL_METHOD_DELETE);
	assert_int_equal(fal_method_parse("get"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("Put"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("POST"), FAL_METHOD_POST);
	assert_int_equal(fal_method_parse("PATCH"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("OPTIONS"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("GETX"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("GE"), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse("PUT "), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse(""), FAL_METHOD_OTHER);
	assert_int_equal(fal_method_parse(NULL), FAL_METHOD_OTHER);
}

/* Which methods each route answers, as a string "GHPD" of yes/no. */
static void
check_allows(enum fal_route_kind kind, const char *want)
{
	char got[5];
	int m;

	for (m = 0; m < 4; m++)
		got[m] = fal_route_allows(kind, (enum fal_method)m) ?
		    "GHPD"[m] : '-';
	got[4] = '\0';
	assert_string_equal(got, want);
	assert_false(fal_route_allows(kind, FAL_METHOD_OTHER));
}

static void
test_allows(void **state)
{
	(void)state;
	check_allows(FAL_ROUTE_HEALTH, "GH--");
	check_allows(FAL_ROUTE_PROVIDERS, "GH--");
	check_allows(FAL_ROUTE_METRICS, "GH--");
	check_allows(FAL_ROUTE_DEVICE, "G-PD");
	check_allows(FAL_ROUTE_NOT_FOUND, "----");
	check_allows(FAL_ROUTE_BATCHES, "GH--");
	check_allows(FAL_ROUTE_BATCH, "GH-D");
	check_allows(FAL_ROUTE_BATCH_DEVICES, "GH--");
	assert_true(fal_route_allows(FAL_ROUTE_BATCHES, FAL_METHOD_POST));
	assert_false(fal_route_allows(FAL_ROUTE_BATCH, FAL_METHOD_POST));
	assert_false(fal_route_allows(FAL_ROUTE_DEVICE, FAL_METHOD_POST));
	assert_false(fal_route_allows(FAL_ROUTE__MAX, FAL_METHOD_GET));
	assert_false(fal_route_allows(FAL_ROUTE_HEALTH, FAL_METHOD__MAX));
}

static void
test_allow_header(void **state)
{
	(void)state;
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_HEALTH), "GET, HEAD");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_PROVIDERS), "GET, HEAD");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_METRICS), "GET, HEAD");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_DEVICE),
			    "GET, PUT, DELETE");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_NOT_FOUND), "");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_BATCHES), "GET, HEAD, POST");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE_BATCH), "GET, HEAD, DELETE");
	assert_string_equal(fal_route_allow_header(FAL_ROUTE__MAX), "");
}

/* SPEC §6: /batches, /batches/{id}, /batches/{id}/devices. */
static void
test_batches(void **state)
{
	struct fal_route r;

	(void)state;
	URI("/batches", FAL_ROUTE_BATCHES);
	URI("/batches/", FAL_ROUTE_BATCHES);
	URI("/batches?limit=5", FAL_ROUTE_BATCHES);
	URI("/batches/0123456789abcdef/other", FAL_ROUTE_NOT_FOUND);
	URI("/batches/0123456789abcdef/devices/x", FAL_ROUTE_NOT_FOUND);
	URI("/batchesx", FAL_ROUTE_NOT_FOUND);
	assert_int_equal(fal_route_parse("/fal/batches/0123456789abcdef", NULL,
					 "/fal", &r), 0);
	assert_int_equal(r.kind, FAL_ROUTE_BATCH);
	assert_string_equal(r.batch, "0123456789abcdef");
	assert_null(r.provider);
	fal_route_free(&r);
	assert_int_equal(fal_route_parse("/batches/ab%63d/devices?state=failed",
					 NULL, "", &r), 0);
	assert_int_equal(r.kind, FAL_ROUTE_BATCH_DEVICES);
	assert_string_equal(r.batch, "abcd");
	fal_route_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_metrics_providers),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_query_string_removed),
		cmocka_unit_test(test_base_path),
		cmocka_unit_test(test_base_path_trailing_slash),
		cmocka_unit_test(test_path_info_wins),
		cmocka_unit_test(test_percent_decoding),
		cmocka_unit_test(test_decoded_nul),
		cmocka_unit_test(test_free_twice),
		cmocka_unit_test(test_method_parse),
		cmocka_unit_test(test_allows),
		cmocka_unit_test(test_allow_header),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
