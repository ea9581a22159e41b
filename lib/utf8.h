/*
 * utf8.h - UTF-8 (RFC 3629): whether bytes are well-formed (request bodies
 * that claim to be UTF-8 are checked before anything is taken from them),
 * and text made fit for a JSON answer, which must be valid UTF-8 whatever
 * a vendor sent (SPEC §2), cut without splitting a character.
 */
#ifndef FAL_UTF8_H
#define FAL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length of the well-formed UTF-8 character at s (n bytes available):
 * 1 to 4, or 0 when it is not one (stray continuation byte, cut short,
 * overlong, surrogate, beyond U+10FFFF).
 */
size_t fal_utf8_char(const unsigned char *s, size_t n);

/*
 * Whether s (len bytes) is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no sequence cut off.
 */
bool fal_utf8_valid(const char *s, size_t len);

/*
 * Copies up to n bytes of s into out (len bytes, NUL-terminated) as valid
 * UTF-8: a byte that starts no character becomes '?', and a character
 * that does not fit whole is left out.  Returns the bytes written.
 */
size_t fal_utf8_copy(char *out, size_t len, const char *s, size_t n);

#endif
