/*
 * snom.c - Snom's redirect service (SPEC §2.1), XML-RPC with Basic auth:
 * redirect.registerPhone(MAC12, url) and redirect.deregisterPhone(MAC12);
 * a lookup (SPEC §2.4) is redirect.checkPhone(MAC12), then, for a phone
 * of this account, redirect.getPhoneRedirection(MAC12) for its URL.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/device.h"
#include "xmlrpc_vendor.h"

/*
 * Snom's refusals.  The first, an unknown device, is what a deregistration
 * wanted; registering skips it.
 */
static const struct fal_refusal snom_refusals[] = {
	{ FAL_MATCH_EXACT, "Error:no_such_mac", FAL_OK },
	{ FAL_MATCH_EXACT, "Error:malformed_url", FAL_ERR_MALFORMED_URL },
	{ FAL_MATCH_EXACT, "Error:malformed_mac", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_EXACT, "Error:owned_by_other_user", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};
#define SNOM_DEREGISTER_REFUSALS snom_refusals
#define SNOM_REGISTER_REFUSALS (snom_refusals + 1)

/* What checkPhone's refusals say of the phone. */
static const struct fal_lookup_text snom_lookup_texts[] = {
	{ FAL_MATCH_EXACT, "Error:no_such_mac", FAL_LOOKUP_NOT_REGISTERED },
	{ FAL_MATCH_EXACT, "Error:owned_by_other_user", FAL_LOOKUP_ELSEWHERE },
	{ FAL_MATCH_EXACT, NULL, FAL_LOOKUP_REGISTERED }
};

static const struct fal_xmlrpc_lookup snom_lookup_call = {
	"redirect.checkPhone", snom_lookup_texts, SNOM_REGISTER_REFUSALS, false
};

static enum fal_err
snom_register(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param params[] = {
		FAL_XMLRPC_STR(dev->mac.upper12),
		FAL_XMLRPC_STR(dev->url),
	};

	return fal_xmlrpc_vendor_call(call, "redirect.registerPhone", params,
				      2, SNOM_REGISTER_REFUSALS);
}

static enum fal_err
snom_deregister(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param params[] = {
		FAL_XMLRPC_STR(dev->mac.upper12),
	};

	return fal_xmlrpc_vendor_call(call, "redirect.deregisterPhone", params,
				      1, SNOM_DEREGISTER_REFUSALS);
}

/*
 * The URL of a phone checkPhone found registered: getPhoneRedirection's
 * [true, company, url].  Its failure, or an empty URL, leaves the URL
 * unknown (NULL) without failing the lookup.
 */
static void
snom_redirection(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param mac = FAL_XMLRPC_STR(dev->mac.upper12);
	struct fal_xmlrpc_answer a;

	if (fal_xmlrpc_vendor_call_answer(call, "redirect.getPhoneRedirection",
					  &mac, 1, &a) != FAL_OK) {
		fal_error_clear(call->err);
		return;
	}
	if (a.third != NULL && a.third[0] != '\0')
		call->out->lookup_url = strdup(a.third);
	fal_xmlrpc_answer_free(&a);
}

/* checkPhone, then the URL of a phone this account redirects. */
static enum fal_err
snom_lookup(struct fal_call *call, const struct fal_device *dev)
{
	enum fal_err rc;

	rc = fal_xmlrpc_vendor_lookup(call, &snom_lookup_call,
				      dev->mac.upper12);
	if (rc == FAL_OK && call->out->lookup_state == FAL_LOOKUP_REGISTERED)
		snom_redirection(call, dev);
	return rc;
}

const struct fal_provider fal_provider_snom = {
	.do_register = snom_register,
	.do_deregister = snom_deregister,
	.do_lookup = snom_lookup,
};
