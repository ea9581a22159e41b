/*
 * test_url.c - fal_url_check() and fal_url_decode_pct25(): SPEC §1.1, the
 * provisioning URL and the one decoding it undergoes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/url.h"

#define OK(u)           assert_int_equal(fal_url_check(u), FAL_OK)
#define UNSUPPORTED(u)  assert_int_equal(fal_url_check(u), FAL_ERR_UNSUPPORTED_URL_SCHEME)
#define UNPARSABLE(u)   assert_int_equal(fal_url_check(u), FAL_ERR_UNPARSABLE_URL)

/* A URL of exactly len bytes: prefix, then 'a's. */
static char *
url_of_len(const char *prefix, size_t len)
{
	size_t plen = strlen(prefix);
	char *s = malloc(len + 1);

	assert_non_null(s);
	assert_true(len >= plen);
	memcpy(s, prefix, plen);
	memset(s + plen, 'a', len - plen);
	s[len] = '\0';
	return s;
}

static void
test_valid_examples(void **state)
{
	(void)state;
	OK("https://pbx.example.com/provisioning/");
	OK("HTTP://host:8080/a?b=c&d=%20e+f");
	OK("tftp://10.0.0.1/cfg");
	OK("ftp://user:pass@host/dir/");
	OK("http://[2001:db8::1]:80/x");
}

static void
test_valid_more(void **state)
{
	(void)state;
	OK("http://pbx.example.com");
	OK("https://pbx.example.com:8443/p/{mac}.xml");
	OK("http://h/a?x=1&y=%2F#frag");
	OK("http://h/~user/a;b=c,d!$'()*");
	OK("hTTpS://pbx.example.com/");
	OK("FTP://host/");
	OK("TFTP://host/");
	OK("http://pbx.example.com/a%20b+c&d");
	OK("http://pbx_1.example.com/");
	OK("http://h?x");
}

static void
test_unsupported_scheme(void **state)
{
	(void)state;
	UNSUPPORTED(NULL);
	UNSUPPORTED("");
	UNSUPPORTED("pbx.example.com/x");
	UNSUPPORTED("/path");
	UNSUPPORTED("//pbx.example.com/path");
	UNSUPPORTED("mailto:x");
	UNSUPPORTED("file:///etc");
	UNSUPPORTED("ldap://host/");
	UNSUPPORTED("sftp://host/");
	UNSUPPORTED("httpx://host/");
	UNSUPPORTED("htt://host/");
	UNSUPPORTED("http+tls://host/");
	UNSUPPORTED("1http://host/");
	UNSUPPORTED(":http://host/");
	UNSUPPORTED(" http://host/");
	UNSUPPORTED("http ://host/");
	UNSUPPORTED("http");
	UNSUPPORTED("localhost:8080/x");
}

/* The scheme decides first: a long or spaced URL of another scheme. */
static void
test_scheme_checked_first(void **state)
{
	char *s = url_of_len("gopher://h/", FAL_URL_MAX + 10);

	(void)state;
	UNSUPPORTED(s);
	UNSUPPORTED("gopher://a b/");
	free(s);
}

static void
test_no_host(void **state)
{
	(void)state;
	UNPARSABLE("http://");
	UNPARSABLE("http:///path");
	UNPARSABLE("https:");
	UNPARSABLE("http:/x");
	UNPARSABLE("http:x");
	UNPARSABLE("http://:80/");
	UNPARSABLE("http://user@/");
	UNPARSABLE("http://?x");
	UNPARSABLE("http://#x");
	UNPARSABLE("tftp:");
}

static void
test_length(void **state)
{
	char *s = url_of_len("http://h/", FAL_URL_MAX);

	(void)state;
	assert_int_equal(strlen(s), 2048);
	OK(s);
	free(s);
	s = url_of_len("http://h/", FAL_URL_MAX + 1);
	assert_int_equal(strlen(s), 2049);
	UNPARSABLE(s);
	free(s);
}

static void
test_spaces_and_controls(void **state)
{
	(void)state;
	UNPARSABLE("http://h/a b");
	UNPARSABLE("http://h/a\tb");
	UNPARSABLE("http://h/\x01");
	UNPARSABLE("http://h/\x7f");
	UNPARSABLE("http://h/ ");
	UNPARSABLE("http://h /");
}

static void
test_crlf_injection(void **state)
{
	(void)state;
	UNPARSABLE("http://h/\r\nX-Injected: 1");
	UNPARSABLE("http://h/a\nb");
	UNPARSABLE("http://h/a\rb");
	UNPARSABLE("http://h\r\n/");
}

static void
test_non_ascii(void **state)
{
	(void)state;
	UNPARSABLE("http://h/caf\xc3\xa9");
	UNPARSABLE("http://b\xc3\xbc" "cher.example/");
	UNPARSABLE("http://h/\xff");
}

static void
test_bad_percent(void **state)
{
	(void)state;
	UNPARSABLE("http://h/%zz");
	UNPARSABLE("http://h/%2");
	UNPARSABLE("http://h/%");
	UNPARSABLE("http://h/a?b=%g0");
	OK("http://h/%2f%2F%aB");
}

