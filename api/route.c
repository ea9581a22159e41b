/*
 * route.c - see route.h.
 *
 * Segments are decoded with curl_easy_unescape(), which leaves a '%' that
 * starts no valid escape as it is ("sn%zzom" stays so and names no
 * provider).  A segment that decodes to a NUL byte could make a C string
 * say something the request did not, so the whole path is then not_found.
 */
#include "route.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../lib/url.h"

/* Segments a route has at most: providers/{provider}/{mac}. */
#define SEG_MAX 3

#define M(m) (1u << (m))

/* What each route answers: methods and the matching Allow header. */
static const struct {
	unsigned methods;  /* bit M(FAL_METHOD_*) per method */
	const char *allow;
} routes[FAL_ROUTE__MAX] = {
	{ 0, "" },                                       /* FAL_ROUTE_NOT_FOUND */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD), "GET, HEAD" },  /* FAL_ROUTE_HEALTH */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD), "GET, HEAD" },  /* FAL_ROUTE_PROVIDERS */
	/* FAL_ROUTE_DEVICE: GET is a lookup (SPEC §1.8), without HEAD. */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_PUT) | M(FAL_METHOD_DELETE),
	  "GET, PUT, DELETE" },
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD), "GET, HEAD" },  /* FAL_ROUTE_METRICS */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD) | M(FAL_METHOD_POST),
	  "GET, HEAD, POST" },                           /* FAL_ROUTE_BATCHES */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD) | M(FAL_METHOD_DELETE),
	  "GET, HEAD, DELETE" },                         /* FAL_ROUTE_BATCH */
	{ M(FAL_METHOD_GET) | M(FAL_METHOD_HEAD), "GET, HEAD" },  /* FAL_ROUTE_BATCH_DEVICES */
};

/* The path split on '/': seg[i] is decoded and curl-allocated. */
struct segs {
	char *seg[SEG_MAX];
	size_t n;
};

/*
 * Points *path at the route's path and *len at its length: path_info when
 * set, else request_uri's path inside base_path, less base_path.  A
 * trailing '/' of base_path is ignored, so "/falconieri/" works as
 * "/falconieri".  Returns 0 when request_uri is outside base_path.
 */
static int
route_path(const char *request_uri, const char *path_info,
	   const char *base_path, const char **path, size_t *len)
{
	size_t blen;

	if (path_info != NULL && path_info[0] != '\0') {
		*path = path_info;
		*len = strlen(path_info);
		return 1;
	}
	if (request_uri == NULL)
		request_uri = "";
	if (base_path == NULL)
		base_path = "";
	blen = fal_url_trim_slashes(base_path);

	*len = strcspn(request_uri, "?");
	if (*len < blen || strncmp(request_uri, base_path, blen) != 0)
		return 0;
	if (*len > blen && request_uri[blen] != '/')
		return 0;
	*path = request_uri + blen;
	*len -= blen;
	return 1;
}

/*
 * Splits path (len bytes, which must start with '/') and decodes each
 * segment into s.  Returns 1, 0 when the path names no route (no leading
 * '/', too many segments, a decoded NUL), or -1 when out of memory.
 * Each segment is cut out NUL-terminated first, because
 * curl_easy_unescape() reads an empty segment (length 0) with strlen().
 */
static int
split(const char *path, size_t len, struct segs *s)
{
	char *copy, *seg, *slash;
	int olen, rc = 0;

	if (len == 0 || path[0] != '/' || len > INT_MAX)
		return 0;
	if ((copy = strndup(path + 1, len - 1)) == NULL)
		return -1;
	for (seg = copy; s->n < SEG_MAX; seg = slash + 1) {
		if ((slash = strchr(seg, '/')) != NULL)
			*slash = '\0';
		s->seg[s->n] = curl_easy_unescape(NULL, seg, (int)strlen(seg),
						  &olen);
		if (s->seg[s->n] == NULL) {
			rc = -1;
			break;
		}
		if (strlen(s->seg[s->n++]) != (size_t)olen)
			break;
		if (slash == NULL) {
			rc = 1;
			break;
		}
	}
	free(copy);
	return rc;
}

