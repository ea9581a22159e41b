/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include <string.h>

struct fal_strbuf
fal_strbuf_init(char *buf, size_t cap)
{
	buf[0] = '\0';
	return (struct fal_strbuf){ buf, cap, 0, false };
}

/* Appends the n bytes at s, as many as fit. */
static void
put_n(struct fal_strbuf *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->len;

	if (n > room) {
		n = room;
		b->overflow = true;
	}
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
fal_strbuf_put(struct fal_strbuf *b, const char *s)
{
	if (s != NULL)
		put_n(b, s, strlen(s));
}

void
fal_strbuf_num(struct fal_strbuf *b, long long v)
{
	char digits[24];
	size_t i = sizeof(digits);
	/* The magnitude as unsigned: -LLONG_MIN does not fit a long long. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
				     : (unsigned long long)v;

	do
		digits[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		digits[--i] = '-';
	put_n(b, digits + i, sizeof(digits) - i);
}
