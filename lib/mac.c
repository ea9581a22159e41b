/* mac.c - see mac.h. */
#include "mac.h"

#include <ctype.h>
#include <string.h>

/* "AC-DE-48-23-45-67": six pairs and five separators. */
#define MAC_TEXT_LEN 17

/* Value of one hex digit already known to be one. */
static unsigned
hexval(unsigned char c)
{
	if (isdigit(c))
		return c - '0';
	return (unsigned)(toupper(c) - 'A' + 10);
}

/*
 * Reads the six octets of s, which is MAC_TEXT_LEN long.  Returns 0, or -1
 * when a digit is not hex or the separators are not all '-' or all ':'.
 */
static int
read_octets(const char *s, unsigned char octet[6])
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char sep = p[2];
	int i;

	if (sep != '-' && sep != ':')
		return -1;
	for (i = 0; i < 6; i++, p += 3) {
		if (!isxdigit(p[0]) || !isxdigit(p[1]))
			return -1;
		if (i < 5 && p[2] != sep)
			return -1;
		octet[i] = (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
	}
	return 0;
}

/*
 * Whether the address could be a phone's own: not all-zero, and not a
 * group address (I/G bit, the lowest of the first octet, clear), which
 * also rules out the broadcast address.
 */
static int
is_unicast(const unsigned char octet[6])
{
	static const unsigned char zero[6];

	if (octet[0] & 0x01)
		return 0;
	return memcmp(octet, zero, sizeof(zero)) != 0;
}

/*
 * The twelve hex digits of octet into out (NUL-terminated), from the
 * digit set given.  Done by hand rather than with snprintf, which cost
 * more than everything else of the parse on every request.
 */
static void
hex12(const unsigned char octet[6], const char digits[16], char out[13])
{
	int i;

	for (i = 0; i < 6; i++) {
		out[2 * i] = digits[octet[i] >> 4];
		out[2 * i + 1] = digits[octet[i] & 0x0f];
	}
	out[12] = '\0';
}

/* "ACDE48234567" into "AC-DE-48-23-45-67". */
static void
hyphenate(const char upper12[13], char out[18])
{
	int i;

	for (i = 0; i < 6; i++) {
		out[3 * i] = upper12[2 * i];
		out[3 * i + 1] = upper12[2 * i + 1];
		out[3 * i + 2] = i < 5 ? '-' : '\0';
	}
}

enum fal_err
fal_mac_parse(const char *s, struct fal_mac *out)
{
	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return FAL_ERR_MISSING_MAC;
	if (strlen(s) != MAC_TEXT_LEN || read_octets(s, out->octet) != 0)
		goto malformed;
	if (!is_unicast(out->octet))
		goto malformed;

	hex12(out->octet, "0123456789ABCDEF", out->upper12);
	hex12(out->octet, "0123456789abcdef", out->lower12);
	hyphenate(out->upper12, out->hyphen);
	return FAL_OK;

malformed:
	memset(out, 0, sizeof(*out));
	return FAL_ERR_MALFORMED_MAC;
}
