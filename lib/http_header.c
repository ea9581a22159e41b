/*
 * http_header.c - reading an answer's header block, freeing an answer.
 *
 * Kept apart from http.c, which alone touches the network, so that tests
 * linking a scripted transport in place of http.c still have these.
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of the line at s without its end (LF or CRLF). */
static size_t
line_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

/* The line after the one at s, or NULL at the end of the block. */
static const char *
next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl != NULL ? nl + 1 : NULL;
}

/* Appends the n bytes at s to out (used so far *used), trimming OWS. */
static void
append_trimmed(char *out, size_t outlen, size_t *used, const char *s, size_t n)
{
	size_t room;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || *used + 1 >= outlen)
		return;
	if (*used > 0)             /* an obs-fold counts as one space */
		out[(*used)++] = ' ';
	room = outlen - 1 - *used;
	if (n > room)
		n = room;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
}

/*
 * The status line is skipped; a line that starts with a space or tab
 * continues the previous field (obsolete line folding, RFC 9112 §5.2),
 * and is joined with one space.  With out NULL or outlen 0 this only says
 * whether the header is there.
 */
int
fal_http_header(const struct fal_http_resp *resp, const char *name,
		char *out, size_t outlen)
{
	const char *line;
	size_t nlen, used = 0;

	if (resp == NULL || resp->headers == NULL || name == NULL)
		return -1;
	nlen = strlen(name);
	for (line = next_line(resp->headers); line != NULL && line_len(line) > 0;
	     line = next_line(line)) {
		if (line[0] == ' ' || line[0] == '\t' ||
		    line_len(line) <= nlen || line[nlen] != ':' ||
		    strncasecmp(line, name, nlen) != 0)
			continue;
		if (out == NULL || outlen == 0)
			return 0;
		out[0] = '\0';
		append_trimmed(out, outlen, &used, line + nlen + 1,
			       line_len(line) - nlen - 1);
		while ((line = next_line(line)) != NULL &&
		       (line[0] == ' ' || line[0] == '\t') && line_len(line) > 0)
			append_trimmed(out, outlen, &used, line, line_len(line));
		return 0;
	}
	return -1;
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
