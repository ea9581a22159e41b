/*
 * test_provider_api.c - the API of SPEC §1 end to end inside the library:
 * routing, the order of the checks of §1.1, the answers, with the Snom
 * provider talking to the scripted transport of fake_http.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../api/api.h"
#include "../../lib/log.h"
#include "../../lib/metrics.h"
#include "../../lib/secret.h"
#include "../../providers/table.h"
#include "fake_http.h"

static const char ok_answer[] =
	"<?xml version=\"1.0\"?><methodResponse><params><param><value><array>"
	"<data><value><boolean>1</boolean></value><value><string>ok</string>"
	"</value></data></array></value></param></params></methodResponse>";

struct body_reader {
	const char *data;
	size_t len, pos;
};

static long
read_mem(void *ctx, char *buf, size_t len)
{
	struct body_reader *r = ctx;
	size_t n = r->len - r->pos < len ? r->len - r->pos : len;

	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	return (long)n;
}

static char *tokens[] = { "s3cret-token" };
static struct fal_provider_conf confs[FAL_PROVIDER__MAX];

static void
config_init(struct fal_config *cfg, int with_tokens)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(confs, 0, sizeof(confs));
	cfg->vendors = fal_vendors;
	cfg->providers = confs;
	cfg->n_providers = FAL_PROVIDER__MAX;
	for (int i = 0; i < FAL_PROVIDER__MAX; i++) {
		struct fal_provider_conf *p = &cfg->providers[i];
		p->user = p->password = p->rpc_url = "";
		p->base_url = p->client_id = p->client_secret = "";
	}
	cfg->providers[FAL_SNOM].rpc_url = "http://snom.test/rpc";
	cfg->providers[FAL_SNOM].user = "u";
	cfg->providers[FAL_SNOM].password = "pw-Secret-1";
	cfg->providers[FAL_SNOM].enabled = true;
	cfg->base_path = "";
	cfg->ca_file = "";
	cfg->connect_timeout_ms = 1000;
	cfg->timeout_ms = 1000;
	if (with_tokens) {
		cfg->api_tokens = tokens;
		cfg->n_api_tokens = 1;
	}
}

/* Answers one request; the body's error code (or "") into code. */
static int
run(int with_tokens, const char *method, const char *uri, const char *auth,
    const char *body, long long content_length, char *code, size_t codelen)
{
	struct fal_config cfg;
	struct fal_response resp;
	struct body_reader r = { body, body ? strlen(body) : 0, 0 };
	struct fal_request req = {
		.method = method,
		.request_uri = uri,
		.authorization = auth,
		.content_length = content_length != -2 ? content_length
						       : (long long)r.len,
		.read_body = read_mem,
		.body_ctx = &r,
	};
	const char *p;

	config_init(&cfg, with_tokens);
	fal_api_handle(&cfg, fake_http_client(), &req, &resp);
	code[0] = '\0';
	if (resp.body != NULL && (p = strstr(resp.body, "\"error\":\"")) != NULL)
		snprintf(code, codelen, "%.*s", (int)strcspn(p + 9, "\""), p + 9);
	fal_response_free(&resp);
	return resp.status;
}

#define BODY_OK "{\"url\":\"https://pbx.example.com/p\"}"
#define MAC_OK "/providers/snom/AC-DE-48-23-45-67"

static int
setup(void **state)
{
	(void)state;
	fake_http_reset();
	return 0;
}

static void
expect(int with_tokens, const char *method, const char *uri, const char *auth,
       const char *body, int status, const char *code)
{
	char got[64];

	assert_int_equal(run(with_tokens, method, uri, auth, body, -2, got,
			     sizeof(got)), status);
	assert_string_equal(got, code);
}

