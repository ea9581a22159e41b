/*
 * fuzz_request.c - the whole request path of SPEC §1 (route, method, token,
 * provider, MAC, body, URL, serial number, crc) and every vendor dialogue
 * behind it, through fal_api_handle() with the scripted transport of
 * tests/unit/fake_http.c answering for the vendors.
 *
 * Input: three bytes of settings, then NUL-separated fields
 *
 *   flags chunk  method  request_uri  path_info  query  authorization
 *   body  answer...
 *
 * flags: bit 0 the configuration with API tokens and base_path
 * /falconieri, bit 1 no Content-Length, bit 2 a Content-Length larger than
 * the body, bit 3 no PATH_INFO, bit 4 no QUERY_STRING, bit 5 no
 * Authorization.  chunk: bytes per body read (0: as many as asked).  Each
 * answer field is one vendor answer, in order: its first byte picks the
 * HTTP status (or a transport failure) and whether a Link header comes
 * with it, the rest is the body.
 *
 * Checked for every input: the answer is one SPEC §1 documents (status,
 * JSON body with a documented code, or an empty 200), the body is valid
 * UTF-8 JSON, and no vendor request leaves the configured vendor origins.
 */
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../api/api.h"
#include "../../lib/config.h"
#include "../../lib/err.h"
#include "../../providers/table.h"
#include "../unit/fake_http.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

/* The caches of the REST vendors, when linked: reset for each input. */
extern void fal_ymcs_cache_reset(void) __attribute__((weak));
extern void fal_hawk_cache_reset(void) __attribute__((weak));

#define REQ_XMLRPC_URL "http://vendor.example:8080/rpc"
#define REQ_REST_URL "https://rest.example/api/"

static const char req_conf_open[] =
	"{\"providers\": {"
	" \"snom\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\"},"
	" \"gigaset\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\"},"
	" \"fanvil\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\"},"
	" \"yealink\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\"},"
	" \"ymcs\": {\"base_url\": \"" REQ_REST_URL "\", \"client_id\": \"id\", \"client_secret\": \"s\"},"
	" \"grape\": {\"base_url\": \"" REQ_REST_URL "\", \"client_id\": \"id\", \"client_secret\": \"s\"},"
	" \"sraps\": {\"base_url\": \"" REQ_REST_URL "\", \"client_id\": \"id\", \"client_secret\": \"s\"}"
	"}, \"timeout_ms\": 1000}";

static const char req_conf_tokens[] =
	"{\"providers\": {"
	" \"snom\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\"},"
	" \"gigaset\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\", \"disable_crc\": true},"
	" \"fanvil\": {\"user\": \"u\", \"password\": \"p\", \"rpc_url\": \"" REQ_XMLRPC_URL "\", \"disable\": true},"
	" \"ymcs\": {\"base_url\": \"" REQ_REST_URL "\", \"client_id\": \"id\", \"client_secret\": \"s\"},"
	" \"grape\": {\"base_url\": \"" REQ_REST_URL "\", \"client_id\": \"id\", \"client_secret\": \"s\"}"
	"}, \"api_tokens\": [\"fuzz-token-0123456789\", \"t2\"],"
	" \"base_path\": \"/falconieri/\"}";

/* HTTP statuses a vendor answer may carry, picked by the answer's byte. */
static const long req_statuses[] = {
	200, 200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 500, 503
};

static struct fal_config req_cfg[2];
static int req_ready;

/*
 * Loads a configuration from text through fal_config_load (the real
 * loader, on an in-memory file).  Aborts on failure: the fuzz target is
 * broken then, not the program.
 */
static void
req_load(struct fal_config *cfg, const char *text)
{
	char path[64], err[512];
	int fd = memfd_create("fuzz-conf", 0);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fal_providers_config_load(cfg, path, err, sizeof(err)) != 0 ||
	    fal_providers_prepare(cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_request: %s\n", err);
		abort();
	}
	close(fd);
}

static void
req_init(void)
{
	if (req_ready)
		return;
	req_load(&req_cfg[0], req_conf_open);
	req_load(&req_cfg[1], req_conf_tokens);
	req_ready = 1;
}

/* The request body as fal_api_handle reads it, chunk bytes at a time. */
struct req_body {
	const char *data;
	size_t len, off, chunk;
};

static long
req_read(void *ctx, char *buf, size_t len)
{
	struct req_body *b = ctx;
	size_t n = b->len - b->off;

	if (n > len)
		n = len;
	if (b->chunk > 0 && n > b->chunk)
		n = b->chunk;
	memcpy(buf, b->data + b->off, n);
	b->off += n;
	return (long)n;
}

/* Queues the vendor answers the input carries. */
static void
req_push_answers(const struct fuzz_fields *ff, size_t first)
{
	static const char link[] = "Link: <" REQ_REST_URL
				   "settings/?page=2>; rel=\"next\"\r\n";
	const size_t nstat = sizeof(req_statuses) / sizeof(req_statuses[0]);

	for (size_t i = first; i < ff->n && i < first + 16; i++) {
		unsigned char b = ff->len[i] > 0 ? (unsigned char)ff->f[i][0] : 0;
		const char *body = ff->len[i] > 0 ? ff->f[i] + 1 : "";

		if ((b & 0x3f) == 0x3f)
			fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "timeout");
		else if ((b & 0x3f) == 0x3e)
			fake_http_push_error(FAL_ERR_READ_RESPONSE_FAILED, "cut");
		else
			fake_http_push(req_statuses[(b & 0x3f) % nstat], body,
				       (b & 0x40) ? link : NULL);
	}
}

