/*
 * http_header.c - looking a field up among an answer's header fields,
 * freeing an answer.
 *
 * curl parses the header block (curl_easy_nextheader, see
 * header_fields() in http_curl.c); what is left here is the lookup in the
 * "Name: value" lines any transport fills resp->headers with, the tests'
 * scripted one included.
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of the line at s without its end (LF, or CRLF from a test). */
static size_t
line_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

/* Appends ", " (after a first value) and the n bytes at s to out. */
static void
append_value(char *out, size_t outlen, size_t *used, const char *s, size_t n)
{
	static const char sep[] = ", ";
	size_t room;

	if (*used > 0 && *used + sizeof(sep) <= outlen) {
		memcpy(out + *used, sep, sizeof(sep) - 1);
		*used += sizeof(sep) - 1;
	}
	room = outlen - 1 - *used;
	if (n > room)
		n = room;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
}

int
fal_http_header(const struct fal_http_resp *resp, const char *name,
		char *out, size_t outlen)
{
	const char *line, *v;
	size_t nlen, len, used = 0;
	int found = -1;

	if (resp == NULL || resp->headers == NULL || name == NULL)
		return -1;
	nlen = strlen(name);
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	for (line = resp->headers; *line != '\0'; line += strcspn(line, "\n") +
	     (line[strcspn(line, "\n")] == '\n')) {
		len = line_len(line);
		if (len <= nlen || line[nlen] != ':' ||
		    strncasecmp(line, name, nlen) != 0)
			continue;
		found = 0;
		if (out == NULL || outlen == 0)
			break;
		v = line + nlen + 1;
		v += strspn(v, " ");
		append_value(out, outlen, &used, v, (size_t)(line + len - v));
	}
	return found;
}

void
fal_http_resp_free(struct fal_http_resp *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	free(resp->headers);
	memset(resp, 0, sizeof(*resp));
}
