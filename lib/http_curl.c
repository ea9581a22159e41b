/*
 * http_curl.c - the transport that carries vendor calls in production:
 * one reused libcurl easy handle per worker (see http.h for what every
 * call guarantees).  Answers' header fields are parsed by curl
 * (curl_easy_nextheader), not here.
 */
#include "http.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "version.h"

/* Cap on the header block kept from an answer. */
#define HEADERS_MAX (64 * 1024)

/*
 * The header list of the last call, kept for the next one when it sends
 * the same headers with the same credentials (every call to one vendor
 * does): building it cost a dozen allocations and a base64 encoding.
 */
struct kept_headers {
	struct curl_slist *list;  /* NULL: none kept */
	size_t n_req;             /* req->headers at the head of list */
	char *user;               /* copies of the credentials, or NULL */
	char *password;
	bool blank_type;          /* "Content-Type:" ends list */
};

struct curl_transport {
	CURL *curl;
	const struct fal_config *cfg;
	CURLU *url;       /* url_text, parsed: see use_url() */
	char *url_text;
	struct kept_headers kept;
	char errbuf[CURL_ERROR_SIZE];
};

/* A growing buffer that refuses to grow past max. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
	bool too_large;  /* refused data past max */
	bool no_memory;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe and must run once per process. */
