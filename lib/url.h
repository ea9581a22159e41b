/*
 * url.h - checking the provisioning URL a client asks us to register
 * (SPEC §1.1), with libcurl's URL API, and the one change it undergoes on
 * its way to a vendor: every "%25" is sent as "%"; and the one trim of
 * trailing slashes that base paths and base URLs get.
 */
#ifndef FAL_URL_H
#define FAL_URL_H

#include <stddef.h>

#include "err.h"

#define FAL_URL_MAX 2048

/*
 * Returns FAL_OK for an absolute URI with scheme ftp, tftp, http or https
 * (any case) and a host; FAL_ERR_UNSUPPORTED_URL_SCHEME when it does not
 * start with a scheme or the scheme is another; FAL_ERR_UNPARSABLE_URL
 * when the scheme is allowed but the rest is not a URI (bad syntax, spaces
 * or control characters, no host, longer than FAL_URL_MAX).
 */
enum fal_err fal_url_check(const char *url);

/*
 * Writes src into dst with every "%25" turned into "%", left to right
 * ("%2525" becomes "%25"), and nothing else decoded: a URI cannot carry a
 * bare '%', yet vendor placeholders such as Gigaset's %MACD start with
 * one (SPEC §1.1).  dst holds at least strlen(src) + 1 bytes and may be
 * src itself, since the text only shrinks.  Returns dst.
 */
char *fal_url_decode_pct25(char *dst, const char *src);

/* The length of s without its trailing '/'s ("/a//" is 2, "/" is 0). */
size_t fal_url_trim_slashes(const char *s);

#endif
