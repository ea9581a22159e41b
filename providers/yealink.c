/*
 * yealink.c - Yealink's legacy redirect service, RPS (SPEC §2.1), XML-RPC
 * with Basic auth and the MAC in MAC-HYPHEN notation.
 */
#include "provider.h"
#include "xmlrpc_vendor.h"

/*
 * A device another account owns is refused with "Error:" and a code of
 * ten lower-case letters and digits that changes from device to device.
 */
static const struct fal_refusal yealink_refusals[] = {
	{ FAL_MATCH_EXACT, "Error:The url can only begin with 'http://' or "
	  "'https://' or 'ftp://' or 'tftp://'", FAL_ERR_MALFORMED_URL },
	{ FAL_MATCH_REGEX, "^Error:[a-z0-9]{10}$", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};

/*
 * Registers dev->url under the name "Falconieri"; the last argument, "1",
 * asks RPS to replace a registration this account already made.
 */
static enum fal_err
yealink_register(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param params[] = {
		FAL_XMLRPC_STR(dev->mac.hyphen),
		FAL_XMLRPC_STR("Falconieri"),
		FAL_XMLRPC_STR(dev->url),
		FAL_XMLRPC_STR("1"),
	};

	return fal_xmlrpc_vendor_call(call,
				      "redirect.registerDeviceWithUniqueUrl",
				      params, 4, yealink_refusals);
}

/* Removes dev's registration; FAL_OK or the mapped refusal. */
static enum fal_err
yealink_deregister(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param mac = FAL_XMLRPC_STR(dev->mac.hyphen);

	return fal_xmlrpc_vendor_call(call, "redirect.deRegisterDevice", &mac,
				      1, yealink_refusals);
}

const struct fal_provider fal_provider_yealink = {
	.id = FAL_YEALINK,
	.register_device = yealink_register,
	.deregister_device = yealink_deregister,
};
