/*
 * xmlrpc_vendor.h - one call to an XML-RPC vendor (SPEC §2.1), shared by
 * snom, gigaset, yealink and fanvil: POST to rpc_url with Basic auth, read
 * the [success, message] answer, map a refusal through the vendor's table;
 * for a lookup (SPEC §2.4), map the answer to the device's state.
 */
#ifndef FAL_XMLRPC_VENDOR_H
#define FAL_XMLRPC_VENDOR_H

#include "../lib/xmlrpc.h"
#include "../lib/device.h"
#include "refusal.h"

/*
 * Calls method(params) at call->conf's vendor.  Success answers FAL_OK; a
 * refusal is mapped through refusals (FAL_OK entries are tolerated);
 * transport, HTTP and shape failures as fal_xmlrpc_call.  call->err is set
 * on failure.
 */
enum fal_err fal_xmlrpc_vendor_call(struct fal_call *call, const char *method,
				    const struct fal_xmlrpc_param *params,
				    size_t n, const struct fal_refusal *refusals);

/*
 * As fal_xmlrpc_vendor_call, but the answer's content does not count:
 * only transport and HTTP failures do (the "result ignored" calls).
 */
enum fal_err fal_xmlrpc_vendor_call_ignore(struct fal_call *call,
					   const char *method,
					   const struct fal_xmlrpc_param *params,
					   size_t n);

/* A text a lookup answer may carry, and the state it means. */
struct fal_lookup_text {
	enum fal_match match;
	const char *text;             /* NULL ends a table */
	enum fal_lookup_state state;
};

/* How one vendor answers a lookup call. */
struct fal_xmlrpc_lookup {
	const char *method;                   /* called with one string */
	const struct fal_lookup_text *texts;  /* refusals that tell a state */
	const struct fal_refusal *refusals;   /* any other refusal */
	/*
	 * Whether the state is in the words of a success too (Yealink): then
	 * texts are read whatever the flag, a text starting "Error:" is a
	 * refusal, and any other text is unknown_response_from_provider.
	 * Otherwise every success means registered.
	 */
	bool by_text;
};

/*
 * What answer a says of the device: FAL_OK with *state, or the refusal
 * mapped through l->refusals (set in err).  Pure.
 */
enum fal_err fal_xmlrpc_lookup_map(const struct fal_xmlrpc_lookup *l,
				   const struct fal_xmlrpc_answer *a,
				   enum fal_lookup_state *state,
				   struct fal_error *err);

/*
 * Calls l->method(arg) and sets call->out->lookup_state from the answer:
 * FAL_OK, or the failure (set in call->err).
 */
enum fal_err fal_xmlrpc_vendor_lookup(struct fal_call *call,
				      const struct fal_xmlrpc_lookup *l,
				      const char *arg);

/*
 * As fal_xmlrpc_vendor_call, but success hands the answer to the caller
 * in *answer (to free with fal_xmlrpc_answer_free); a refusal is mapped
 * through refusals as there and leaves nothing to free.
 */
enum fal_err fal_xmlrpc_vendor_call_answer(struct fal_call *call,
					   const char *method,
					   const struct fal_xmlrpc_param *params,
					   size_t n,
					   struct fal_xmlrpc_answer *answer);

/* A string parameter. */
#define FAL_XMLRPC_STR(s) { FAL_XMLRPC_STRING, (s), NULL, 0 }

#endif