/* Frees the segments split() decoded, even after it failed midway. */
static void
segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		curl_free(s->seg[i]);
}

/* Makes out a FAL_ROUTE_DEVICE for provider and mac.  Returns 0 or -1. */
static int
set_device(struct fal_route *out, const char *provider, const char *mac)
{
	size_t plen = strlen(provider), mlen = strlen(mac);

	if ((out->buf_ = malloc(plen + mlen + 2)) == NULL)
		return -1;
	out->provider = out->buf_;
	out->mac = out->buf_ + plen + 1;
	memcpy(out->provider, provider, plen + 1);
	memcpy(out->mac, mac, mlen + 1);
	out->kind = FAL_ROUTE_DEVICE;
	return 0;
}

/* Makes out a batch route of kind for id.  Returns 0 or -1. */
static int
set_batch(struct fal_route *out, enum fal_route_kind kind, const char *id)
{
	if ((out->buf_ = strdup(id)) == NULL)
		return -1;
	out->batch = out->buf_;
	out->kind = kind;
	return 0;
}

/* The /batches routes. */
static int
match_batches(const struct segs *s, struct fal_route *out)
{
	char *const *seg = s->seg;

	if (s->n == 1 || (s->n == 2 && seg[1][0] == '\0'))
		out->kind = FAL_ROUTE_BATCHES;
	else if (s->n == 2)
		return set_batch(out, FAL_ROUTE_BATCH, seg[1]);
	else if (strcmp(seg[2], "devices") == 0)
		return set_batch(out, FAL_ROUTE_BATCH_DEVICES, seg[1]);
	return 0;
}

/* Fills out from the decoded segments.  Returns 0 or -1. */
static int
match(const struct segs *s, struct fal_route *out)
{
	char *const *seg = s->seg;

	if (strcmp(seg[0], "batches") == 0)
		return match_batches(s, out);
	if (s->n == 2 && strcmp(seg[0], "health") == 0 &&
	    strcmp(seg[1], "check") == 0)
		out->kind = FAL_ROUTE_HEALTH;
	else if (s->n == 1 && strcmp(seg[0], "metrics") == 0)
		out->kind = FAL_ROUTE_METRICS;
	else if (strcmp(seg[0], "providers") != 0)
		out->kind = FAL_ROUTE_NOT_FOUND;
	else if (s->n == 1 || (s->n == 2 && seg[1][0] == '\0'))
		out->kind = FAL_ROUTE_PROVIDERS;
	else
		return set_device(out, seg[1], s->n == 3 ? seg[2] : "");
	return 0;
}

int
fal_route_parse(const char *request_uri, const char *path_info,
		const char *base_path, struct fal_route *out)
{
	struct segs s = { { NULL }, 0 };
	const char *path;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = FAL_ROUTE_NOT_FOUND;
	if (!route_path(request_uri, path_info, base_path, &path, &len))
		return 0;
	if ((rc = split(path, len, &s)) == 1)
		rc = match(&s, out);
	segs_free(&s);
	return rc < 0 ? -1 : 0;
}

void
fal_route_free(struct fal_route *route)
{
	if (route == NULL)
		return;
	free(route->buf_);
	route->buf_ = route->provider = route->mac = route->batch = NULL;
	route->kind = FAL_ROUTE_NOT_FOUND;
}

int
fal_route_allows(enum fal_route_kind kind, enum fal_method method)
{
	if ((unsigned)kind >= FAL_ROUTE__MAX || (unsigned)method >= FAL_METHOD__MAX)
		return 0;
	return (routes[kind].methods & M(method)) != 0;
}

const char *
fal_route_allow_header(enum fal_route_kind kind)
{
	return (unsigned)kind < FAL_ROUTE__MAX ? routes[kind].allow : "";
}
