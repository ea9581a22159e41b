/*
 * xmlrpc_vendor.h - one call to an XML-RPC vendor (SPEC §2.1), shared by
 * snom, gigaset, yealink and fanvil: POST to rpc_url with Basic auth, read
 * the [success, message] answer, map a refusal through the vendor's table.
 */
#ifndef FAL_XMLRPC_VENDOR_H
#define FAL_XMLRPC_VENDOR_H

#include "../lib/xmlrpc.h"
#include "provider.h"
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

/* A string parameter. */
#define FAL_XMLRPC_STR(s) { FAL_XMLRPC_STRING, (s), NULL, 0 }

#endif
