/*
 * nonce.h - random request nonces (YMCS `nonce` header, Hawk nonce) from
 * OpenSSL's CSPRNG, so that no two requests ever share one.
 */
#ifndef FAL_NONCE_H
#define FAL_NONCE_H

#include <stddef.h>

/*
 * Fills out with nhex random lower-case hex digits (nhex even) and a NUL;
 * out holds nhex + 1 bytes.  Returns 0, or -1 when the CSPRNG fails.
 */
int fal_nonce_hex(char *out, size_t nhex);

#endif
