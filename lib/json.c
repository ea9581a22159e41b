/*
 * json.c - see json.h.
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
#include "json.h"

#include <stdlib.h>
#include <string.h>

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

