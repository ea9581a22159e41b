/* rest_text.c - see rest_text.h. */
#include "rest_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../lib/secret.h"
#include "../lib/utf8.h"

/*
 * Whether the len bytes at s hold at most FAL_REST_JSON_VALUES_MAX
 * values, counted as the commas outside strings (one linear pass).  cJSON
 * is linear, but at about half a microsecond a value: a 1 MiB answer of
 * 150,000 empty members cost 70 ms of CPU to build and free.
 */
static bool
few_values(const char *s, size_t len)
{
	size_t commas = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
		} else if (s[i] == '"') {
			in_string = true;
		} else if (s[i] == ',' && ++commas >= FAL_REST_JSON_VALUES_MAX) {
			return false;
		}
	}
	return true;
}

cJSON *
fal_rest_json_parse(const char *body, size_t len)
{
	if (body == NULL || !few_values(body, len))
		return NULL;
	return cJSON_ParseWithLength(body, len);
}

const char *
fal_rest_json_string(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Copies the n bytes at p into out (len bytes) as the message rules of
 * rest_text.h say.
 */
static void
copy_clean(char *out, size_t len, const unsigned char *p, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n && (p[i] == ' ' || p[i] < 0x20))
		i++;
	while (i < n) {
		size_t c = fal_utf8_char(p + i, n - i);
		char subst = c == 0 ? '?' : p[i] < 0x20 || p[i] == 0x7f ? ' ' : 0;

		if (k + (c > 1 ? c : 1) >= len)
			break;
		if (subst != 0) {
			out[k++] = subst;
			i++;
			continue;
		}
		memcpy(out + k, p + i, c);
		k += c;
		i += c;
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

/*
 * The text becomes the "message" of our JSON answer, so it must be valid
 * UTF-8 and free of our secrets: masked on the whole text, before the cut
 * (a cut secret is still a leak).
 */
void
fal_rest_text_copy(char *out, size_t len, const char *s, size_t n)
{
	size_t rlen;
	char *r;

	if (len == 0)
		return;
	out[0] = '\0';
	if (s == NULL || (r = fal_secret_redacted(s, n, &rlen)) == NULL)
		return;
	copy_clean(out, len, (const unsigned char *)r, rlen);
	OPENSSL_cleanse(r, rlen);
	free(r);
}

int
fal_rest_json_url(const cJSON *o, const char *name, char **url)
{
	const char *s = fal_rest_json_string(o, name);
	size_t n = s != NULL ? strlen(s) : 0;

	*url = NULL;
	if (n == 0)
		return 0;
	/* Cleaning never lengthens the text (only masking a secret of under
	 * three bytes could, and the copy is cut then). */
	if ((*url = malloc(n + 1)) == NULL)
		return -1;
	fal_rest_text_copy(*url, n + 1, s, n);
	if (**url == '\0') {
		free(*url);
		*url = NULL;
	}
	return 0;
}
