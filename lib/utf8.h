/*
 * utf8.h - whether bytes are well-formed UTF-8 (RFC 3629): request bodies
 * that claim to be UTF-8 are checked before anything is taken from them.
 */
#ifndef FAL_UTF8_H
#define FAL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether s (len bytes) is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no sequence cut off.
 */
bool fal_utf8_valid(const char *s, size_t len);

#endif