static void
test_excluded_characters(void **state)
{
	(void)state;
	UNPARSABLE("http://h/a\"b");
	UNPARSABLE("http://h/<script>");
	UNPARSABLE("http://h\\evil/");
	UNPARSABLE("http://h/a\\b");
	UNPARSABLE("http://h/a^b");
	UNPARSABLE("http://h/a`b");
	UNPARSABLE("http://h/a|b");
	UNPARSABLE("http://h/#a#b");
}

/* Brackets belong around an IPv6 host and nowhere else. */
static void
test_brackets(void **state)
{
	(void)state;
	OK("http://[::1]/");
	OK("http://[fe80::1%25eth0]/");
	UNPARSABLE("http://h/a[b]");
	UNPARSABLE("http://h/?a=[1]");
	UNPARSABLE("ftp://us[er@host/");
	UNPARSABLE("http://[::1]/[x]");
	UNPARSABLE("http://[::1");
	UNPARSABLE("http://h]/");
	UNPARSABLE("http://[::1]x/");
}

static void
test_curl_refuses(void **state)
{
	(void)state;
	UNPARSABLE("http://h:99999/");
	UNPARSABLE("http://h:8o/");
	UNPARSABLE("http://a@b@c/");
	UNPARSABLE("http://h{/");
	UNPARSABLE("http://ho%20st/");
}

/* Decodes src into a copy and in place; both must give want. */
static void
expect_pct25(const char *src, const char *want)
{
	char out[256], in_place[256];

	assert_string_equal(fal_url_decode_pct25(out, src), want);
	strcpy(in_place, src);
	assert_string_equal(fal_url_decode_pct25(in_place, in_place), want);
}

/*
 * A thread remembers the last URL it found valid: the same URL again is
 * valid, and any other is checked afresh, however close to it.
 */
static void
test_last_valid_remembered(void **state)
{
	static const char good[] = "https://pbx.example.com/provisioning/";
	char longest_plus[FAL_URL_MAX + 2];
	char *longest = url_of_len("http://h/", FAL_URL_MAX);

	(void)state;
	OK(good);
	OK(good);
	UNPARSABLE("https://pbx.example.com/provisioning/ ");
	UNPARSABLE("https://pbx.example.com/provisioning/\n");
	UNPARSABLE("https:///provisioning/");
	UNSUPPORTED("httpx://pbx.example.com/provisioning/");
	OK(good);
	UNSUPPORTED("");
	UNSUPPORTED(NULL);
	OK(longest);
	OK(longest);
	memcpy(longest_plus, longest, FAL_URL_MAX);
	memcpy(longest_plus + FAL_URL_MAX, "a", 2);
	UNPARSABLE(longest_plus);
	OK(longest);
	OK(good);
	free(longest);
}

static void
test_pct25_decoded(void **state)
{
	(void)state;
	/* NethVoice's Gigaset URL: the placeholder reaches the vendor. */
	expect_pct25("https://pbx.example.com/prov/tok/%25MACD.xml",
		     "https://pbx.example.com/prov/tok/%MACD.xml");
	expect_pct25("http://h/%25DVID/%25MACD", "http://h/%DVID/%MACD");
	expect_pct25("%25", "%");
	/* One pass, left to right: what was %25 before decoding stays so. */
	expect_pct25("http://h/%2525MACD", "http://h/%25MACD");
	expect_pct25("http://h/%25%25", "http://h/%%");
}

static void
test_pct25_nothing_else(void **state)
{
	(void)state;
	/* Every other escape, '+' and case variants go through untouched. */
	expect_pct25("http://h/a%2Fb%20c+d?x=%3D&y=%2f", "http://h/a%2Fb%20c+d?x=%3D&y=%2f");
	expect_pct25("http://h/%25MACD%2F%2e", "http://h/%MACD%2F%2e");
	expect_pct25("http://h/%2", "http://h/%2");
	expect_pct25("http://h/%52%35", "http://h/%52%35");
	expect_pct25("http://h/%2G5", "http://h/%2G5");
	expect_pct25("", "");
}

/* The one trim of base paths and base URLs: trailing slashes only. */
static void
test_trim_slashes(void **state)
{
	(void)state;
	assert_int_equal(fal_url_trim_slashes(""), 0);
	assert_int_equal(fal_url_trim_slashes("/"), 0);
	assert_int_equal(fal_url_trim_slashes("///"), 0);
	assert_int_equal(fal_url_trim_slashes("/a//"), 2);
	assert_int_equal(fal_url_trim_slashes("https://h/x/"), 11);
	assert_int_equal(fal_url_trim_slashes("/a/b"), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_pct25_decoded),
		cmocka_unit_test(test_pct25_nothing_else),
		cmocka_unit_test(test_valid_more),
		cmocka_unit_test(test_unsupported_scheme),
		cmocka_unit_test(test_scheme_checked_first),
		cmocka_unit_test(test_no_host),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_spaces_and_controls),
		cmocka_unit_test(test_crlf_injection),
		cmocka_unit_test(test_non_ascii),
		cmocka_unit_test(test_bad_percent),
		cmocka_unit_test(test_excluded_characters),
		cmocka_unit_test(test_brackets),
		cmocka_unit_test(test_curl_refuses),
		cmocka_unit_test(test_trim_slashes),
		cmocka_unit_test(test_last_valid_remembered),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
