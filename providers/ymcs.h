/*
 * ymcs.h - the inside of the YMCS provider (SPEC §2.2): the process-wide
 * token cache its workers share, and the one way every API call is made.
 */
#ifndef FAL_YMCS_H
#define FAL_YMCS_H

#include "../lib/device.h"

/*
 * A bearer token for call's account, malloc'd into *token: the cached one
 * while it has more than 60 s to live, else a fresh one, fetched by one
 * worker while the others wait for it.  stale, when non-NULL, is a token
 * YMCS has just refused, never handed out again from the cache.  FAL_OK or
 * the error (set in call->err) of the fetch.
 */
enum fal_err fal_ymcs_token(struct fal_call *call, const char *stale,
			    char **token);

/* Forgets the cached token (tests; a new configuration). */
void fal_ymcs_cache_reset(void);

/*
 * POSTs the JSON body to {base}path with a bearer token and fresh
 * timestamp and nonce headers; a 401 gets one fresh token and one retry.
 * FAL_OK means resp holds an answer (any status); free it either way.
 */
enum fal_err fal_ymcs_post(struct fal_call *call, const char *path,
			   const char *body, struct fal_http_resp *resp);

#endif
