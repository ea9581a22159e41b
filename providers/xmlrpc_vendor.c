/* xmlrpc_vendor.c - see xmlrpc_vendor.h. */
#include "xmlrpc_vendor.h"

#include <string.h>

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

enum fal_err
fal_xmlrpc_vendor_call_answer(struct fal_call *call, const char *method,
			      const struct fal_xmlrpc_param *params, size_t n,
			      struct fal_xmlrpc_answer *answer)
{
	enum fal_err rc;

	memset(answer, 0, sizeof(*answer));
	rc = vendor_call(call, method, params, n, answer);
	if (rc == FAL_OK && !answer->ok)
		rc = fal_refusal_map(NULL, answer->message, call->err);
	if (rc != FAL_OK)
		fal_xmlrpc_answer_free(answer);
	return rc;
}

/* The entry of texts that text matches first, or NULL. */
static const struct fal_lookup_text *
lookup_text_find(const struct fal_lookup_text *texts, const char *text)
{
	for (; texts != NULL && texts->text != NULL; texts++)
		if (fal_text_matches(texts->match, texts->text, text))
			return texts;
	return NULL;
}

enum fal_err
fal_xmlrpc_lookup_map(const struct fal_xmlrpc_lookup *l,
		      const struct fal_xmlrpc_answer *a,
		      enum fal_lookup_state *state, struct fal_error *err)
{
	const struct fal_lookup_text *t;

	if (a->ok && !l->by_text) {
		*state = FAL_LOOKUP_REGISTERED;
		return FAL_OK;
	}
	if ((t = lookup_text_find(l->texts, a->message)) != NULL) {
		*state = t->state;
		return FAL_OK;
	}
	if (!a->ok || strncmp(a->message, "Error:", 6) == 0)
		return fal_refusal_map(l->refusals, a->message, err);
	return fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
			     "lookup answer: %s", a->message);
}

enum fal_err
fal_xmlrpc_vendor_lookup(struct fal_call *call,
			 const struct fal_xmlrpc_lookup *l, const char *arg)
{
	const struct fal_xmlrpc_param param = FAL_XMLRPC_STR(arg);
	struct fal_xmlrpc_answer answer = { 0 };
	enum fal_err rc;

	rc = vendor_call(call, l->method, &param, 1, &answer);
	if (rc == FAL_OK)
		rc = fal_xmlrpc_lookup_map(l, &answer, &call->out->lookup_state,
					   call->err);
	fal_xmlrpc_answer_free(&answer);
	return rc;
}
