/*
 * auth.h - the API token check (SPEC §1, §3): "Authorization: Bearer <token>"
 * compared in constant time against every configured token.
 */
#ifndef FAL_AUTH_H
#define FAL_AUTH_H

#include <stdbool.h>

#include "../lib/config.h"

/*
 * True when no token is configured, or authorization (the header value,
 * may be NULL) is "Bearer <token>" (scheme in any case) with a configured
 * token.  Takes the same time whichever token matches and however long.
 */
bool fal_auth_check(const struct fal_config *cfg, const char *authorization);

#endif
