/* device.c - see device.h. */
#include "device.h"

#include <stdlib.h>
#include <string.h>


/* The operation of p for action, or NULL when p has none. */
static fal_device_op
operation(const struct fal_provider *p, enum fal_action action)
{
	switch (action) {
	case FAL_ACTION_REGISTER:
		return p->do_register;
	case FAL_ACTION_DEREGISTER:
		return p->do_deregister;
	case FAL_ACTION_LOOKUP:
		return p->do_lookup;
	case FAL_ACTION__MAX:
		break;
	}
	return NULL;
}

enum fal_err
fal_device_do(const struct fal_provider *p, const struct fal_provider_conf *conf,
	      struct fal_http *http, const struct fal_guard *guard,
	      enum fal_action action, const struct fal_device *dev,
	      struct fal_outcome *out)
{
	fal_device_op op;
	struct fal_call call = { conf, http, &out->err, out };
	long long t0;
	enum fal_err rc;

	memset(out, 0, sizeof(*out));
	out->lookup_state = FAL_LOOKUP_NOT_REGISTERED;
	out->retry_after_ms = -1;
	out->vendor_ms = 0;
	if ((op = operation(p, action)) == NULL)
		return fal_error_set(&out->err, FAL_ERR_METHOD_NOT_ALLOWED, NULL);
	fal_http_set_guard(http, guard);
	t0 = fal_http_now_ms(http);
	rc = op(&call, dev);
	out->vendor_ms = (long)(fal_http_now_ms(http) - t0);
	out->retry_after_ms = fal_http_retry_after_ms(http);
	fal_http_set_guard(http, NULL);
	if (rc == FAL_OK) {
		fal_error_clear(&out->err);
		/* SPEC §1.8: a URL only for a device this account holds; the
		 * GET answer and a check batch's outcome both read it here. */
		if (out->lookup_state != FAL_LOOKUP_REGISTERED) {
			free(out->lookup_url);
			out->lookup_url = NULL;
		}
		return FAL_OK;
	}
	/* The operation's return is the outcome; its message (masked of
	 * every secret we send by fal_error_set) rides along. */
	out->err.code = rc;
	free(out->lookup_url);
	out->lookup_url = NULL;
	return rc;
}

void
fal_outcome_free(struct fal_outcome *out)
{
	free(out->lookup_url);
	out->lookup_url = NULL;
}

const char *
fal_lookup_state_word(enum fal_lookup_state s)
{
	switch (s) {
	case FAL_LOOKUP_REGISTERED:
		return "registered";
	case FAL_LOOKUP_ELSEWHERE:
		return "registered_elsewhere";
	case FAL_LOOKUP_NOT_REGISTERED:
		break;
	}
	return "not_registered";
}
