/*
 * rest_url.h - the URLs of the REST vendors, through libcurl's URL API:
 * checking base_url, resolving the links a vendor hands out and keeping
 * them on base_url's origin, so that no signed request ever leaves it.
 */
#ifndef FAL_REST_URL_H
#define FAL_REST_URL_H

#include "../lib/err.h"

/* Whether url is an absolute http(s) URL with a host and no user info. */
int fal_rest_url_ok(const char *url);

/*
 * Resolves ref, absolute or relative to the URL doc it was found in, into
 * *out (malloc'd).  FAL_OK; FAL_ERR_UNKNOWN_RESPONSE when ref is no URL,
 * carries user info, or leaves origin's scheme, host (any case) and port
 * (443/80 by default);
 * FAL_ERR_INTERNAL when out of memory.
 */
enum fal_err fal_rest_url_resolve(const char *origin, const char *doc,
				  const char *ref, char **out);

/*
 * base_url without its trailing slashes, then path (which starts with
 * "/"): SPEC's {base} joined to a vendor path; malloc'd, or NULL.
 */
char *fal_rest_base_url(const char *base_url, const char *path);

/*
 * url with segment added to its path ("/" in between unless the path
 * already ends with one), query kept; malloc'd, or NULL.
 */
char *fal_rest_url_append(const char *url, const char *segment);

#endif
