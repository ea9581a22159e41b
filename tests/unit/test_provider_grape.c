/*
 * test_provider_grape.c - the GRAPE/SRAPS dialogue (SPEC §2.3, §2.4) through
 * the scripted transport: discovery and its cache, origin checks, the
 * exact PUT body, Hawk on every request (checked here with OpenSSL
 * directly, not with lib/hawk.c), and the error mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../../providers/hawk_rest.h"
#include "rest_check.h"

#define ORIGIN "https://grape.example.com"
#define BASE ORIGIN "/api/"
#define URL "https://pbx.example.com/p?a=1&b=%20x+y"
#define MAC "AC-DE-48-23-45-67"

#define SETTINGS_URL BASE "settings/?page_size=1000"
#define TOKENS_URL BASE "tokens/client-7"
#define COMPANY_URL BASE "companies/42/"
#define ENDPOINTS_URL BASE "companies/42/endpoints/"
#define DEVICE_URL ENDPOINTS_URL "acde48234567"

#define TOKENS_DOC "{\"links\":{\"company\":\"" COMPANY_URL "\"}}"
#define COMPANY_DOC "{\"links\":{\"endpoints\":\"" ENDPOINTS_URL "\"}}"
#define SETTINGS_DOC \
	"[{\"uuid\":\"u-other\",\"param_name\":\"other\"}," \
	"{\"uuid\":\"u-grape\",\"param_name\":\"ProvisioningServer\"}," \
	"{\"uuid\":\"u-sraps\",\"param_name\":\"setting_server\"}]"

#define PUT_BODY(uuid) \
	"{\"mac\":\"acde48234567\",\"autoprovisioning_enabled\":true," \
	"\"settings_manager\":{\"" uuid "\":{\"value\":\"" URL "\"," \
	"\"attrs\":{\"perm\":\"RW\"}}}}"

static int
setup(void **state)
{
	(void)state;
	fake_http_reset();
	fal_hawk_cache_reset();
	return 0;
}

static const struct fal_provider *
grape(void)
{
	return fal_provider_get(FAL_GRAPE);
}

static const struct fal_provider *
sraps(void)
{
	return fal_provider_get(FAL_SRAPS);
}

static void
env(struct rest_env *e, enum fal_provider_id id)
{
	rest_env_init(e, id, BASE, MAC, URL);
}

/* Scripts the three discovery answers, in SPEC order. */
static void
push_discovery(void)
{
	fake_http_push(200, SETTINGS_DOC, NULL);
	fake_http_push(200, TOKENS_DOC, NULL);
	fake_http_push(200, COMPANY_DOC, NULL);
}

/* base64 of a digest. */
static void
b64(const unsigned char *md, unsigned len, char out[64])
{
	EVP_EncodeBlock((unsigned char *)out, md, (int)len);
}

/* Attribute name of Hawk header h into out; fails when absent. */
static void
hawk_attr(const char *h, const char *name, char *out, size_t len)
{
	char key[32];
	const char *p, *end;

	snprintf(key, sizeof(key), " %s=\"", name);
	if ((p = strstr(h, key)) == NULL)
		fail_msg("no %s in %s", name, h);
	p += strlen(key);
	end = strchr(p, '"');
	assert_non_null(end);
	assert_true((size_t)(end - p) < len);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

/*
 * Checks request i as a Hawk server would: hash of the body as sent and
 * mac over the request line, grape.example.com, port 443, the hash.
 */
static void
assert_hawk(size_t i, const char *key)
{
	const struct fake_http_call *c = fake_http_call_at(i);
	const char *auth = fake_http_call_header(i, "Authorization");
	const char *ct = c->body_len > 0 ? "application/json" : "";
	char id[64], ts[32], nonce[64], hash[64], mac[64], want[64];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen;
	char *s;
	int n;

	assert_true(strncmp(auth, "Hawk ", 5) == 0);
	assert_true(strncmp(c->url, ORIGIN "/", strlen(ORIGIN) + 1) == 0);
	hawk_attr(auth, "id", id, sizeof(id));
	hawk_attr(auth, "ts", ts, sizeof(ts));
	hawk_attr(auth, "nonce", nonce, sizeof(nonce));
	hawk_attr(auth, "hash", hash, sizeof(hash));
	hawk_attr(auth, "mac", mac, sizeof(mac));
	assert_string_equal(id, "client-7");
	assert_true(llabs(atoll(ts) - (long long)time(NULL)) < 10);

	n = asprintf(&s, "hawk.1.payload\n%s\n%s\n", ct, c->body);
	assert_true(n > 0);
	EVP_Digest(s, (size_t)n, md, &mdlen, EVP_sha256(), NULL);
	free(s);
	b64(md, mdlen, want);
	assert_string_equal(hash, want);

	n = asprintf(&s, "hawk.1.header\n%s\n%s\n%s\n%s\ngrape.example.com\n443\n"
		     "%s\n\n", ts, nonce, c->method, c->url + strlen(ORIGIN),
		     hash);
	assert_true(n > 0);
	HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)s,
	     (size_t)n, md, &mdlen);
	free(s);
	b64(md, mdlen, want);
	assert_string_equal(mac, want);

	/* A request without body says nothing of a content type. */
	if (c->body_len == 0)
		assert_false(rest_has_header(i, "Content-Type"));
	else
		assert_string_equal(fake_http_call_header(i, "Content-Type"),
				    "application/json");
	assert_null(c->user);
}

