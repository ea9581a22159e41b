/* hawk.c - see hawk.h. */
#include "hawk.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "nonce.h"

/* Hawk nonces are short; 16 hex digits (64 random bits) never repeat. */
#define HAWK_NONCE_HEX 16

/* Longest content type we hash; ours is "application/json". */
#define CONTENT_TYPE_MAX 128

/* base64 of a SHA-256 digest into out. */
static void
b64_digest(const unsigned char *md, unsigned len, char out[FAL_HAWK_B64_LEN])
{
	EVP_EncodeBlock((unsigned char *)out, md, (int)len);
}

/*
 * The content type as Hawk hashes it: lower-case, parameters and
 * surrounding blanks dropped ("Application/JSON; charset=utf-8" hashes as
 * "application/json").
 */
static void
bare_content_type(const char *ct, char out[CONTENT_TYPE_MAX])
{
	size_t n = 0;

	if (ct == NULL)
		ct = "";
	ct += strspn(ct, " \t");
	for (; ct[n] != '\0' && ct[n] != ';' && n < CONTENT_TYPE_MAX - 1; n++)
		out[n] = (char)tolower((unsigned char)ct[n]);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
}

int
fal_hawk_payload_hash(const char *content_type, const char *body, size_t len,
		      char out[FAL_HAWK_B64_LEN])
{
	static const char prefix[] = "hawk.1.payload\n";
	char ct[CONTENT_TYPE_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	bare_content_type(content_type, ct);
	if (body == NULL)
		len = 0;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, prefix, sizeof(prefix) - 1) == 1 &&
	    EVP_DigestUpdate(ctx, ct, strlen(ct)) == 1 &&
	    EVP_DigestUpdate(ctx, "\n", 1) == 1 &&
	    (len == 0 || EVP_DigestUpdate(ctx, body, len) == 1) &&
	    EVP_DigestUpdate(ctx, "\n", 1) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	b64_digest(md, mdlen, out);
	return 0;
}

int
fal_hawk_mac(const char *key, const struct fal_hawk_artifacts *a,
	     char out[FAL_HAWK_B64_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char *norm = NULL;
	int len;

	len = asprintf(&norm, "hawk.1.header\n%lld\n%s\n%s\n%s\n%s\n%u\n%s\n%s\n",
		       a->ts, a->nonce, a->method, a->resource, a->host,
		       a->port, a->hash != NULL ? a->hash : "",
		       a->ext != NULL ? a->ext : "");
	if (len < 0)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)norm,
		 (size_t)len, md, &mdlen) == NULL) {
		free(norm);
		return -1;
	}
	free(norm);
	b64_digest(md, mdlen, out);
	return 0;
}

/* Part p of u, malloc'd by curl, or NULL when absent. */
static char *
url_part(CURLU *u, CURLUPart p, unsigned flags)
{
	char *s = NULL;

	return curl_url_get(u, p, &s, flags) == CURLUE_OK ? s : NULL;
}

/* Fills t from u, an already parsed http(s) URL.  Returns 0 or -1. */
static int
target_fill(CURLU *u, struct fal_hawk_target *t)
{
	char *scheme, *port, *path, *query;
	int rc = -1;

	scheme = url_part(u, CURLUPART_SCHEME, 0);
	port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	path = url_part(u, CURLUPART_PATH, 0);
	query = url_part(u, CURLUPART_QUERY, 0);
	t->host = url_part(u, CURLUPART_HOST, 0);
	if (scheme == NULL || port == NULL || path == NULL || t->host == NULL)
		goto out;
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		goto out;
	for (char *h = t->host; *h != '\0'; h++)
		*h = (char)tolower((unsigned char)*h);
	t->port = (unsigned)strtoul(port, NULL, 10);
	if (asprintf(&t->resource, "%s%s%s", path, query != NULL ? "?" : "",
		     query != NULL ? query : "") < 0) {
		t->resource = NULL;
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	return rc;
}

int
fal_hawk_target_parse(const char *url, struct fal_hawk_target *t)
{
	CURLU *u;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK)
		rc = target_fill(u, t);
	curl_url_cleanup(u);
	return rc;
}

void
fal_hawk_target_free(struct fal_hawk_target *t)
{
	curl_free(t->host);
	free(t->resource);
	memset(t, 0, sizeof(*t));
}

int
fal_hawk_quotable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

char *
fal_hawk_header_at(const struct fal_hawk_creds *c, const char *method,
		   const char *url, const char *content_type, const char *body,
		   size_t len, long long ts, const char *nonce)
{
	struct fal_hawk_target t;
	struct fal_hawk_artifacts a = { 0 };
	char hash[FAL_HAWK_B64_LEN], mac[FAL_HAWK_B64_LEN];
	char *header = NULL;

	if (!fal_hawk_quotable(c->id) || !fal_hawk_quotable(nonce))
		return NULL;
	if (fal_hawk_target_parse(url, &t) != 0)
		goto out;
	if (fal_hawk_payload_hash(content_type, body, len, hash) != 0)
		goto out;
	a.ts = ts;
	a.nonce = nonce;
	a.method = method;
	a.resource = t.resource;
	a.host = t.host;
	a.port = t.port;
	a.hash = hash;
	if (fal_hawk_mac(c->key, &a, mac) != 0)
		goto out;
	if (asprintf(&header, "Hawk id=\"%s\", ts=\"%lld\", nonce=\"%s\", "
		     "hash=\"%s\", mac=\"%s\"", c->id, ts, nonce, hash, mac) < 0)
		header = NULL;
out:
	fal_hawk_target_free(&t);
	return header;
}

char *
fal_hawk_header(const struct fal_hawk_creds *c, const char *method,
		const char *url, const char *content_type, const char *body,
		size_t len)
{
	char nonce[HAWK_NONCE_HEX + 1];

	if (fal_nonce_hex(nonce, HAWK_NONCE_HEX) != 0)
		return NULL;
	return fal_hawk_header_at(c, method, url, content_type, body, len,
				  (long long)time(NULL), nonce);
}
