/*
 * strbuf.h - a line or header block put together in a fixed buffer.
 *
 * The access log line and the CGI header block are written once per
 * request; snprintf's format parsing cost more than the rest of their
 * work, so they are put together piece by piece here instead.
 */
#ifndef FAL_STRBUF_H
#define FAL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct fal_strbuf {
	char *buf;      /* cap bytes, always NUL-terminated */
	size_t cap;
	size_t len;
	bool overflow;  /* something did not fit: the text is cut */
};

/* A fal_strbuf over buf of cap (> 0) bytes, empty. */
struct fal_strbuf fal_strbuf_init(char *buf, size_t cap);

/* Appends the string s (nothing when NULL). */
void fal_strbuf_put(struct fal_strbuf *b, const char *s);

/* Appends v in decimal. */
void fal_strbuf_num(struct fal_strbuf *b, long long v);

#endif