static void
test_register_discovers_then_puts(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	push_discovery();
	fake_http_push(200, "{\"mac\":\"acde48234567\"}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 4);
	rest_assert_request(0, "GET", SETTINGS_URL);
	rest_assert_request(1, "GET", TOKENS_URL);
	rest_assert_request(2, "GET", COMPANY_URL);
	rest_assert_request(3, "PUT", DEVICE_URL);
	rest_assert_json(fake_http_call_at(3)->body, PUT_BODY("u-grape"));
	for (size_t i = 0; i < 4; i++)
		assert_hawk(i, "s3cr3t-Key");
	assert_false(e.out.has_pin);
}

static void
test_sraps_uses_its_setting(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_SRAPS);
	push_discovery();
	fake_http_push(201, "{}", NULL);
	rest_assert_outcome(&e, sraps()->do_register(&e.call, &e.dev), FAL_OK);
	rest_assert_json(fake_http_call_at(3)->body, PUT_BODY("u-sraps"));
	assert_hawk(3, "s3cr3t-Key");
}

/* Discovery is cached per vendor: a second request only PUTs. */
static void
test_discovery_cached(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	push_discovery();
	fake_http_push(200, "{}", NULL);
	fake_http_push(200, "{}", NULL);
	fake_http_push(204, "", NULL);
	assert_int_equal(grape()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(grape()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(grape()->do_deregister(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 6);
	rest_assert_request(4, "PUT", DEVICE_URL);
	rest_assert_request(5, "DELETE", DEVICE_URL);
	assert_hawk(5, "s3cr3t-Key");

	/* SRAPS has a cache of its own. */
	env(&e, FAL_SRAPS);
	push_discovery();
	fake_http_push(200, "{}", NULL);
	assert_int_equal(sraps()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 10);
	rest_assert_json(fake_http_call_at(9)->body, PUT_BODY("u-sraps"));
}

/* Deregistering needs no setting id: tokens, company, DELETE. */
static void
test_deregister_discovers_endpoints_only(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, TOKENS_DOC, NULL);
	fake_http_push(200, COMPANY_DOC, NULL);
	fake_http_push(200, "", NULL);
	rest_assert_outcome(&e, grape()->do_deregister(&e.call, &e.dev),
			    FAL_OK);
	assert_int_equal(fake_http_ncalls(), 3);
	rest_assert_request(0, "GET", TOKENS_URL);
	rest_assert_request(2, "DELETE", DEVICE_URL);
	assert_int_equal(fake_http_call_at(2)->body_len, 0);
	for (size_t i = 0; i < 3; i++)
		assert_hawk(i, "s3cr3t-Key");
}

static void
test_deregister_answers(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
	} cases[] = {
		{ 200, "", FAL_OK },
		{ 204, "", FAL_OK },
		{ 404, "{\"detail\":\"Not found.\"}", FAL_OK },
		{ 403, "{\"detail\":\"taken_mac_or_forbidden\"}", FAL_ERR_DEVICE_OWNED },
		{ 500, "", FAL_ERR_REMOTE_CALL_FAILED },
		{ 500, "{\"message\":\"db down\"}", FAL_ERR_UNKNOWN_PROVIDER_ERROR },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e, FAL_GRAPE);
		fake_http_push(200, TOKENS_DOC, NULL);
		fake_http_push(200, COMPANY_DOC, NULL);
		fake_http_push(cases[i].status, cases[i].body, NULL);
		rest_assert_outcome(&e, grape()->do_deregister(&e.call, &e.dev),
				    cases[i].want);
	}
}

