/*
 * hawk_rest.h - the inside of the GRAPE and SRAPS providers (SPEC §2.3):
 * one protocol, two vendors that differ by the setting they name and the
 * provider they are.  Requests are signed with Hawk; the links a request
 * needs are discovered once and cached per vendor for the process.
 */
#ifndef FAL_HAWK_REST_H
#define FAL_HAWK_REST_H

#include <stdbool.h>

#include "../lib/device.h"
#include "list.h"

/* What tells the two vendors apart. */
struct fal_hawk_vendor {
	enum fal_provider_id id;
	const char *name;         /* "grape", for messages */
	const char *param_name;   /* the provisioning URL setting */
};

/* What a register or deregister needs to know of the account. */
struct fal_hawk_place {
	char *uuid;               /* the setting's id, when asked for */
	char *endpoints;          /* the endpoints collection URL */
};

/*
 * Sends method to url, signed with Hawk, with body (NULL for none) as
 * application/json.  FAL_OK means resp holds an answer (any status); free
 * it either way.
 */
enum fal_err fal_hawk_request(struct fal_call *call, const char *method,
			      const char *url, const char *body,
			      struct fal_http_resp *resp);

/*
 * Fills out with the endpoints URL and, when want_uuid, the setting id of
 * v's account: from the cache, or discovered (each step cached once it
 * succeeded, never when it failed).  Returns FAL_OK or the error set in
 * call->err; free out either way.
 */
enum fal_err fal_hawk_discover(struct fal_call *call,
			       const struct fal_hawk_vendor *v, bool want_uuid,
			       struct fal_hawk_place *out);

/* Frees what fal_hawk_discover filled. */
void fal_hawk_place_free(struct fal_hawk_place *p);

/* Forgets everything discovered, for every vendor (tests). */
void fal_hawk_cache_reset(void);

#endif