/* Whether url has scheme, host and port of one of the configured vendors. */
static bool
req_on_origin(const char *url)
{
	static const char *const origins[] = {
		"http vendor.example 8080", "https rest.example 443"
	};
	char *scheme = NULL, *host = NULL, *port = NULL, got[512];
	CURLU *h = curl_url();
	bool ok = false;

	if (h == NULL)
		return false;
	if (curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		snprintf(got, sizeof(got), "%s %s %s", scheme, host, port);
		for (size_t i = 0; i < 2; i++)
			ok = ok || strcasecmp(got, origins[i]) == 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(h);
	return ok;
}

/* Whether code is the wire code of an error answered with status. */
static bool
req_documented(const char *code, int status)
{
	for (int e = FAL_OK + 1; e < FAL_ERR__MAX; e++)
		if (e != FAL_ERR_INTERNAL && strcmp(code, fal_err_code(e)) == 0)
			return fal_err_status(e) == status;
	return false;
}

/* The properties every answer has (see the top of this file). */
static void
req_check_answer(const struct fal_response *resp)
{
	cJSON *root;
	const cJSON *error;

	FUZZ_CHECK(resp->status == 200 || resp->status == 400 ||
		   resp->status == 401 || resp->status == 404 ||
		   resp->status == 405 || resp->status == 413 ||
		   resp->status == 500);
	FUZZ_CHECK(resp->err != FAL_ERR_INTERNAL);
	FUZZ_CHECK((resp->status == 405) == (resp->allow != NULL));
	if (resp->body == NULL) {
		FUZZ_CHECK(resp->status == 200 && resp->body_len == 0);
		FUZZ_CHECK(resp->content_type == NULL);
		return;
	}
	FUZZ_CHECK(resp->content_type != NULL);
	FUZZ_CHECK(strlen(resp->body) == resp->body_len);
	FUZZ_CHECK(fuzz_utf8_valid(resp->body, resp->body_len));
	if (strcmp(resp->content_type, "application/json") != 0) {
		FUZZ_CHECK(resp->status == 200);  /* /metrics */
		return;
	}
	root = cJSON_ParseWithLength(resp->body, resp->body_len);
	FUZZ_CHECK(cJSON_IsObject(root));
	error = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (resp->status == 200) {
		FUZZ_CHECK(error == NULL);
		FUZZ_CHECK(cJSON_HasObjectItem(root, "providers") ||
			   cJSON_HasObjectItem(root, "device_pin"));
	} else {
		FUZZ_CHECK(cJSON_IsString(error));
		FUZZ_CHECK(req_documented(error->valuestring, resp->status));
	}
	cJSON_Delete(root);
}

int
fuzz_request(const uint8_t *data, size_t size)
{
	struct fuzz_fields ff;
	struct fal_response resp;
	struct req_body body = { "", 0, 0, 0 };
	struct fal_request req = { 0 };
	unsigned char flags, chunk;

	req_init();
	if (size < 2)
		return 0;
	flags = data[0];
	chunk = data[1];
	if (fuzz_split(data + 2, size - 2, FUZZ_FIELDS_MAX, &ff) != 0)
		return 0;
	if (fal_ymcs_cache_reset != NULL)
		fal_ymcs_cache_reset();
	if (fal_hawk_cache_reset != NULL)
		fal_hawk_cache_reset();
	fake_http_reset();
	req_push_answers(&ff, 6);

	req.method = fuzz_field(&ff, 0) != NULL ? fuzz_field(&ff, 0) : "";
	req.request_uri = fuzz_field(&ff, 1);
	req.path_info = (flags & 8) ? NULL : fuzz_field(&ff, 2);
	req.query_string = (flags & 16) ? NULL : fuzz_field(&ff, 3);
	req.authorization = (flags & 32) ? NULL : fuzz_field(&ff, 4);
	if (ff.n > 5) {
		body.data = ff.f[5];
		body.len = ff.len[5];
	}
	body.chunk = chunk;
	req.content_length = (flags & 2) ? -1 : (long long)body.len +
			     ((flags & 4) ? 100 : 0);
	req.read_body = req_read;
	req.body_ctx = &body;

	fal_api_handle(&req_cfg[flags & 1], fake_http_client(), &req, &resp);
	if (getenv("FAL_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "status %d, %zu vendor calls, body %.*s\n",
			resp.status, fake_http_ncalls(), (int)resp.body_len,
			resp.body != NULL ? resp.body : "");
	req_check_answer(&resp);
	for (size_t i = 0; i < fake_http_ncalls(); i++)
		FUZZ_CHECK(req_on_origin(fake_http_call_at(i)->url));
	fal_response_free(&resp);
	fake_http_reset();
	fuzz_fields_free(&ff);
	return 0;
}

FUZZ_TARGET(fuzz_request)