/* The settings list is followed page after page through Link. */
static void
test_settings_pagination(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, "[{\"uuid\":\"u-1\",\"param_name\":\"a\"}]",
		       "HTTP/1.1 200 OK\r\nLink: <" BASE "settings/?page=2"
		       "&page_size=1000>; rel=\"next\", <" BASE "settings/"
		       "?page=9>; rel=\"last\"\r\n\r\n");
	/* A relative next link, resolved against the page it came from. */
	fake_http_push(200, "[{\"uuid\":\"u-2\",\"param_name\":\"b\"}]",
		       "HTTP/1.1 200 OK\r\nlink: <?page=3&page_size=1000>; "
		       "rel=next\r\n\r\n");
	fake_http_push(200, "[{\"uuid\":\"u-3\",\"param_name\":"
		       "\"ProvisioningServer\"}]", NULL);
	fake_http_push(200, TOKENS_DOC, NULL);
	fake_http_push(200, COMPANY_DOC, NULL);
	fake_http_push(200, "{}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev), FAL_OK);
	rest_assert_request(1, "GET", BASE "settings/?page=2&page_size=1000");
	rest_assert_request(2, "GET", BASE "settings/?page=3&page_size=1000");
	assert_hawk(1, "s3cr3t-Key");
	assert_hawk(2, "s3cr3t-Key");
	rest_assert_json(fake_http_call_at(5)->body, PUT_BODY("u-3"));
}

/*
 * rel="last" and rel="next" in two separate Link fields (RFC 9110 allows
 * repeated fields): the next page is still followed.
 */
static void
test_settings_pagination_repeated_link(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, "[{\"uuid\":\"u-1\",\"param_name\":\"a\"}]",
		       "Content-Type: application/json\n"
		       "Link: <" BASE "settings/?page=9>; rel=\"last\"\n"
		       "Link: <" BASE "settings/?page=2>; rel=\"next\"\n");
	fake_http_push(200, "[{\"uuid\":\"u-3\",\"param_name\":"
		       "\"ProvisioningServer\"}]", NULL);
	fake_http_push(200, TOKENS_DOC, NULL);
	fake_http_push(200, COMPANY_DOC, NULL);
	fake_http_push(200, "{}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev), FAL_OK);
	rest_assert_request(1, "GET", BASE "settings/?page=2");
	rest_assert_json(fake_http_call_at(4)->body, PUT_BODY("u-3"));
}

static void
test_settings_not_found(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, "[{\"uuid\":\"u-1\",\"param_name\":\"a\"}]",
		       "HTTP/1.1 200 OK\r\nLink: <" BASE "settings/?page=1>; "
		       "rel=\"prev\"\r\n\r\n");
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_RESPONSE);
	assert_non_null(strstr(e.err.message, "ProvisioningServer"));
	assert_int_equal(fake_http_ncalls(), 1);

	/* A next link pointing at the same page is not followed forever. */
	setup(NULL);
	fake_http_push(200, "[]", "HTTP/1.1 200 OK\r\nLink: <" SETTINGS_URL
		       ">; rel=\"next\"\r\n\r\n");
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(fake_http_ncalls(), 1);
}

/* A discovery document that is not what SPEC says. */
static void
test_discovery_bad_shapes(void **state)
{
	static const struct { int step; const char *body; } cases[] = {
		{ 0, "{\"results\":[]}" },
		{ 0, "garbage" },
		{ 0, "[{\"uuid\":5,\"param_name\":\"ProvisioningServer\"}]" },
		{ 0, "[{\"uuid\":\"\",\"param_name\":\"ProvisioningServer\"}]" },
		{ 1, "{\"links\":{\"company\":5}}" },
		{ 1, "{\"links\":[\"" COMPANY_URL "\"]}" },
		{ 1, "{\"company\":\"" COMPANY_URL "\"}" },
		{ 1, "{\"links\":{\"company\":\"\"}}" },
		{ 2, "{\"links\":{\"endpoints\":null}}" },
		{ 2, "" },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e, FAL_GRAPE);
		if (cases[i].step > 0)
			fake_http_push(200, SETTINGS_DOC, NULL);
		if (cases[i].step > 1)
			fake_http_push(200, TOKENS_DOC, NULL);
		fake_http_push(200, cases[i].body, NULL);
		rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
				    FAL_ERR_UNKNOWN_RESPONSE);
		assert_int_equal(fake_http_ncalls(), (size_t)cases[i].step + 1);
	}
}

