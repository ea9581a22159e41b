/*
 * hawk_call.c - one request to GRAPE or SRAPS (SPEC §2.3), signed with
 * Hawk over the exact bytes sent.  A request without body carries no
 * Content-Type, so that the payload hash covers an empty type.
 */
#include "hawk_rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/hawk.h"

#define JSON_TYPE "application/json"

enum fal_err
fal_hawk_request(struct fal_call *call, const char *method, const char *url,
		 const char *body, struct fal_http_resp *resp)
{
	const struct fal_hawk_creds creds = {
		call->conf->client_id, call->conf->client_secret,
	};
	const char *headers[4] = { NULL, "Accept: " JSON_TYPE, NULL, NULL };
	size_t len = body != NULL ? strlen(body) : 0;
	struct fal_http_req req = { 0 };
	char *hawk, *auth = NULL;
	enum fal_err rc;

	memset(resp, 0, sizeof(*resp));
	hawk = fal_hawk_header(&creds, method, url,
			       body != NULL ? JSON_TYPE : NULL, body, len);
	if (hawk == NULL || asprintf(&auth, "Authorization: %s", hawk) < 0) {
		free(hawk);
		return fal_error_set(call->err, FAL_ERR_INTERNAL,
				     "cannot sign the request");
	}
	headers[0] = auth;
	if (body != NULL)
		headers[2] = "Content-Type: " JSON_TYPE;
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = len;
	rc = fal_http_do(call->http, &req, resp, call->err);
	free(auth);
	free(hawk);
	return rc;
}
