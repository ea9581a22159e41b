/* mac.c - see mac.h. */
#include "mac.h"

#include <ctype.h>
#include <stdio.h>
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

enum fal_err
fal_mac_parse(const char *s, struct fal_mac *out)
{
	const unsigned char *o = out->octet;

	memset(out, 0, sizeof(*out));
	if (s == NULL || *s == '\0')
		return FAL_ERR_MISSING_MAC;
	if (strlen(s) != MAC_TEXT_LEN || read_octets(s, out->octet) != 0)
		goto malformed;
	if (!is_unicast(out->octet))
		goto malformed;

	snprintf(out->upper12, sizeof(out->upper12),
		 "%02X%02X%02X%02X%02X%02X", o[0], o[1], o[2], o[3], o[4], o[5]);
	snprintf(out->lower12, sizeof(out->lower12),
		 "%02x%02x%02x%02x%02x%02x", o[0], o[1], o[2], o[3], o[4], o[5]);
	snprintf(out->hyphen, sizeof(out->hyphen),
		 "%02X-%02X-%02X-%02X-%02X-%02X", o[0], o[1], o[2], o[3], o[4], o[5]);
	return FAL_OK;

malformed:
	memset(out, 0, sizeof(*out));
	return FAL_ERR_MALFORMED_MAC;
}