static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Appends n bytes to b, NUL-terminated; 0, or -1 past max or on ENOMEM. */
static int
buf_add(struct buf *b, const char *p, size_t n)
{
	size_t cap;
	char *d;

	if (n > b->max - b->len) {
		b->too_large = true;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap > 0 ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((d = realloc(b->data, cap)) == NULL) {
			b->no_memory = true;
			return -1;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Body data from curl; returning less than given makes it CURLE_WRITE_ERROR. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	return buf_add(ud, p, size * nmemb) == 0 ? size * nmemb : 0;
}

/*
 * One header line from curl, which parses and keeps them (see
 * header_fields()): here they are only counted against the cap.  A status
 * line starts the header block of a new answer (after a 1xx, or a proxy's
 * CONNECT answer): only the last answer's block counts.
 */
static size_t
on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct buf *b = ud;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		b->len = 0;
	if (n > b->max - b->len) {
		b->too_large = true;
		return 0;
	}
	b->len += n;
	return n;
}

/* A copy of b's data, or of "" when empty; NULL when out of memory. */
static char *
buf_take(struct buf *b)
{
	char *s = b->data != NULL ? b->data : strdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

/*
 * The header fields of the final answer as curl parsed them
 * (curl_easy_nextheader: status line, 1xx answers and line folding are
 * its business), one "Name: value" a line, every repeated field kept.
 * "" when there are none; NULL when out of memory.
 */
static char *
header_fields(CURL *curl)
{
	struct buf out = { .max = 2 * HEADERS_MAX };
	struct curl_header *h = NULL;

	while ((h = curl_easy_nextheader(curl, CURLH_HEADER, -1, h)) != NULL)
		if (buf_add(&out, h->name, strlen(h->name)) < 0 ||
		    buf_add(&out, ": ", 2) < 0 ||
		    buf_add(&out, h->value, strlen(h->value)) < 0 ||
		    buf_add(&out, "\n", 1) < 0) {
			free(out.data);
			return NULL;
		}
	return buf_take(&out);
}

/* True when the NULL-terminated headers hold one called name. */
static bool
has_header(const char *const *headers, const char *name)
{
	size_t n = strlen(name);

	for (; headers != NULL && *headers != NULL; headers++)
		if (strncasecmp(*headers, name, n) == 0 && (*headers)[n] == ':')
			return true;
	return false;
}

/* Frees a header list, wiping it first: it may hold credentials. */
static void
free_headers(struct curl_slist *list)
{
	struct curl_slist *l;

	for (l = list; l != NULL; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* Appends h to *list; 0, or -1 when out of memory. */
static int
add_header(struct curl_slist **list, const char *h)
{
	struct curl_slist *l = curl_slist_append(*list, h);

	if (l == NULL)
		return -1;
	*list = l;
	return 0;
}

/*
 * "Authorization: Basic base64(user:password)" appended to *list.  Built
 * here, with libcrypto's base64, rather than by curl from
 * CURLOPT_USERNAME/PASSWORD: curl's way cost more than a tenth of a
 * vendor call's CPU.  Our copies of the secret are wiped.  0, or -1 when
 * out of memory.
 */
static int
add_basic_auth(struct curl_slist **list, const char *user, const char *pw)
{
	static const char prefix[] = "Authorization: Basic ";
	size_t ulen = strlen(user), plen = strlen(pw), n = ulen + 1 + plen;
	size_t hlen = sizeof(prefix) + 4 * ((n + 2) / 3);
	unsigned char *cred = malloc(n + 1);
	char *h = malloc(hlen);
	int rc = -1;

	if (cred != NULL && h != NULL && n <= INT_MAX) {
		memcpy(cred, user, ulen);
		cred[ulen] = ':';
		memcpy(cred + ulen + 1, pw, plen);
		memcpy(h, prefix, sizeof(prefix) - 1);
		EVP_EncodeBlock((unsigned char *)h + sizeof(prefix) - 1, cred,
				(int)n);
		rc = add_header(list, h);
	}
	if (cred != NULL)
		OPENSSL_cleanse(cred, n);
	if (h != NULL)
		OPENSSL_cleanse(h, hlen);
	free(cred);
	free(h);
	return rc;
}

/*
 * The request headers: the caller's, User-Agent, Basic auth when req
 * has a user, "Expect:" (no 100-continue round trip for a large POST)
 * and, for a body without a Content-Type of the caller's,
 * "Content-Type:" to drop curl's form default.  NULL when out of memory.
 */
static struct curl_slist *
header_list(const struct fal_http_req *req, bool has_body)
{
	struct curl_slist *list = NULL;
	const char *const *h;

	for (h = req->headers; h != NULL && *h != NULL; h++)
		if (add_header(&list, *h) < 0)
			goto fail;
	if (add_header(&list, "User-Agent: " FAL_USER_AGENT) < 0 ||
	    add_header(&list, "Expect:") < 0)
		goto fail;
	if (req->user != NULL &&
	    add_basic_auth(&list, req->user,
			   req->password != NULL ? req->password : "") < 0)
		goto fail;
	if (has_body && !has_header(req->headers, "Content-Type") &&
	    add_header(&list, "Content-Type:") < 0)
		goto fail;
	return list;
fail:
	free_headers(list);
	return NULL;
}

/* Frees a copy of a secret, wiping it first. */
static void
free_secret(char *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

/* Drops the kept header list. */
static void
kept_drop(struct kept_headers *k)
{
	free_headers(k->list);
	free_secret(k->user);
	free_secret(k->password);
	memset(k, 0, sizeof(*k));
}

/* Whether a and b are the same string, or both NULL. */
static bool
same_string(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/*
 * Whether secret a equals b, in time that depends on their lengths only.
 * Both come from the configuration today, not from a client, but a
 * secret is compared the one way everywhere (api/auth.c likewise).
 */
static bool
same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* Whether k's list is the one header_list(req, has_body) would build. */
static bool
kept_fits(const struct kept_headers *k, const struct fal_http_req *req,
	  bool has_body)
{
	const struct curl_slist *l = k->list;
	const char *const *h;
	size_t n = 0;

	if (l == NULL || !same_string(k->user, req->user) ||
	    (req->user != NULL &&
	     !same_secret(k->password,
			  req->password != NULL ? req->password : "")) ||
	    k->blank_type != (has_body &&
			      !has_header(req->headers, "Content-Type")))
		return false;
	for (h = req->headers; h != NULL && *h != NULL; h++, n++, l = l->next)
		if (n >= k->n_req || strcmp(l->data, *h) != 0)
			return false;
	return n == k->n_req;
}

/* Keeps list, built by header_list(req, has_body); false out of memory. */
static bool
kept_set(struct kept_headers *k, struct curl_slist *list,
	 const struct fal_http_req *req, bool has_body)
{
	const char *const *h;

	kept_drop(k);
	k->list = list;
	for (h = req->headers; h != NULL && *h != NULL; h++)
		k->n_req++;
	k->blank_type = has_body && !has_header(req->headers, "Content-Type");
	if (req->user == NULL)
		return true;
	k->user = strdup(req->user);
	k->password = strdup(req->password != NULL ? req->password : "");
	if (k->user == NULL || k->password == NULL) {
		kept_drop(k);
		return false;
	}
	return true;
}

/* The header list for req: the kept one, or a new one kept; NULL (OOM). */
static struct curl_slist *
headers_for(struct kept_headers *k, const struct fal_http_req *req,
	    bool has_body)
{
	struct curl_slist *list;

	if (kept_fits(k, req, has_body))
		return k->list;
	if ((list = header_list(req, has_body)) == NULL ||
	    !kept_set(k, list, req, has_body))
		return NULL;
	return list;
}

/*
 * Sets the method and body of req on curl; whether a body is sent.  Every
 * call sets all three of method, body and custom verb, since the handle
 * keeps its options from one call to the next: HTTPGET first forgets the
 * previous call's body.
 */
static bool
set_method(CURL *curl, const struct fal_http_req *req)
{
	const char *m = req->method != NULL ? req->method : "GET";
	bool get = strcmp(m, "GET") == 0;
	bool body = !get && (req->body != NULL || strcmp(m, "POST") == 0 ||
			     strcmp(m, "PUT") == 0);

	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)
				 (req->body != NULL ? req->body_len : 0));
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
				 req->body != NULL ? req->body : "");
	}
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST,
			 get || strcmp(m, "POST") == 0 ? NULL : m);
	return body;
}

/*
 * Whether libcurl was built with a default CA directory (CURLINFO_CAPATH,
 * libcurl 7.84 and later).
 */
static bool
has_default_capath(CURL *c)
{
	char *path = NULL;

	return curl_easy_getinfo(c, CURLINFO_CAPATH, &path) == CURLE_OK &&
	       path != NULL && path[0] != '\0';
}

/*
 * The options every call shares, set once when the handle is made: the
 * handle is never reset, so that they are not copied and parsed again on
 * every call.
 */
static void
set_fixed_options(struct curl_transport *http)
{
	const struct fal_config *cfg = http->cfg;
	CURL *c = http->curl;

	/* The URL of each call goes into this handle: see use_url(). */
	curl_easy_setopt(c, CURLOPT_CURLU, http->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->ca_file != NULL && cfg->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
	else if (has_default_capath(c))
		/* The system's CAs from the hashed directory (Debian:
		 * /etc/ssl/certs, kept by update-ca-certificates with the
		 * bundle), which OpenSSL reads one CA at a time as a chain
		 * needs it, rather than from the bundle, which each worker's
		 * handle would parse whole: about 0.9 MiB per worker. */
		curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
	/* Vendors answer a few KiB at most: a 4 KiB receive buffer instead
	 * of 16 KiB, malloc'd and freed by curl on every call. */
	curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 4096L);
	if (cfg->connect_timeout_ms > 0)
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
				 cfg->connect_timeout_ms);
	/* Workers are threads: no SIGALRM for DNS timeouts. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, http->errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
}

/*
 * Points the handle at url.  curl parses a URL given as text on every
 * call, which was a sixth of its own cost; given a parsed handle
 * (CURLOPT_CURLU) it does not.  So each worker keeps the last URL it
 * parsed: an XML-RPC vendor's rpc_url is parsed once per worker.  Returns
 * 0, or -1 when curl cannot parse url (or out of memory).
 */
static int
use_url(struct curl_transport *http, const char *url)
{
	char *text;

	if (http->url_text != NULL && strcmp(http->url_text, url) == 0)
		return 0;
	free(http->url_text);
	http->url_text = NULL;
	if (curl_url_set(http->url, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    (text = strdup(url)) == NULL)
		return -1;
	http->url_text = text;
	return 0;
}

/*
 * Sets what differs from call to call: method and body, headers, and
 * where the answer goes.  Nothing (auth, method, body) leaks from one
 * call into the next: credentials travel only in the header list, which
 * is every call's own.
 */
static void
set_call_options(struct curl_transport *http, struct curl_slist *headers,
		 struct buf *body, struct buf *hdrs)
{
	CURL *c = http->curl;

	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, hdrs);
}

/*
 * curl's failures that mean no answer could be had (SPEC §1.1's
 * connection_to_remote_provider_failed): name resolution, connection,
 * proxy, TLS, sending, time.  Every other failure after the request went
 * out happened while reading the answer (read_remote_response_failed):
 * reset, cut short, nothing at all, not HTTP.
 */
static const CURLcode connect_failures[] = {
	CURLE_COULDNT_RESOLVE_PROXY,
	CURLE_COULDNT_RESOLVE_HOST,
	CURLE_COULDNT_CONNECT,
	CURLE_OPERATION_TIMEDOUT,
	CURLE_SSL_CONNECT_ERROR,
	CURLE_SEND_ERROR,
	CURLE_PEER_FAILED_VERIFICATION,
	CURLE_SSL_ENGINE_NOTFOUND,
	CURLE_SSL_ENGINE_SETFAILED,
	CURLE_SSL_CERTPROBLEM,
	CURLE_SSL_CIPHER,
	CURLE_SSL_ENGINE_INITFAILED,
	CURLE_USE_SSL_FAILED,
	CURLE_SSL_CACERT_BADFILE,
	CURLE_SSL_SHUTDOWN_FAILED,
	CURLE_SSL_CRL_BADFILE,
	CURLE_SSL_ISSUER_ERROR,
	CURLE_SSL_PINNEDPUBKEYNOTMATCH,
	CURLE_SSL_INVALIDCERTSTATUS,
	CURLE_SSL_CLIENTCERT,
	CURLE_PROXY,
};

/*
 * The outcome a failed curl call stands for; sent says whether the
 * request went out.  Before it did, whatever failed (a URL or scheme curl
 * will not use among them) kept us from the vendor.  After it did, the
 * code decides, not curl's words: CURLE_UNSUPPORTED_PROTOCOL then means an
 * answer without an HTTP/1.x status line ("HTTP/0.9"), an unreadable
 * answer from a vendor that was reached.
 */
static enum fal_err
classify(CURLcode rc, bool sent)
{
	size_t i;

	if (rc == CURLE_OUT_OF_MEMORY)
		return FAL_ERR_INTERNAL;
	if (!sent)
		return FAL_ERR_CONNECTION_FAILED;
	for (i = 0; i < sizeof(connect_failures) / sizeof(*connect_failures); i++)
		if (connect_failures[i] == rc)
			return FAL_ERR_CONNECTION_FAILED;
	return FAL_ERR_READ_RESPONSE_FAILED;
}

/* Whether curl sent (some of) a request in its last transfer. */
static bool
request_sent(CURL *curl)
{
	long n = 0;

	return curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &n) == CURLE_OK &&
	       n > 0;
}