/* No link may leave base_url's origin, and nothing is sent there. */
static void
test_links_stay_on_origin(void **state)
{
	static const char *const evil[] = {
		"https://evil.example.net/api/companies/42/",
		"http://grape.example.com/api/companies/42/",
		"https://grape.example.com:8443/api/companies/42/",
		"https://grape.example.com.evil.net/api/companies/42/",
		"https://user:pw@grape.example.com/api/companies/42/",
		"//evil.example.net/x/",
		"javascript:alert(1)",
	};
	struct rest_env e;
	char doc[256];

	(void)state;
	for (size_t i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		/* As the company link... */
		setup(NULL);
		env(&e, FAL_GRAPE);
		snprintf(doc, sizeof(doc), "{\"links\":{\"company\":\"%s\"}}",
			 evil[i]);
		fake_http_push(200, SETTINGS_DOC, NULL);
		fake_http_push(200, doc, NULL);
		rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
				    FAL_ERR_UNKNOWN_RESPONSE);
		assert_int_equal(fake_http_ncalls(), 2);

		/* ...as the endpoints link... */
		setup(NULL);
		snprintf(doc, sizeof(doc), "{\"links\":{\"endpoints\":\"%s\"}}",
			 evil[i]);
		fake_http_push(200, TOKENS_DOC, NULL);
		fake_http_push(200, doc, NULL);
		rest_assert_outcome(&e, grape()->do_deregister(&e.call, &e.dev),
				    FAL_ERR_UNKNOWN_RESPONSE);
		assert_int_equal(fake_http_ncalls(), 2);

		/* ...and as the next page of settings. */
		setup(NULL);
		snprintf(doc, sizeof(doc), "HTTP/1.1 200 OK\r\nLink: <%s>; "
			 "rel=\"next\"\r\n\r\n", evil[i]);
		fake_http_push(200, "[]", doc);
		rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
				    FAL_ERR_UNKNOWN_RESPONSE);
		assert_int_equal(fake_http_ncalls(), 1);
	}
}

/* Relative links resolve against the document they came in. */
static void
test_relative_links(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, "{\"links\":{\"company\":\"/api/companies/42/\"}}", NULL);
	fake_http_push(200, "{\"links\":{\"endpoints\":\"endpoints\"}}", NULL);
	fake_http_push(404, "", NULL);
	rest_assert_outcome(&e, grape()->do_deregister(&e.call, &e.dev),
			    FAL_OK);
	rest_assert_request(1, "GET", COMPANY_URL);
	/* No trailing slash on the endpoints link: one is put in between. */
	rest_assert_request(2, "DELETE", DEVICE_URL);
	assert_hawk(2, "s3cr3t-Key");
}

/* A failed step is never cached; the ones before it are. */
static void
test_failed_discovery_not_cached(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(200, SETTINGS_DOC, NULL);
	fake_http_push(500, "", NULL);                       /* tokens */
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_REMOTE_CALL_FAILED);
	fal_error_clear(&e.err);

	fake_http_push(200, TOKENS_DOC, NULL);
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "Connection refused");
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_CONNECTION_FAILED);
	/* The settings were not asked again: that step had succeeded. */
	rest_assert_request(2, "GET", TOKENS_URL);
	rest_assert_request(3, "GET", COMPANY_URL);
	fal_error_clear(&e.err);

	fake_http_push(200, COMPANY_DOC, NULL);
	fake_http_push(200, "{}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 6);
	rest_assert_request(4, "GET", COMPANY_URL);
	rest_assert_request(5, "PUT", DEVICE_URL);
}

