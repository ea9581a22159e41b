/*
 * ymcs_call.c - one YMCS API call (SPEC §2.2): POST of a JSON body with
 * `Authorization: Bearer`, JSON content type and accept, a `timestamp`
 * (Unix milliseconds) and a `nonce` (32 hex digits from the CSPRNG, new
 * for every request, retries included), and one retry with a fresh token
 * when YMCS answers 401.
 */
#include "ymcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest_url.h"
#include "ymcs_headers.h"

/* One POST of body to url with token; FAL_OK when an answer was read. */
static enum fal_err
post_once(struct fal_call *call, const char *url, const char *token,
	  const char *body, struct fal_http_resp *resp)
{
	char lines[4][FAL_YMCS_HEADER_MAX];
	const char *headers[6] = { NULL, lines[0], lines[1], lines[2],
				   lines[3], NULL };
	struct fal_http_req req = { 0 };
	char *auth = NULL;
	enum fal_err rc;

	if (fal_ymcs_headers(lines) != 0 ||
	    asprintf(&auth, "Authorization: Bearer %s", token) < 0)
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	headers[0] = auth;
	req.method = "POST";
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	rc = fal_http_do(call->http, &req, resp, call->err);
	free(auth);
	return rc;
}

enum fal_err
fal_ymcs_post(struct fal_call *call, const char *path, const char *body,
	      struct fal_http_resp *resp)
{
	char *url = fal_rest_base_url(call->conf->base_url, path);
	char *token = NULL, *fresh = NULL;
	enum fal_err rc;

	memset(resp, 0, sizeof(*resp));
	if (url == NULL) {
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
		goto out;
	}
	if ((rc = fal_ymcs_token(call, NULL, &token)) != FAL_OK)
		goto out;
	rc = post_once(call, url, token, body, resp);
	if (rc != FAL_OK || resp->status != 401)
		goto out;
	/* The token was refused (revoked, clock skew): one fresh one, one retry. */
	if ((rc = fal_ymcs_token(call, token, &fresh)) != FAL_OK)
		goto out;
	fal_http_resp_free(resp);
	rc = post_once(call, url, fresh, body, resp);
out:
	free(url);
	free(token);
	free(fresh);
	return rc;
}