/*
 * err set for the failure rc, in curl's words (its error buffer names
 * the host or the TLS problem; it never holds the credentials), or ours
 * when a buffer cap stopped the transfer.
 */
static enum fal_err
fail(struct curl_transport *http, CURLcode rc, const struct buf *body,
     const struct buf *hdrs, struct fal_error *err)
{
	if (body->too_large)
		return fal_error_set(err, FAL_ERR_READ_RESPONSE_FAILED,
				     "answer larger than 1 MiB");
	if (hdrs->too_large)
		return fal_error_set(err, FAL_ERR_READ_RESPONSE_FAILED,
				     "answer headers larger than 64 KiB");
	if (body->no_memory || hdrs->no_memory)
		return fal_error_set(err, FAL_ERR_INTERNAL, "out of memory");
	return fal_error_set(err, classify(rc, request_sent(http->curl)), "%s",
			     http->errbuf[0] != '\0' ? http->errbuf
						     : curl_easy_strerror(rc));
}

/*
 * Reads the last answer's Retry-After (seconds, or an HTTP-date) with
 * curl_easy_header(); -1 when there is none or it does not parse.
 */
static long
retry_after_ms(CURL *curl)
{
	struct curl_header *h;

	if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1,
			     &h) != CURLHE_OK)
		return -1;
	return fal_http_retry_after_parse(h->value);
}

