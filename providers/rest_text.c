/* rest_text.c - see rest_text.h. */
#include "rest_text.h"

#include <string.h>

const char *
fal_rest_json_string(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Bytes in a UTF-8 sequence that starts with lead. */
static size_t
utf8_len(unsigned char lead)
{
	if (lead >= 0xf0)
		return 4;
	if (lead >= 0xe0)
		return 3;
	return lead >= 0xc0 ? 2 : 1;
}

/* Length of the longest prefix of s[0..n) that ends on a character boundary. */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t last = n;

	/* Step back over continuation bytes to the last character's lead. */
	while (last > 0 && ((unsigned char)s[last - 1] & 0xc0) == 0x80)
		last--;
	if (last == 0)
		return n;
	last--;
	return n - last >= utf8_len((unsigned char)s[last]) ? n : last;
}

/*
 * Length of the well-formed UTF-8 sequence (RFC 3629: no overlong form,
 * no surrogate, nothing past U+10FFFF) at the start of s[0..n), or 0.
 */
static size_t
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t need = utf8_len(p[0]), i;
	unsigned long cp;

	if (p[0] < 0xc2 || p[0] > 0xf4 || need > n)
		return 0;
	cp = p[0] & (0xff >> (need + 1));
	for (i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

void
fal_rest_text_copy(char *out, size_t len, const char *s, size_t n)
{
	size_t k, start = 0;

	if (len == 0)
		return;
	out[0] = '\0';
	if (s == NULL)
		return;
	while (start < n && (s[start] == ' ' || (unsigned char)s[start] < 0x20))
		start++;
	s += start;
	n -= start;
	if (n > len - 1)
		n = utf8_cut(s, len - 1);
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		size_t seq = c >= 0x80 ? utf8_valid(s + k, n - k) : 1;

		/* Vendors' bytes that are no UTF-8 would make our JSON answer
		 * invalid: each becomes '?'. */
		if (seq == 0) {
			out[k] = '?';
			continue;
		}
		if (seq > 1) {
			memcpy(out + k, s + k, seq);
			k += seq - 1;
			continue;
		}
		out[k] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
}

void
fal_rest_redact(char *msg, const char *secret)
{
	static const char mask[] = "***";
	size_t slen, mlen = sizeof(mask) - 1;
	char *p = msg;

	if (secret == NULL || (slen = strlen(secret)) == 0)
		return;
	while ((p = strstr(p, secret)) != NULL) {
		/* A mask longer than the secret would not fit: star it instead. */
		if (slen < mlen) {
			memset(p, '*', slen);
			p += slen;
			continue;
		}
		memcpy(p, mask, mlen);
		memmove(p + mlen, p + slen, strlen(p + slen) + 1);
		p += mlen;
	}
}
