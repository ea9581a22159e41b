/*
 * query.c - query string parameters: Gigaset's `crc` and the batch routes'
 * plain ones.  Decoding is libcurl's; this file finds parameters and checks
 * the decoded bytes.
 */
#include "query.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include <curl/curl.h>

#include "../lib/check.h"

/* Whether query is too long for curl's int lengths. */
static bool
rawlen_too_long(const char *query)
{
	return strlen(query) >= INT_MAX;
}

/*
 * Finds the raw value of the first "name=" item of query (split on '&'),
 * setting *len; a bare "name" without '=' has the empty value when
 * bare_ok.  Returns NULL when there is none.
 */
static const char *
find_param(const char *query, const char *name, int bare_ok, size_t *len)
{
	size_t nlen = strlen(name), n;
	const char *p = query;

	for (;;) {
		n = strcspn(p, "&");
		if (n > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == '=') {
			*len = n - nlen - 1;
			return p + nlen + 1;
		}
		if (bare_ok && n == nlen && memcmp(p, name, nlen) == 0) {
			*len = 0;
			return p + n;
		}
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

enum fal_err
fal_crc_parse(const char *query, char out[5])
{
	const char *raw;
	char *dec;
	size_t rawlen;
	int len;
	enum fal_err rc;

	out[0] = '\0';
	if (query == NULL || (raw = find_param(query, "crc", 0, &rawlen)) == NULL ||
	    rawlen == 0)
		return FAL_ERR_MISSING_CRC;
	/* Four characters are at most 12 bytes encoded; this also keeps
	 * the int cast below safe. */
	if (rawlen > 12)
		return FAL_ERR_INVALID_CRC;
	/* curl leaves '+' alone, so "AB+C" stays invalid rather than "AB C". */
	/* Out of memory is not the client's fault, hence not INVALID_CRC. */
	if ((dec = curl_easy_unescape(NULL, raw, (int)rawlen, &len)) == NULL)
		return FAL_ERR_INTERNAL;
	/* A decoded NUL would hide the rest from the check. */
	rc = (size_t)len == strlen(dec) ? fal_crc_check(dec, out)
					: FAL_ERR_INVALID_CRC;
	curl_free(dec);
	return rc;
}

char *
fal_query_get(const char *query, const char *name, int *oom)
{
	const char *raw;
	char *dec, *copy;
	size_t rawlen;
	int len;

	if (oom != NULL)
		*oom = 0;
	if (query == NULL || rawlen_too_long(query) ||
	    (raw = find_param(query, name, 1, &rawlen)) == NULL)
		return NULL;
	dec = curl_easy_unescape(NULL, raw, (int)rawlen, &len);
	copy = dec != NULL ? strndup(dec, (size_t)len) : NULL;
	curl_free(dec);
	if (copy == NULL && oom != NULL)
		*oom = 1;
	return copy;
}
