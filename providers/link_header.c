/*
 * link_header.c - see link_header.h.  No library we use parses Link
 * headers, so this is a small scanner for RFC 8288 §3:
 *
 *   Link       = #link-value
 *   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
 *   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
 */
#include "link_header.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* Room for a rel value ("next last" and the like). */
#define PARAM_MAX 256

/* RFC 9110 tchar, besides ALPHA and DIGIT. */
static const char tchars[] = "!#$%&'*+-.^_`|~";

static const char *
skip_ows(const char *p)
{
	return p + strspn(p, " \t");
}

static bool
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(tchars, c) != NULL);
}

/*
 * Reads a token or quoted-string at p into out (unescaped, truncated to
 * PARAM_MAX - 1).  Returns the position after it, or NULL when malformed.
 */
static const char *
read_value(const char *p, char out[PARAM_MAX])
{
	size_t n = 0;

	if (*p != '"') {
		for (; is_tchar(*p); p++)
			if (n < PARAM_MAX - 1)
				out[n++] = *p;
		out[n] = '\0';
		return n > 0 ? p : NULL;
	}
	for (p++; *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (*p == '\0')
			return NULL;
		if (n < PARAM_MAX - 1)
			out[n++] = *p;
	}
	out[n] = '\0';
	return p + 1;
}

/* Whether the space-separated relation types in rels include "next". */
static bool
names_next(const char *rels)
{
	while (*rels != '\0') {
		size_t n;

		rels += strspn(rels, " ");
		n = strcspn(rels, " ");
		if (n == 4 && strncasecmp(rels, "next", 4) == 0)
			return true;
		rels += n;
	}
	return false;
}

/*
 * Reads the parameters after a target, from p.  Sets *next when one is
 * rel naming "next".  Returns the position after them, or NULL.
 */
static const char *
read_params(const char *p, bool *next)
{
	char value[PARAM_MAX];

	for (p = skip_ows(p); *p == ';'; p = skip_ows(p)) {
		const char *name;
		size_t n;

		p = skip_ows(p + 1);
		for (name = p; is_tchar(*p); p++)
			continue;
		if ((n = (size_t)(p - name)) == 0)
			return NULL;
		p = skip_ows(p);
		if (*p != '=')
			continue;
		if ((p = read_value(skip_ows(p + 1), value)) == NULL)
			return NULL;
		if (n == 3 && strncasecmp(name, "rel", 3) == 0 && names_next(value))
			*next = true;
	}
	return p;
}

int
fal_link_next(const char *value, char *out, size_t outlen)
{
	const char *p = value;

	while (*(p = skip_ows(p)) != '\0') {
		const char *target, *end;
		bool next = false;

		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '<' || (end = strchr(target = p + 1, '>')) == NULL)
			return -1;
		if ((p = read_params(end + 1, &next)) == NULL)
			return -1;
		if (*p != ',' && *p != '\0')
			return -1;
		if (!next)
			continue;
		if ((size_t)(end - target) >= outlen)
			return -1;
		memcpy(out, target, (size_t)(end - target));
		out[end - target] = '\0';
		return 0;
	}
	return -1;
}
