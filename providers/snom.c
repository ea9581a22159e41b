/*
 * snom.c - Snom's redirect service (SPEC §2.1), XML-RPC with Basic auth:
 * redirect.registerPhone(MAC12, url) and redirect.deregisterPhone(MAC12).
 */
#include "provider.h"
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

const struct fal_provider fal_provider_snom = {
	.id = FAL_SNOM,
	.register_device = snom_register,
	.deregister_device = snom_deregister,
};
