/*
 * query.c - Gigaset's `crc` query parameter.  Decoding is libcurl's; this
 * file only finds the parameter and checks the decoded bytes.
 */
#include "query.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <string.h>

/* Whether c is an ASCII letter or digit, whatever the locale says. */
static bool
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

/*
 * Finds the raw value of the first "crc=" item of query (split on '&'),
 * setting *len.  A bare "crc" without '=' is not a crc parameter.
 * Returns NULL when there is none.
 */
static const char *
find_crc(const char *query, size_t *len)
{
	const char *p = query;
	size_t n;

	for (;;) {
		n = strcspn(p, "&");
		if (n >= 4 && memcmp(p, "crc=", 4) == 0) {
			*len = n - 4;
			return p + 4;
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
	int len, i;
	enum fal_err rc = FAL_ERR_INVALID_CRC;

	out[0] = '\0';
	if (query == NULL || (raw = find_crc(query, &rawlen)) == NULL ||
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
	if (len != 4)
		goto out;
	for (i = 0; i < 4; i++)
		if (!is_alnum(dec[i]))
			goto out;
	for (i = 0; i < 4; i++)
		out[i] = (dec[i] >= 'a' && dec[i] <= 'z') ?
			 (char)(dec[i] - 'a' + 'A') : dec[i];
	out[4] = '\0';
	rc = FAL_OK;
out:
	curl_free(dec);
	return rc;
}