static void
test_order_of_checks(void **state)
{
	(void)state;
	/* Each line breaks one more rule than the next: the first wins. */
	expect(1, "PUT", "/providers/nope/ZZ", NULL, "", 401, "unauthorized");
	expect(1, "PUT", "/providers/nope/ZZ", "Bearer s3cret-token", "", 404,
	       "provider_not_supported");
	expect(0, "PUT", "/providers/gigaset/ZZ", NULL, "", 404,
	       "provider_not_supported");
	expect(0, "PUT", "/providers/snom/", NULL, "", 400, "missing_mac_address");
	expect(0, "PUT", "/providers/snom", NULL, "", 400, "missing_mac_address");
	expect(0, "PUT", "/providers/snom/ZZ", NULL, "", 400,
	       "malformed_mac_address");
	expect(0, "PUT", MAC_OK, NULL, "", 400, "missing_url");
	expect(0, "PUT", MAC_OK, NULL, "{\"url\":\"mailto:x\"}", 400,
	       "unsupported_url_scheme");
	expect(0, "PUT", MAC_OK, NULL, "{\"url\":\"http://\"}", 400,
	       "unable_to_parse_url");
	assert_int_equal(fake_http_ncalls(), 0);
}

static void
test_too_large_is_refused_unread(void **state)
{
	char code[64];

	(void)state;
	/* Content-Length alone decides: the reader would hand out nothing. */
	assert_int_equal(run(0, "PUT", MAC_OK, NULL, "", 64 * 1024 + 1, code,
			     sizeof(code)), 413);
	assert_string_equal(code, "request_too_large");
	assert_int_equal(run(0, "PUT", "/providers/snom/ZZ", NULL, "",
			     64 * 1024 + 1, code, sizeof(code)), 400);
	assert_string_equal(code, "malformed_mac_address");
}

static void
test_routes(void **state)
{
	(void)state;
	expect(1, "GET", "/health/check", NULL, NULL, 200, "");
	expect(1, "GET", "/providers", NULL, NULL, 401, "unauthorized");
	expect(0, "GET", "/nope", NULL, NULL, 404, "not_found");
	expect(0, "POST", MAC_OK, NULL, NULL, 405, "method_not_allowed");
	expect(0, "HEAD", MAC_OK, NULL, NULL, 405, "method_not_allowed");
	expect(0, "POST", "/providers", NULL, NULL, 405, "method_not_allowed");
}

static void
test_providers_lists_enabled(void **state)
{
	struct fal_config cfg;
	struct fal_response resp;
	struct fal_request req = { .method = "GET", .request_uri = "/providers",
				   .content_length = -1 };

	(void)state;
	config_init(&cfg, 0);
	fal_api_handle(&cfg, fake_http_client(), &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "{\"providers\":[\"snom\"]}");
	assert_string_equal(resp.content_type, "application/json");
	fal_response_free(&resp);
}

static void
test_register_success_and_refusal(void **state)
{
	char code[64];

	(void)state;
	fake_http_push(200, ok_answer, NULL);
	assert_int_equal(run(0, "PUT", "/providers/snom/ac:de:48:23:45:67", NULL,
			     BODY_OK, -2, code, sizeof(code)), 200);
	assert_int_equal(fake_http_ncalls(), 1);
	assert_non_null(strstr(fake_http_call_at(0)->body, "ACDE48234567"));
	assert_non_null(strstr(fake_http_call_at(0)->body,
			       "https://pbx.example.com/p"));
	assert_string_equal(fake_http_call_at(0)->user, "u");

	fake_http_push(500, "oops", NULL);
	assert_int_equal(run(0, "PUT", MAC_OK, NULL, BODY_OK, -2, code,
			     sizeof(code)), 500);
	assert_string_equal(code, "provider_remote_call_failed");

	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "refused");
	assert_int_equal(run(0, "DELETE", MAC_OK, NULL, NULL, -1, code,
			     sizeof(code)), 500);
	assert_string_equal(code, "connection_to_remote_provider_failed");
}