static void
test_put_errors(void **state)
{
	static const struct {
		long status;
		const char *body;
		enum fal_err want;
		const char *message;
	} cases[] = {
		{ 409, "{\"message\":\"taken_mac_or_forbidden\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 403, "{\"error\":\"Endpoint is TAKEN_MAC_OR_FORBIDDEN here\"}",
		  FAL_ERR_DEVICE_OWNED, NULL },
		{ 403, "{\"detail\":\"You do not have permission to modify "
		  "this endpoint.\"}", FAL_ERR_DEVICE_OWNED, NULL },
		{ 403, "no Permission for that Endpoint", FAL_ERR_DEVICE_OWNED,
		  NULL },
		{ 403, "{\"detail\":\"You do not have permission.\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "You do not have permission." },
		{ 400, "{\"message\":\"invalid mac\",\"error\":\"x\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "invalid mac" },
		{ 400, "{\"error\":\"bad url\",\"detail\":\"y\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "bad url" },
		{ 400, "{\"message\":5,\"detail\":\"z\"}",
		  FAL_ERR_UNKNOWN_PROVIDER_ERROR, "z" },
		{ 400, "{\"mac\":[\"bad\"]}", FAL_ERR_UNKNOWN_PROVIDER_ERROR,
		  "{\"mac\":[\"bad\"]}" },
		{ 500, "Internal Server Error\n", FAL_ERR_UNKNOWN_PROVIDER_ERROR,
		  "Internal Server Error" },
		{ 500, "", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ 302, "", FAL_ERR_REMOTE_CALL_FAILED, NULL },
		{ 100, "x", FAL_ERR_REMOTE_CALL_FAILED, NULL },
	};
	struct rest_env e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		env(&e, FAL_GRAPE);
		push_discovery();
		fake_http_push(cases[i].status, cases[i].body, NULL);
		rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
				    cases[i].want);
		if (cases[i].message != NULL)
			assert_string_equal(e.err.message, cases[i].message);
	}
}

/* Discovery answers an error: mapped like any other. */
static void
test_discovery_errors(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(401, "{\"message\":\"Bad mac\"}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	assert_string_equal(e.err.message, "Bad mac");

	setup(NULL);
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "Could not connect");
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev),
			    FAL_ERR_CONNECTION_FAILED);
	assert_string_equal(e.err.message, "Could not connect");
}

/* The client id goes into the tokens URL escaped. */
static void
test_client_id_escaped(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	snprintf(e.client_id, sizeof(e.client_id), "a b/c?d");
	fake_http_push(500, "", NULL);
	grape()->do_deregister(&e.call, &e.dev);
	rest_assert_request(0, "GET", BASE "tokens/a%20b%2Fc%3Fd");
}

/* base_url with or without its trailing slash: {base} has exactly one. */
static void
test_base_url_slashes(void **state)
{
	struct rest_env e;

	(void)state;
	rest_env_init(&e, FAL_GRAPE, ORIGIN "/api", MAC, URL);
	fake_http_push(500, "", NULL);
	grape()->do_register(&e.call, &e.dev);
	rest_assert_request(0, "GET", SETTINGS_URL);
	setup(NULL);
	rest_env_init(&e, FAL_GRAPE, ORIGIN "/api//", MAC, URL);
	fake_http_push(500, "", NULL);
	grape()->do_register(&e.call, &e.dev);
	rest_assert_request(0, "GET", SETTINGS_URL);
}

static void
test_prepare(void **state)
{
	char base[] = "https://grape.example.com/api/";
	char bad_base[] = "mailto:x@example.com";
	char id[] = "client-7";
	char bad_id[] = "cli\"ent";
	struct fal_provider_conf conf = { .base_url = base, .client_id = id };
	char errbuf[160];

	(void)state;
	assert_int_equal(grape()->prepare(&conf, errbuf, sizeof(errbuf)), 0);
	assert_int_equal(sraps()->prepare(&conf, errbuf, sizeof(errbuf)), 0);
	conf.base_url = bad_base;
	assert_int_equal(sraps()->prepare(&conf, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "sraps: base_url"));
	conf.base_url = base;
	conf.client_id = bad_id;
	assert_int_equal(grape()->prepare(&conf, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "grape: client_id"));
	assert_false(grape()->uses_sn || grape()->answers_pin ||
		     fal_vendors[FAL_GRAPE].has_crc);
	assert_false(sraps()->uses_sn || sraps()->answers_pin ||
		     fal_vendors[FAL_SRAPS].has_crc);
}

