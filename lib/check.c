/* check.c - see check.h. */
#include "check.h"

#include <stdbool.h>
#include <string.h>

/* Longest serial number YMCS takes. */
#define SN_MAX 64

/* Whether c is an ASCII letter or digit, whatever the locale says. */
static bool
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
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

enum fal_err
fal_crc_check(const char *value, char out[5])
{
	int i;

	out[0] = '\0';
	if (value == NULL || value[0] == '\0')
		return FAL_ERR_MISSING_CRC;
	if (strlen(value) != 4)
		return FAL_ERR_INVALID_CRC;
	for (i = 0; i < 4; i++)
		if (!is_alnum(value[i]))
			return FAL_ERR_INVALID_CRC;
	for (i = 0; i < 4; i++)
		out[i] = (value[i] >= 'a' && value[i] <= 'z') ?
			 (char)(value[i] - 'a' + 'A') : value[i];
	out[4] = '\0';
	return FAL_OK;
}