static void
test_echoed_password_is_masked(void **state)
{
	static const char refusal[] =
		"<?xml version=\"1.0\"?><methodResponse><params><param><value>"
		"<array><data><value><boolean>0</boolean></value><value><string>"
		"Error:wrong password pw-Secret-1</string></value></data></array>"
		"</value></param></params></methodResponse>";
	struct fal_config cfg;
	struct fal_response resp;
	struct body_reader r = { BODY_OK, sizeof(BODY_OK) - 1, 0 };
	struct fal_request req = {
		.method = "PUT", .request_uri = MAC_OK,
		.content_length = sizeof(BODY_OK) - 1,
		.read_body = read_mem, .body_ctx = &r,
	};

	(void)state;
	fake_http_push(200, refusal, NULL);
	config_init(&cfg, 0);
	/* As the program does once its configuration is loaded. */
	assert_int_equal(fal_secret_add_config(&cfg), 0);
	fal_api_handle(&cfg, fake_http_client(), &req, &resp);
	assert_int_equal(resp.status, 500);
	assert_null(strstr(resp.body, "pw-Secret-1"));
	assert_non_null(strstr(resp.body, "Error:wrong password ***"));
	fal_response_free(&resp);
	fal_secret_forget_all();
}

/* GETs uri; the answer's status and body into *body (malloc'd). */
static int
lookup(const char *uri, int with_tokens, const char *auth, char **body)
{
	struct fal_config cfg;
	struct fal_response resp;
	struct fal_request req = { .method = "GET", .request_uri = uri,
				   .authorization = auth,
				   .content_length = -1 };

	config_init(&cfg, with_tokens);
	fal_api_handle(&cfg, fake_http_client(), &req, &resp);
	*body = resp.body != NULL ? strndup(resp.body, resp.body_len) : NULL;
	assert_true(resp.body == NULL ||
		    strcmp(resp.content_type, "application/json") == 0);
	fal_response_free(&resp);
	return resp.status;
}

/* Queues Snom's [ok, text] answer. */
static void
push_snom(int ok, const char *text, const char *third)
{
	char doc[1024];

	snprintf(doc, sizeof(doc),
		 "<?xml version=\"1.0\"?><methodResponse><params><param><value>"
		 "<array><data><value><boolean>%d</boolean></value><value>"
		 "<string>%s</string></value>%s%s%s</data></array></value>"
		 "</param></params></methodResponse>", ok, text,
		 third ? "<value><string>" : "", third ? third : "",
		 third ? "</string></value>" : "");
	fake_http_push(200, doc, NULL);
}

static void
expect_lookup(const char *uri, int status, const char *want)
{
	char *body;

	assert_int_equal(lookup(uri, 0, NULL, &body), status);
	assert_string_equal(body, want);
	free(body);
}

/* SPEC §1.8: the answer, the normalised MAC, url null where unknown. */
static void
test_lookup_answers(void **state)
{
	(void)state;
	push_snom(1, "OK", NULL);
	push_snom(1, "Example", "https://p/x?a=\"1\"");
	expect_lookup("/providers/snom/ac:de:48:23:45:67", 200,
		      "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\","
		      "\"state\":\"registered\",\"url\":\"https://p/x?a=\\\"1\\\"\"}");
	assert_int_equal(fake_http_ncalls(), 2);

	push_snom(0, "Error:no_such_mac", NULL);
	expect_lookup(MAC_OK, 200,
		      "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\","
		      "\"state\":\"not_registered\",\"url\":null}");
	push_snom(0, "Error:owned_by_other_user", NULL);
	expect_lookup(MAC_OK, 200,
		      "{\"provider\":\"snom\",\"mac\":\"AC-DE-48-23-45-67\","
		      "\"state\":\"registered_elsewhere\",\"url\":null}");
	push_snom(0, "Error:malformed_mac", NULL);
	expect_lookup(MAC_OK, 500, "{\"error\":\"not_valid_mac_address\","
		      "\"message\":\"Error:malformed_mac\"}");
}

