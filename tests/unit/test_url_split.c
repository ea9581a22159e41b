/* test_url_split.c - fal_url_split(): the pieces Fanvil wants of a URL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/url_split.h"

/* Splits url, which must succeed, and checks each piece (query may be NULL). */
static void
expect_parts(const char *url, const char *scheme, const char *hostport,
	     const char *path, const char *query)
{
	struct fal_url_parts p;

	assert_int_equal(fal_url_split(url, &p), FAL_OK);
	assert_string_equal(p.scheme, scheme);
	assert_string_equal(p.hostport, hostport);
	assert_string_equal(p.path, path);
	if (query == NULL)
		assert_null(p.query);
	else
		assert_string_equal(p.query, query);
	fal_url_parts_free(&p);
	assert_null(p.scheme);
	assert_null(p.hostport);
}

static void
test_spec_example(void **state)
{
	(void)state;
	expect_parts("https://pbx.example.com/provisioning/", "https",
		     "pbx.example.com", "/provisioning/", NULL);
}

static void
test_explicit_port_kept(void **state)
{
	(void)state;
	expect_parts("tftp://10.0.0.1:69/x.cfg", "tftp", "10.0.0.1:69",
		     "/x.cfg", NULL);
	/* The default port too: the client wrote it, the vendor gets it. */
	expect_parts("http://pbx:80/p", "http", "pbx:80", "/p", NULL);
	expect_parts("https://pbx:8443/p", "https", "pbx:8443", "/p", NULL);
}

static void
test_scheme_lower_case_host_as_written(void **state)
{
	(void)state;
	expect_parts("HTTP://PBX.Example.COM/Prov", "http", "PBX.Example.COM",
		     "/Prov", NULL);
}

static void
test_path_as_written(void **state)
{
	(void)state;
	/* No dot-segment folding, no decoding, no re-encoding. */
	expect_parts("http://h/a/../b/./c//%7e/%C3%A9/{mac}", "http", "h",
		     "/a/../b/./c//%7e/%C3%A9/{mac}", NULL);
	expect_parts("http://h/p;x=1", "http", "h", "/p;x=1", NULL);
}

static void
test_no_path_is_slash(void **state)
{
	(void)state;
	expect_parts("http://pbx", "http", "pbx", "/", NULL);
	expect_parts("http://pbx?a=1", "http", "pbx", "/", "a=1");
}

static void
test_query(void **state)
{
	(void)state;
	expect_parts("https://h/p/?a=1&b=%41", "https", "h", "/p/", "a=1&b=%41");
	/* A bare '?' is an empty query, not none. */
	expect_parts("https://h/p?", "https", "h", "/p", "");
}

static void
test_fragment_and_userinfo_dropped(void **state)
{
	(void)state;
	expect_parts("ftp://u:secret@h:21/a#frag", "ftp", "h:21", "/a", NULL);
	expect_parts("http://h/p?q=1#f", "http", "h", "/p", "q=1");
}

static void
test_ipv6(void **state)
{
	(void)state;
	expect_parts("http://[::1]:8080/p", "http", "[::1]:8080", "/p", NULL);
	expect_parts("http://[fe80::1%25eth0]/p", "http", "[fe80::1%25eth0]",
		     "/p", NULL);
}

static void
test_unparsable(void **state)
{
	struct fal_url_parts p;

	(void)state;
	assert_int_equal(fal_url_split("no scheme here", &p),
			 FAL_ERR_UNPARSABLE_URL);
	assert_null(p.scheme);
	assert_int_equal(fal_url_split("http://", &p), FAL_ERR_UNPARSABLE_URL);
	assert_int_equal(fal_url_split("http://h:99999/p", &p),
			 FAL_ERR_UNPARSABLE_URL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_explicit_port_kept),
		cmocka_unit_test(test_scheme_lower_case_host_as_written),
		cmocka_unit_test(test_path_as_written),
		cmocka_unit_test(test_no_path_is_slash),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_fragment_and_userinfo_dropped),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_unparsable),
	};

	return cmocka_run_group_tests_name("url_split", tests, NULL, NULL);
}
