/*
 * test_hawk.c - Hawk headers (lib/hawk.c) against vectors computed
 * elsewhere: the published examples of the Hawk protocol README
 * (hueniverse/hawk), and vectors computed with Python's hmac/hashlib
 * from the normalized strings of SPEC §2.3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../lib/hawk.h"

/* Credentials of the Hawk README examples. */
static const char readme_key[] = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn";

/* README: GET /resource/1?b=1&a=2 on example.com:8000, with ext, no hash. */
static void
test_readme_mac_without_payload(void **state)
{
	struct fal_hawk_artifacts a = {
		.ts = 1353832234, .nonce = "j4h3g2", .method = "GET",
		.resource = "/resource/1?b=1&a=2", .host = "example.com",
		.port = 8000, .hash = NULL, .ext = "some-app-ext-data",
	};
	char mac[FAL_HAWK_B64_LEN];

	(void)state;
	assert_int_equal(fal_hawk_mac(readme_key, &a, mac), 0);
	assert_string_equal(mac, "6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE=");
}

/* README: the payload-validation example, hash then mac. */
static void
test_readme_payload_hash_and_mac(void **state)
{
	static const char body[] = "Thank you for flying Hawk";
	struct fal_hawk_artifacts a = {
		.ts = 1353832234, .nonce = "j4h3g2", .method = "POST",
		.resource = "/resource/1?b=1&a=2", .host = "example.com",
		.port = 8000, .ext = "some-app-ext-data",
	};
	char hash[FAL_HAWK_B64_LEN], mac[FAL_HAWK_B64_LEN];

	(void)state;
	assert_int_equal(fal_hawk_payload_hash("text/plain", body,
					       strlen(body), hash), 0);
	assert_string_equal(hash, "Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
	a.hash = hash;
	assert_int_equal(fal_hawk_mac(readme_key, &a, mac), 0);
	assert_string_equal(mac, "aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw=");
}

/* Parameters and case of the content type do not change the hash. */
static void
test_payload_hash_bare_content_type(void **state)
{
	static const char body[] = "Thank you for flying Hawk";
	char hash[FAL_HAWK_B64_LEN];

	(void)state;
	assert_int_equal(fal_hawk_payload_hash(" Text/Plain ; charset=utf-8",
					       body, strlen(body), hash), 0);
	assert_string_equal(hash, "Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=");
}

/* No body: type and body both empty, sha256("hawk.1.payload\n\n\n"). */
static void
test_payload_hash_empty(void **state)
{
	char hash[FAL_HAWK_B64_LEN];

	(void)state;
	assert_int_equal(fal_hawk_payload_hash(NULL, NULL, 0, hash), 0);
	assert_string_equal(hash, "B0weSUXsMcb5UhL41FZbrUJCAotzSI3HawE1NPLRUz8=");
}

static void
test_target_default_ports(void **state)
{
	struct fal_hawk_target t;

	(void)state;
	assert_int_equal(fal_hawk_target_parse(
	    "https://Provisioning.Example.COM/api/v1/", &t), 0);
	assert_string_equal(t.host, "provisioning.example.com");
	assert_int_equal(t.port, 443);
	assert_string_equal(t.resource, "/api/v1/");
	fal_hawk_target_free(&t);

	assert_int_equal(fal_hawk_target_parse("http://example.com", &t), 0);
	assert_int_equal(t.port, 80);
	assert_string_equal(t.resource, "/");
	fal_hawk_target_free(&t);
}

static void
test_target_port_and_query(void **state)
{
	struct fal_hawk_target t;

	(void)state;
	assert_int_equal(fal_hawk_target_parse(
	    "http://127.0.0.1:8443/api/settings/?page_size=1000&page=2#frag",
	    &t), 0);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 8443);
	assert_string_equal(t.resource, "/api/settings/?page_size=1000&page=2");
	fal_hawk_target_free(&t);
}

static void
test_target_refuses_other_schemes(void **state)
{
	struct fal_hawk_target t;

	(void)state;
	assert_int_equal(fal_hawk_target_parse("ftp://example.com/x", &t), -1);
	fal_hawk_target_free(&t);
	assert_int_equal(fal_hawk_target_parse("not a url", &t), -1);
	fal_hawk_target_free(&t);
}

