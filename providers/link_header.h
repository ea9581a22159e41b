/*
 * link_header.h - reading an HTTP Link header (RFC 8288) for the one
 * thing the paginated vendor lists need: the target of rel="next".
 */
#ifndef FAL_LINK_HEADER_H
#define FAL_LINK_HEADER_H

#include <stddef.h>

/*
 * Copies the target of the first link of value whose rel names "next"
 * (any case, among space-separated relations) into out (NUL-terminated).
 * Returns 0; -1 when there is none, the header is malformed, or the
 * target does not fit in outlen.
 */
int fal_link_next(const char *value, char *out, size_t outlen);

#endif