/* The checks of DELETE, in order, before any vendor call. */
static void
test_lookup_checks(void **state)
{
	char *body;

	(void)state;
	assert_int_equal(lookup(MAC_OK, 1, NULL, &body), 401);
	free(body);
	assert_int_equal(lookup(MAC_OK, 1, "Bearer s3cret-token", &body), 500);
	free(body);
	expect(0, "GET", "/providers/gigaset/AC-DE-48-23-45-67", NULL, NULL,
	       404, "provider_not_supported");
	expect(0, "GET", "/providers/snom/", NULL, NULL, 400,
	       "missing_mac_address");
	expect(0, "GET", "/providers/snom/01-00-5E-00-00-01", NULL, NULL, 400,
	       "malformed_mac_address");
	/* Only the one GET with the token reached the (silent) vendor. */
	assert_int_equal(fake_http_ncalls(), 1);
}

static bool
client_gone(void *ctx)
{
	(void)ctx;
	return true;
}

/* The count of code in the metrics of snom PUT requests, 0 when none. */
static unsigned long
snom_put_count(const char *code)
{
	char *text, want[160], *p;
	unsigned long n = 0;
	size_t len;

	snprintf(want, sizeof(want), "falconieri_requests_total{provider="
		 "\"snom\",method=\"PUT\",code=\"%s\"} ", code);
	assert_int_equal(fal_metrics_render(fal_vendors, FAL_PROVIDER__MAX,
					    &text, &len), 0);
	if ((p = strstr(text, want)) != NULL)
		n = strtoul(p + strlen(want), NULL, 10);
	free(text);
	return n;
}

/*
 * A client that has gone before the vendor call gets none: the request
 * ends as client_gone, which the metrics count and the access log says.
 */
static void
test_gone_client_is_not_served(void **state)
{
	struct fal_config cfg;
	struct fal_response resp;
	struct body_reader r = { BODY_OK, strlen(BODY_OK), 0 };
	struct fal_request req = {
		.method = "PUT",
		.request_uri = MAC_OK,
		.content_length = (long long)strlen(BODY_OK),
		.read_body = read_mem,
		.body_ctx = &r,
		.client_gone = client_gone,
	};
	unsigned long before = snom_put_count("client_gone");
	char line[512] = "";
	FILE *log = tmpfile();
	int saved = dup(STDERR_FILENO);

	(void)state;
	config_init(&cfg, 0);
	fake_http_push(200, ok_answer, NULL);
	fal_api_handle(&cfg, fake_http_client(), &req, &resp);
	assert_int_equal(fake_http_ncalls(), 0);
	assert_int_equal(resp.err, FAL_ERR_CLIENT_GONE);
	assert_int_equal(resp.status, 499);
	assert_int_equal(snom_put_count("client_gone"), before + 1);
	/* The access line, as cgi/serve.c writes it. */
	assert_non_null(log);
	dup2(fileno(log), STDERR_FILENO);
	fal_log_request(FAL_LOG_TEXT, &(struct fal_log_entry){ "PUT",
			resp.status, resp.err, resp.provider, resp.mac,
			resp.vendor_ms });
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(log);
	assert_non_null(fgets(line, sizeof(line), log));
	fclose(log);
	assert_non_null(strstr(line, "provider=snom"));
	assert_non_null(strstr(line, "status=499 code=client_gone"));
	fal_response_free(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_of_checks, setup),
		cmocka_unit_test_setup(test_too_large_is_refused_unread, setup),
		cmocka_unit_test_setup(test_routes, setup),
		cmocka_unit_test_setup(test_providers_lists_enabled, setup),
		cmocka_unit_test_setup(test_register_success_and_refusal, setup),
		cmocka_unit_test_setup(test_echoed_password_is_masked, setup),
		cmocka_unit_test_setup(test_lookup_answers, setup),
		cmocka_unit_test_setup(test_lookup_checks, setup),
		cmocka_unit_test_setup(test_gone_client_is_not_served, setup),
	};

	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
