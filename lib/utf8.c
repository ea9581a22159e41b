/* utf8.c - see utf8.h; the table of RFC 3629 §4, byte by byte. */
#include "utf8.h"

#include <string.h>

/*
 * The second byte's range depends on the first (RFC 3629 §4): that is
 * what rules out overlongs and surrogates.
 */
size_t
fal_utf8_char(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

bool
fal_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if ((n = fal_utf8_char(p + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
fal_utf8_copy(char *out, size_t len, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0, c;

	if (len == 0)
		return 0;
	while (i < n && k + 1 < len) {
		if ((c = fal_utf8_char(p + i, n - i)) == 0) {
			out[k++] = '?';
			i++;
			continue;
		}
		if (k + c >= len)
			break;
		memcpy(out + k, p + i, c);
		k += c;
		i += c;
	}
	out[k] = '\0';
	return k;
}
