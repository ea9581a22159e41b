/*
 * body.c - see body.h.
 *
 * cJSON decodes "\u0000" (and keeps a raw NUL byte) inside a string into a
 * C string, which would silently cut the string there: {"url":
 * "http://good/\u0000junk"} would pass as "http://good/".  So before
 * parsing, each such NUL is turned into U+0001 in a copy of the body, with
 * the same length.  A url holding one then fails fal_url_check() as a
 * control character (unable_to_parse_url), an sn holding one is
 * malformed_serial_number, and a key holding one ("url\u0000") is no
 * longer taken for "url".
 */
#include "body.h"

#include <stdlib.h>
#include <string.h>

/* Longest serial number YMCS takes. */
#define SN_MAX 64

/*
 * Replaces every NUL of the JSON text s (len bytes), escaped or raw, by
 * U+0001, written the same way.  This tracks escapes only so that "\\"
 * followed by "u0000" is left alone; it is no JSON parser.
 */
static void
unnul(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			s[i] = '\x01';
		} else if (s[i] == '\\' && i + 1 < len && s[i + 1] != '\0') {
			if (len - i >= 6 && strncmp(s + i + 1, "u0000", 5) == 0)
				s[i + 5] = '1';
			i++;
		}
	}
}

/* Whether only JSON whitespace (RFC 8259 §2) lies between p and end. */
static int
only_ws(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

cJSON *
fal_json_parse(const char *data, size_t len, int *oom)
{
	const char *end = NULL;
	cJSON *root;
	char *copy;

	*oom = 0;
	if ((copy = malloc(len + 1)) == NULL) {
		*oom = 1;
		return NULL;
	}
	memcpy(copy, data, len);
	copy[len] = '\0';
	unnul(copy, len);

	root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
	if (root != NULL && (end == NULL || !only_ws(end, copy + len))) {
		cJSON_Delete(root);
		root = NULL;
	}
	free(copy);
	return root;
}

enum fal_err
fal_sn_check(const char *sn)
{
	const unsigned char *p = (const unsigned char *)sn;
	size_t n = strlen(sn);
	size_t i;

	if (n == 0 || n > SN_MAX)
		return FAL_ERR_MALFORMED_SERIAL;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return FAL_ERR_MALFORMED_SERIAL;
	return FAL_OK;
}

/*
 * Fills out->sn and out->sn_err from the "sn" member of root.  Returns
 * FAL_OK or FAL_ERR_INTERNAL.
 */
static enum fal_err
read_sn(const cJSON *root, struct fal_body *out)
{
	const cJSON *sn = cJSON_GetObjectItemCaseSensitive(root, "sn");

	if (sn == NULL)
		return FAL_OK;
	if (!cJSON_IsString(sn) || fal_sn_check(sn->valuestring) != FAL_OK) {
		out->sn_err = FAL_ERR_MALFORMED_SERIAL;
		return FAL_OK;
	}
	if ((out->sn = strdup(sn->valuestring)) == NULL)
		return FAL_ERR_INTERNAL;
	return FAL_OK;
}

enum fal_err
fal_body_parse(const char *data, size_t len, struct fal_body *out)
{
	const cJSON *url;
	cJSON *root;
	enum fal_err rc = FAL_ERR_MISSING_URL;
	int oom;

	memset(out, 0, sizeof(*out));
	out->sn_err = FAL_OK;
	if (data == NULL || len == 0)
		return FAL_ERR_MISSING_URL;
	if ((root = fal_json_parse(data, len, &oom)) == NULL)
		return oom ? FAL_ERR_INTERNAL : FAL_ERR_MISSING_URL;

	if (!cJSON_IsObject(root))
		goto out;
	url = cJSON_GetObjectItemCaseSensitive(root, "url");
	if (!cJSON_IsString(url) || url->valuestring[0] == '\0')
		goto out;
	rc = FAL_ERR_INTERNAL;
	if ((out->url = strdup(url->valuestring)) == NULL)
		goto out;
	rc = read_sn(root, out);
out:
	cJSON_Delete(root);
	if (rc != FAL_OK)
		fal_body_free(out);
	return rc;
}

void
fal_body_free(struct fal_body *body)
{
	if (body == NULL)
		return;
	free(body->url);
	free(body->sn);
	body->url = body->sn = NULL;
	body->sn_err = FAL_OK;
}