/* A lookup: discovery, then one signed GET, no body, nothing written. */
static void
test_lookup_discovers_then_gets(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_SRAPS);
	push_discovery();
	fake_http_push(200, "{\"mac\":\"acde48234567\",\"settings_manager\":{"
		       "\"u-grape\":{\"value\":\"http://wrong/\"},\"u-sraps\":"
		       "{\"value\":\"https://p/%MACD.xml\"}}}", NULL);
	rest_assert_outcome(&e, sraps()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 4);
	rest_assert_request(3, "GET", DEVICE_URL);
	assert_int_equal(fake_http_call_at(3)->body_len, 0);
	assert_hawk(3, "s3cr3t-Key");
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_REGISTERED);
	assert_string_equal(e.out.lookup_url, "https://p/%MACD.xml");
	free(e.out.lookup_url);
	e.out.lookup_url = NULL;

	/* Cached discovery: the next lookup is the GET alone. */
	fake_http_reset();
	fake_http_push(404, "{\"detail\":\"Not found.\"}", NULL);
	rest_assert_outcome(&e, sraps()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(fake_http_ncalls(), 1);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_NOT_REGISTERED);
	assert_null(e.out.lookup_url);

	fake_http_reset();
	fake_http_push(403, "{\"message\":\"taken_mac_or_forbidden\"}", NULL);
	rest_assert_outcome(&e, sraps()->do_lookup(&e.call, &e.dev), FAL_OK);
	assert_int_equal(e.out.lookup_state, FAL_LOOKUP_ELSEWHERE);

	fake_http_reset();
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "timeout");
	rest_assert_outcome(&e, sraps()->do_lookup(&e.call, &e.dev),
			    FAL_ERR_CONNECTION_FAILED);
}

/* A failed discovery fails the lookup before any GET of the device. */
static void
test_lookup_discovery_fails(void **state)
{
	struct rest_env e;

	(void)state;
	env(&e, FAL_GRAPE);
	fake_http_push(500, "", NULL);
	rest_assert_outcome(&e, grape()->do_lookup(&e.call, &e.dev),
			    FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(fake_http_ncalls(), 1);
	assert_null(e.out.lookup_url);
}

/* SPEC §1.1: %25 reaches the vendor as %, %2F stays. */
static void
test_register_pct25(void **state)
{
	struct rest_env e;

	(void)state;
	rest_env_init(&e, FAL_GRAPE, BASE, MAC,
		      "https://p/a%2Fb/%25MACD.xml?x=%2F%2525");
	push_discovery();
	fake_http_push(200, "{}", NULL);
	rest_assert_outcome(&e, grape()->do_register(&e.call, &e.dev), FAL_OK);
	rest_assert_json(fake_http_call_at(3)->body,
			 "{\"mac\":\"acde48234567\",\"autoprovisioning_enabled\":"
			 "true,\"settings_manager\":{\"u-grape\":{\"value\":"
			 "\"https://p/a%2Fb/%MACD.xml?x=%2F%25\",\"attrs\":"
			 "{\"perm\":\"RW\"}}}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_discovers_then_puts, setup),
		cmocka_unit_test_setup(test_sraps_uses_its_setting, setup),
		cmocka_unit_test_setup(test_discovery_cached, setup),
		cmocka_unit_test_setup(test_deregister_discovers_endpoints_only, setup),
		cmocka_unit_test_setup(test_deregister_answers, setup),
		cmocka_unit_test_setup(test_settings_pagination, setup),
		cmocka_unit_test_setup(test_settings_pagination_repeated_link, setup),
		cmocka_unit_test_setup(test_settings_not_found, setup),
		cmocka_unit_test_setup(test_discovery_bad_shapes, setup),
		cmocka_unit_test_setup(test_links_stay_on_origin, setup),
		cmocka_unit_test_setup(test_relative_links, setup),
		cmocka_unit_test_setup(test_failed_discovery_not_cached, setup),
		cmocka_unit_test_setup(test_put_errors, setup),
		cmocka_unit_test_setup(test_discovery_errors, setup),
		cmocka_unit_test_setup(test_client_id_escaped, setup),
		cmocka_unit_test_setup(test_base_url_slashes, setup),
		cmocka_unit_test_setup(test_prepare, setup),
		cmocka_unit_test_setup(test_lookup_discovers_then_gets, setup),
		cmocka_unit_test_setup(test_lookup_discovery_fails, setup),
		cmocka_unit_test_setup(test_register_pct25, setup),
	};

	return cmocka_run_group_tests_name("provider_grape", tests, NULL, NULL);
}
