/*
 * url_split.c - see url_split.h.
 *
 * curl is told to keep the path as it is (no "/../" folding), so the
 * pieces put back together are the URL the client sent, less its user
 * info and fragment.  curl does read a port number: "h:0080" gives "h:80".
 */
#include "url_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

/*
 * Copies part what of h into *out with malloc, or leaves it NULL when the
 * URL has no such part.  Returns FAL_OK or FAL_ERR_INTERNAL.
 */
static enum fal_err
get_part(CURLU *h, CURLUPart what, char **out)
{
	char *s = NULL;
	CURLUcode rc;

	*out = NULL;
	rc = curl_url_get(h, what, &s, 0);
	if (rc == CURLUE_OUT_OF_MEMORY)
		return FAL_ERR_INTERNAL;
	if (rc != CURLUE_OK || s == NULL)
		return FAL_OK;
	*out = strdup(s);
	curl_free(s);
	return *out != NULL ? FAL_OK : FAL_ERR_INTERNAL;
}

/*
 * "host", "host:port", or for an IPv6 literal with a zone, which curl
 * keeps apart from the host, "[addr%25zone]:port".  NULL when out of
 * memory.
 */
static char *
join_hostport(const char *host, const char *zone, const char *port)
{
	const char *colon = port != NULL ? ":" : "";
	char *s;
	int n;

	if (port == NULL)
		port = "";
	if (zone != NULL && host[0] == '[')
		n = asprintf(&s, "%.*s%%25%s]%s%s", (int)strlen(host) - 1,
			     host, zone, colon, port);
	else
		n = asprintf(&s, "%s%s%s", host, colon, port);
	return n < 0 ? NULL : s;
}

/* Fills out's pieces from h; FAL_OK, or the first failure. */
static enum fal_err
split(CURLU *h, struct fal_url_parts *out)
{
	char *host = NULL, *zone = NULL, *port = NULL;
	enum fal_err rc;

	if ((rc = get_part(h, CURLUPART_SCHEME, &out->scheme)) != FAL_OK ||
	    (rc = get_part(h, CURLUPART_PATH, &out->path)) != FAL_OK ||
	    (rc = get_part(h, CURLUPART_QUERY, &out->query)) != FAL_OK ||
	    (rc = get_part(h, CURLUPART_HOST, &host)) != FAL_OK ||
	    (rc = get_part(h, CURLUPART_ZONEID, &zone)) != FAL_OK ||
	    (rc = get_part(h, CURLUPART_PORT, &port)) != FAL_OK)
		goto out;
	if (out->scheme == NULL || host == NULL || host[0] == '\0') {
		rc = FAL_ERR_UNPARSABLE_URL;
		goto out;
	}
	if (out->path == NULL && (out->path = strdup("/")) == NULL) {
		rc = FAL_ERR_INTERNAL;
		goto out;
	}
	if ((out->hostport = join_hostport(host, zone, port)) == NULL)
		rc = FAL_ERR_INTERNAL;
out:
	free(host);
	free(zone);
	free(port);
	return rc;
}

enum fal_err
fal_url_split(const char *url, struct fal_url_parts *out)
{
	CURLU *h;
	CURLUcode set;
	enum fal_err rc;

	memset(out, 0, sizeof(*out));
	if ((h = curl_url()) == NULL)
		return FAL_ERR_INTERNAL;
	set = curl_url_set(h, CURLUPART_URL, url,
			   CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS);
	if (set == CURLUE_OK)
		rc = split(h, out);
	else
		rc = set == CURLUE_OUT_OF_MEMORY ? FAL_ERR_INTERNAL :
		     FAL_ERR_UNPARSABLE_URL;
	curl_url_cleanup(h);
	if (rc != FAL_OK)
		fal_url_parts_free(out);
	return rc;
}

void
fal_url_parts_free(struct fal_url_parts *parts)
{
	free(parts->scheme);
	free(parts->hostport);
	free(parts->path);
	free(parts->query);
	memset(parts, 0, sizeof(*parts));
}