/* A PUT as GRAPE/SRAPS get it; expected values from Python. */
static void
test_header_put_with_body(void **state)
{
	static const char body[] =
		"{\"mac\":\"acde48234567\",\"autoprovisioning_enabled\":true}";
	const struct fal_hawk_creds c = { "client-1", "s3cr3t-key" };
	char *h;

	(void)state;
	h = fal_hawk_header_at(&c, "PUT",
	    "https://PROVISIONING.example.com/api/v1/endpoints/acde48234567?x=1",
	    "application/json", body, strlen(body), 1700000000, "abc123");
	assert_non_null(h);
	assert_string_equal(h,
	    "Hawk id=\"client-1\", ts=\"1700000000\", nonce=\"abc123\", "
	    "hash=\"neWRgnE6YmI+C07wCp4yD9vpZjOtlcpBFfYrQyVkKbI=\", "
	    "mac=\"Noja1Sfg2uowVh+6z+YNw4FfxioC4Diy3QvrrLNiWEc=\"");
	free(h);
}

/* A GET without body still carries the hash of the empty payload. */
static void
test_header_get_without_body(void **state)
{
	const struct fal_hawk_creds c = { "client-1", "s3cr3t-key" };
	char *h;

	(void)state;
	h = fal_hawk_header_at(&c, "GET",
	    "http://127.0.0.1:8443/api/settings/?page_size=1000", NULL, NULL,
	    0, 1700000001, "n0nc3");
	assert_non_null(h);
	assert_string_equal(h,
	    "Hawk id=\"client-1\", ts=\"1700000001\", nonce=\"n0nc3\", "
	    "hash=\"B0weSUXsMcb5UhL41FZbrUJCAotzSI3HawE1NPLRUz8=\", "
	    "mac=\"7qsOkgjXtuYud7D+Oq2TojVmWIgXj2Vk9b3yBO1Ofzc=\"");
	free(h);
}

/* An id that would break out of its quotes is refused, not sent. */
static void
test_header_refuses_unquotable_id(void **state)
{
	const struct fal_hawk_creds c = { "evil\", mac=\"x", "k" };

	(void)state;
	assert_null(fal_hawk_header_at(&c, "GET", "https://example.com/", NULL,
				       NULL, 0, 1, "n"));
	assert_int_equal(fal_hawk_quotable(""), 0);
	assert_int_equal(fal_hawk_quotable("a\nb"), 0);
	assert_int_equal(fal_hawk_quotable("abc-123_X"), 1);
}

/* Value of attribute name in header h, copied into out. */
static void
attr(const char *h, const char *name, char *out, size_t len)
{
	char key[32];
	const char *p, *end;

	snprintf(key, sizeof(key), "%s=\"", name);
	p = strstr(h, key);
	assert_non_null(p);
	p += strlen(key);
	end = strchr(p, '"');
	assert_non_null(end);
	assert_true((size_t)(end - p) < len);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

/* Fresh headers: ts is now, nonces differ, and the mac still verifies. */
static void
test_header_now_random_nonce(void **state)
{
	const struct fal_hawk_creds c = { "client-1", "s3cr3t-key" };
	char ts[32], n1[64], n2[64], mac[64];
	char *h1, *h2, *again;
	long long now = (long long)time(NULL);

	(void)state;
	h1 = fal_hawk_header(&c, "DELETE", "https://example.com/e/x", NULL,
			     NULL, 0);
	h2 = fal_hawk_header(&c, "DELETE", "https://example.com/e/x", NULL,
			     NULL, 0);
	assert_non_null(h1);
	assert_non_null(h2);
	attr(h1, "ts", ts, sizeof(ts));
	assert_true(llabs(atoll(ts) - now) <= 2);
	attr(h1, "nonce", n1, sizeof(n1));
	attr(h2, "nonce", n2, sizeof(n2));
	assert_true(strlen(n1) >= 8);
	assert_string_not_equal(n1, n2);
	attr(h1, "mac", mac, sizeof(mac));
	again = fal_hawk_header_at(&c, "DELETE", "https://example.com/e/x",
				   NULL, NULL, 0, atoll(ts), n1);
	assert_non_null(again);
	assert_string_equal(again, h1);
	free(again);
	free(h1);
	free(h2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_mac_without_payload),
		cmocka_unit_test(test_readme_payload_hash_and_mac),
		cmocka_unit_test(test_payload_hash_bare_content_type),
		cmocka_unit_test(test_payload_hash_empty),
		cmocka_unit_test(test_target_default_ports),
		cmocka_unit_test(test_target_port_and_query),
		cmocka_unit_test(test_target_refuses_other_schemes),
		cmocka_unit_test(test_header_put_with_body),
		cmocka_unit_test(test_header_get_without_body),
		cmocka_unit_test(test_header_refuses_unquotable_id),
		cmocka_unit_test(test_header_now_random_nonce),
	};

	return cmocka_run_group_tests_name("hawk", tests, NULL, NULL);
}
