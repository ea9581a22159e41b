/* xmlrpc_vendor.c - see xmlrpc_vendor.h. */
#include "xmlrpc_vendor.h"

static enum fal_err
vendor_call(struct fal_call *call, const char *method,
	    const struct fal_xmlrpc_param *params, size_t n,
	    struct fal_xmlrpc_answer *answer)
{
	const struct fal_provider_conf *conf = call->conf;

	return fal_xmlrpc_call(call->http, conf->rpc_url, conf->user,
			       conf->password, method, params, n, answer,
			       call->err);
}

enum fal_err
fal_xmlrpc_vendor_call(struct fal_call *call, const char *method,
		       const struct fal_xmlrpc_param *params, size_t n,
		       const struct fal_refusal *refusals)
{
	struct fal_xmlrpc_answer answer = { 0 };
	enum fal_err rc;

	rc = vendor_call(call, method, params, n, &answer);
	if (rc == FAL_OK && !answer.ok)
		rc = fal_refusal_map(refusals, answer.message, call->err);
	fal_xmlrpc_answer_free(&answer);
	return rc;
}

enum fal_err
fal_xmlrpc_vendor_call_ignore(struct fal_call *call, const char *method,
			      const struct fal_xmlrpc_param *params, size_t n)
{
	struct fal_xmlrpc_answer answer = { 0 };
	enum fal_err rc;

	rc = vendor_call(call, method, params, n, &answer);
	fal_xmlrpc_answer_free(&answer);
	/* The answer's shape does not count either, only that one came. */
	if (rc == FAL_ERR_UNKNOWN_RESPONSE) {
		fal_error_clear(call->err);
		rc = FAL_OK;
	}
	return rc;
}
