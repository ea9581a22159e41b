/*
 * yealink.c - Yealink's legacy redirect service, RPS (SPEC §2.1), XML-RPC
 * with Basic auth and the MAC in MAC-HYPHEN notation.  A lookup is
 * redirect.checkDevice(MAC-HYPHEN), answered in words (SPEC §2.4).
 */
#include "../lib/device.h"
#include "xmlrpc_vendor.h"

/*
 * A device another account owns is refused with "Error:" and a code of
 * ten lower-case letters and digits that changes from device to device.
 * The first entry is checkDevice's own; registering starts after it.
 */
static const struct fal_refusal yealink_lookup_refusals[] = {
	{ FAL_MATCH_EXACT, "Error:Invalid MAC", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_EXACT, "Error:The url can only begin with 'http://' or "
	  "'https://' or 'ftp://' or 'tftp://'", FAL_ERR_MALFORMED_URL },
	{ FAL_MATCH_REGEX, "^Error:[a-z0-9]{10}$", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};
#define YEALINK_REFUSALS (yealink_lookup_refusals + 1)

/* checkDevice's words, compared ignoring case. */
static const struct fal_lookup_text yealink_lookup_texts[] = {
	{ FAL_MATCH_CASELESS, "Registered", FAL_LOOKUP_REGISTERED },
	{ FAL_MATCH_CASELESS, "Unregistered", FAL_LOOKUP_NOT_REGISTERED },
	{ FAL_MATCH_CASELESS, "Unknown", FAL_LOOKUP_NOT_REGISTERED },
	{ FAL_MATCH_CASELESS, "Registered elsewhere", FAL_LOOKUP_ELSEWHERE },
	{ FAL_MATCH_EXACT, NULL, FAL_LOOKUP_REGISTERED }
};

static const struct fal_xmlrpc_lookup yealink_lookup_call = {
	"redirect.checkDevice", yealink_lookup_texts, yealink_lookup_refusals,
	true
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
				      params, 4, YEALINK_REFUSALS);
}

/* Removes dev's registration; FAL_OK or the mapped refusal. */
static enum fal_err
yealink_deregister(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param mac = FAL_XMLRPC_STR(dev->mac.hyphen);

	return fal_xmlrpc_vendor_call(call, "redirect.deRegisterDevice", &mac,
				      1, YEALINK_REFUSALS);
}

/* What RPS says of dev; it never tells the URL. */
static enum fal_err
yealink_lookup(struct fal_call *call, const struct fal_device *dev)
{
	return fal_xmlrpc_vendor_lookup(call, &yealink_lookup_call,
					dev->mac.hyphen);
}

const struct fal_provider fal_provider_yealink = {
	.do_register = yealink_register,
	.do_deregister = yealink_deregister,
	.do_lookup = yealink_lookup,
};