/* The transport's perform: see struct fal_http_transport. */
static enum fal_err
curl_perform(void *ctx, const struct fal_http_req *req, long timeout_ms,
	     struct fal_http_resp *resp, struct fal_error *err)
{
	struct curl_transport *http = ctx;
	struct buf body = { .max = FAL_HTTP_BODY_MAX };
	struct buf hdrs = { .max = HEADERS_MAX };
	struct curl_slist *headers;
	enum fal_err rc;
	CURLcode cc;

	http->errbuf[0] = '\0';
	if (use_url(http, req->url) < 0)
		return fal_error_set(err, FAL_ERR_CONNECTION_FAILED,
				     "URL not usable by curl");
	headers = headers_for(&http->kept, req, set_method(http->curl, req));
	if (headers == NULL)
		return fal_error_set(err, FAL_ERR_INTERNAL, "out of memory");
	set_call_options(http, headers, &body, &hdrs);
	curl_easy_setopt(http->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	cc = curl_easy_perform(http->curl);
	curl_easy_getinfo(http->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	if (cc != CURLE_OK) {
		rc = fail(http, cc, &body, &hdrs, err);
		goto out;
	}
	resp->retry_after_ms = retry_after_ms(http->curl);
	resp->body_len = body.len;
	resp->body = buf_take(&body);
	resp->headers = req->no_header_fields ? NULL
					      : header_fields(http->curl);
	if (resp->body == NULL ||
	    (resp->headers == NULL && !req->no_header_fields)) {
		rc = fal_error_set(err, FAL_ERR_INTERNAL, "out of memory");
		goto out;
	}
	rc = FAL_OK;
out:
	/* The list stays kept (http->kept) until another replaces it. */
	free(body.data);
	return rc;
}

static void
transport_free(void *ctx)
{
	struct curl_transport *http = ctx;

	curl_easy_cleanup(http->curl);
	kept_drop(&http->kept);
	curl_url_cleanup(http->url);
	free(http->url_text);
	free(http);
}

static const struct fal_http_transport curl_transport = {
	.perform = curl_perform,
	.free = transport_free,
};

struct fal_http *
fal_http_new(const struct fal_config *cfg)
{
	struct curl_transport *http;
	struct fal_http *client;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK || cfg == NULL)
		return NULL;
	if ((http = calloc(1, sizeof(*http))) == NULL)
		return NULL;
	if ((http->curl = curl_easy_init()) == NULL ||
	    (http->url = curl_url()) == NULL) {
		transport_free(http);
		return NULL;
	}
	http->cfg = cfg;
	set_fixed_options(http);
	if ((client = fal_http_new_transport(cfg, &curl_transport, http)) == NULL)
		transport_free(http);
	return client;
}
