/*
 * url.h - checking the provisioning URL a client asks us to register
 * (SPEC §1.1), with libcurl's URL API.  The URL itself is never rewritten:
 * vendors receive it byte for byte as the client sent it.
 */
#ifndef FAL_URL_H
#define FAL_URL_H

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

#endif
