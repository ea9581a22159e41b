/*
 * gigaset.c - Gigaset's redirect service (SPEC §2.1), XML-RPC with Basic
 * auth.  The device id is "MAC12-CRC", the check code printed on the
 * label, or MAC12 alone when disable_crc is set.  Registering first
 * removes any earlier registration, so a new URL replaces the old one.
 * A lookup is autoprov.checkDevice(id), which never tells the URL.
 */
#include <stdio.h>

#include "../lib/device.h"
#include "xmlrpc_vendor.h"

/* "ACDE48234567-AB12" and its NUL. */
#define GIGASET_ID_MAX (12 + 1 + 4 + 1)

/*
 * Gigaset's refusals.  Deregistering reads the whole table; registering
 * starts after the first entry, since an unknown device is only fine to
 * deregister.
 */
static const struct fal_refusal gigaset_refusals[] = {
	{ FAL_MATCH_PREFIX, "mac_not_found:", FAL_OK },
	{ FAL_MATCH_PREFIX, "url_invalid:", FAL_ERR_MALFORMED_URL },
	{ FAL_MATCH_PREFIX, "mac_not_exist:", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_PREFIX, "mac_invalid:", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_PREFIX, "mac_already_in_use:", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};
#define GIGASET_DEREGISTER_REFUSALS gigaset_refusals
#define GIGASET_REGISTER_REFUSALS (gigaset_refusals + 1)

/* What checkDevice's refusals say of the device. */
static const struct fal_lookup_text gigaset_lookup_texts[] = {
	{ FAL_MATCH_PREFIX, "mac_not_found:", FAL_LOOKUP_NOT_REGISTERED },
	{ FAL_MATCH_EXACT, NULL, FAL_LOOKUP_REGISTERED }
};

static const struct fal_xmlrpc_lookup gigaset_lookup_call = {
	"autoprov.checkDevice", gigaset_lookup_texts,
	GIGASET_REGISTER_REFUSALS, false
};

/*
 * Writes dev's Gigaset id into id.  The request layer has already checked
 * and upper-cased dev->crc unless disable_crc, in which case it is not
 * part of the id even when the client sent one.
 */
static void
gigaset_id(const struct fal_call *call, const struct fal_device *dev,
	   char id[GIGASET_ID_MAX])
{
	if (call->conf->disable_crc)
		snprintf(id, GIGASET_ID_MAX, "%s", dev->mac.upper12);
	else
		snprintf(id, GIGASET_ID_MAX, "%s-%s", dev->mac.upper12, dev->crc);
}

/*
 * Deregisters, whatever Gigaset answers to that, then registers dev->url:
 * FAL_OK, or the error of the first call that failed.
 */
static enum fal_err
gigaset_register(struct fal_call *call, const struct fal_device *dev)
{
	char id[GIGASET_ID_MAX];
	const struct fal_xmlrpc_param params[] = {
		FAL_XMLRPC_STR(id),
		FAL_XMLRPC_STR(dev->url),
		FAL_XMLRPC_STR("Falconieri"),
	};
	enum fal_err rc;

	gigaset_id(call, dev, id);
	rc = fal_xmlrpc_vendor_call_ignore(call, "autoprov.deregisterDevice",
					   params, 1);
	if (rc != FAL_OK)
		return rc;
	return fal_xmlrpc_vendor_call(call, "autoprov.registerDevice", params,
				      3, GIGASET_REGISTER_REFUSALS);
}

/* Deregisters dev; a device Gigaset does not know is a success. */
static enum fal_err
gigaset_deregister(struct fal_call *call, const struct fal_device *dev)
{
	char id[GIGASET_ID_MAX];
	const struct fal_xmlrpc_param param = FAL_XMLRPC_STR(id);

	gigaset_id(call, dev, id);
	return fal_xmlrpc_vendor_call(call, "autoprov.deregisterDevice", &param,
				      1, GIGASET_DEREGISTER_REFUSALS);
}

/* Whether this account registered dev; the URL stays unknown. */
static enum fal_err
gigaset_lookup(struct fal_call *call, const struct fal_device *dev)
{
	char id[GIGASET_ID_MAX];

	gigaset_id(call, dev, id);
	return fal_xmlrpc_vendor_lookup(call, &gigaset_lookup_call, id);
}

const struct fal_provider fal_provider_gigaset = {
	.do_register = gigaset_register,
	.do_deregister = gigaset_deregister,
	.do_lookup = gigaset_lookup,
};
