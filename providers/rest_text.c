/* rest_text.c - see rest_text.h. */
#include "rest_text.h"

#include <string.h>

cJSON *
fal_rest_json_parse(const char *body, size_t len)
{
	return body != NULL ? cJSON_ParseWithLength(body, len) : NULL;
}

const char *
fal_rest_json_string(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Length of the well-formed UTF-8 character at s (n bytes available):
 * 1 to 4, or 0 when it is not one (stray continuation byte, cut short,
 * overlong, surrogate, beyond U+10FFFF).
 */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned long cp, min;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * The text becomes the "message" of our JSON answer, so it must be valid
 * UTF-8: a byte that starts no character is replaced by '?', and a
 * character that does not fit whole is left out.
 */
void
fal_rest_text_copy(char *out, size_t len, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	if (s == NULL)
		return;
	while (i < n && (p[i] == ' ' || p[i] < 0x20))
		i++;
	while (i < n) {
		size_t c = utf8_char(p + i, n - i);
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
