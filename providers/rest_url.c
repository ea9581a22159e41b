/* rest_url.c - see rest_url.h. */
#include "rest_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "../lib/url.h"

/* A URL's origin, as curl reports it. */
struct origin {
	char *scheme;
	char *host;
	char *port;
};

/* Parsed url, or NULL. */
static CURLU *
parse(const char *url)
{
	CURLU *u = curl_url();

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

/* Part p of u (curl-allocated), or NULL when absent. */
static char *
part(CURLU *u, CURLUPart p, unsigned flags)
{
	char *s = NULL;

	return curl_url_get(u, p, &s, flags) == CURLUE_OK ? s : NULL;
}

static void
origin_free(struct origin *o)
{
	curl_free(o->scheme);
	curl_free(o->host);
	curl_free(o->port);
}

/*
 * Fills o from u when u is http(s) with a host and no user info.
 * Returns 0, or -1 (free o either way).
 */
static int
origin_of(CURLU *u, struct origin *o)
{
	char *user = part(u, CURLUPART_USER, 0);
	char *password = part(u, CURLUPART_PASSWORD, 0);
	int bare = user == NULL && password == NULL;

	curl_free(user);
	curl_free(password);
	o->scheme = part(u, CURLUPART_SCHEME, 0);
	o->host = part(u, CURLUPART_HOST, 0);
	o->port = part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	if (!bare || o->scheme == NULL || o->host == NULL || o->port == NULL ||
	    o->host[0] == '\0')
		return -1;
	return strcmp(o->scheme, "https") == 0 || strcmp(o->scheme, "http") == 0 ?
	    0 : -1;
}

int
fal_rest_url_ok(const char *url)
{
	const char *colon = strchr(url, ':');
	struct origin o = { 0 };
	CURLU *u;
	int ok;

	/* curl reads "https:///x" as host "x"; a host needs "//" first. */
	if (colon == NULL || strncmp(colon, "://", 3) != 0 || colon[3] == '/')
		return 0;
	u = parse(url);
	ok = u != NULL && origin_of(u, &o) == 0;

	origin_free(&o);
	curl_url_cleanup(u);
	return ok;
}

/* Whether u's origin is that of url. */
static int
same_origin_u(CURLU *u, const char *url)
{
	struct origin a = { 0 }, b = { 0 };
	CURLU *v = parse(url);
	int same;

	same = v != NULL && origin_of(u, &a) == 0 && origin_of(v, &b) == 0 &&
	    strcmp(a.scheme, b.scheme) == 0 &&
	    strcasecmp(a.host, b.host) == 0 && strcmp(a.port, b.port) == 0;
	origin_free(&a);
	origin_free(&b);
	curl_url_cleanup(v);
	return same;
}

enum fal_err
fal_rest_url_resolve(const char *origin, const char *doc, const char *ref,
		     char **out)
{
	CURLU *u = parse(doc);
	enum fal_err rc = FAL_ERR_UNKNOWN_RESPONSE;
	char *url;

	*out = NULL;
	if (u == NULL)
		return FAL_ERR_UNKNOWN_RESPONSE;
	/* On a handle holding doc, curl resolves a relative ref against it. */
	if (*ref == '\0' || curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK ||
	    !same_origin_u(u, origin))
		goto out;
	if ((url = part(u, CURLUPART_URL, 0)) == NULL) {
		rc = FAL_ERR_INTERNAL;
		goto out;
	}
	*out = strdup(url);
	curl_free(url);
	rc = *out != NULL ? FAL_OK : FAL_ERR_INTERNAL;
out:
	curl_url_cleanup(u);
	return rc;
}

char *
fal_rest_url_append(const char *url, const char *segment)
{
	CURLU *u = parse(url);
	char *path = NULL, *joined = NULL, *whole = NULL, *out = NULL;
	size_t n;

	if (u == NULL || (path = part(u, CURLUPART_PATH, 0)) == NULL)
		goto out;
	n = strlen(path);
	if (asprintf(&joined, "%s%s%s", path,
		     n > 0 && path[n - 1] == '/' ? "" : "/", segment) < 0) {
		joined = NULL;
		goto out;
	}
	if (curl_url_set(u, CURLUPART_PATH, joined, 0) != CURLUE_OK ||
	    (whole = part(u, CURLUPART_URL, 0)) == NULL)
		goto out;
	out = strdup(whole);
out:
	curl_free(whole);
	free(joined);
	curl_free(path);
	curl_url_cleanup(u);
	return out;
}

char *
fal_rest_base_url(const char *base_url, const char *path)
{
	size_t n = fal_url_trim_slashes(base_url);
	char *url;

	if (asprintf(&url, "%.*s%s", (int)n, base_url, path) < 0)
		return NULL;
	return url;
}
