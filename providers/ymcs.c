/*
 * ymcs.c - Yealink Management Cloud Service (SPEC §2.2), REST with an
 * OAuth2 client-credentials token.  Register: delDevices (its answer does
 * not count), then addDevicesByMac, or POST /v2/rps/devices when the
 * client gave the serial number, then listDevicePins for device_pin.
 * Deregister: delDevices.  Lookup: listDevices filtered by the MAC.
 */
#include "ymcs.h"

#include <stdio.h>
#include <stdlib.h>

#include "rest_text.h"
#include "rest_url.h"
#include "ymcs_json.h"

/* Reads an answer into an outcome (the ymcs_json.h readers). */
typedef enum fal_err (*ymcs_reader)(long status, const char *body,
				    size_t len, struct fal_error *err);

/*
 * POSTs body (freed here; NULL means out of memory) to path and reads the
 * answer with read, or ignores it when read is NULL.
 */
static enum fal_err
ymcs_step(struct fal_call *call, const char *path, char *body,
	  ymcs_reader read)
{
	struct fal_http_resp resp = { 0 };
	enum fal_err rc;

	if (body == NULL)
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	rc = fal_ymcs_post(call, path, body, &resp);
	if (rc == FAL_OK && read != NULL)
		rc = read(resp.status, resp.body, resp.body_len, call->err);
	fal_http_resp_free(&resp);
	free(body);
	return rc;
}

/*
 * Looks up the device's PIN; any failure just leaves has_pin false, since
 * the device is registered by then.
 */
static void
ymcs_pin(struct fal_call *call, const struct fal_device *dev)
{
	struct fal_http_resp resp = { 0 };
	struct fal_error saved = *call->err;
	char *body = fal_ymcs_pins_body(dev->mac.lower12);

	call->out->has_pin = false;
	call->out->pin[0] = '\0';
	if (body != NULL &&
	    fal_ymcs_post(call, "/v2/rps/listDevicePins", body, &resp) == FAL_OK &&
	    fal_ymcs_pin_read(resp.status, resp.body, resp.body_len,
			      dev->mac.lower12, call->out->pin,
			      sizeof(call->out->pin)) == 0)
		call->out->has_pin = true;
	*call->err = saved;
	fal_http_resp_free(&resp);
	free(body);
}

/* Registers dev->url: delete, add (by MAC or with sn), then the PIN. */
static enum fal_err
ymcs_register(struct fal_call *call, const struct fal_device *dev)
{
	const char *mac = dev->mac.lower12;
	enum fal_err rc;

	/*
	 * Removing an older registration first makes the add a replacement.
	 * Whatever YMCS answers does not count; not reaching it (or getting
	 * no token) does, since the add would meet the same fate.
	 */
	rc = ymcs_step(call, "/v2/rps/delDevices", fal_ymcs_del_body(mac), NULL);
	if (rc != FAL_OK)
		return rc;
	if (dev->sn != NULL)
		rc = ymcs_step(call, "/v2/rps/devices",
			       fal_ymcs_device_body(mac, dev->sn, dev->url),
			       fal_ymcs_device_read);
	else
		rc = ymcs_step(call, "/v2/rps/addDevicesByMac",
			       fal_ymcs_add_body(mac, dev->url),
			       fal_ymcs_add_read);
	if (rc != FAL_OK)
		return rc;
	ymcs_pin(call, dev);
	return FAL_OK;
}

/* Deregisters dev: delDevices, where an unknown device is a success. */
static enum fal_err
ymcs_deregister(struct fal_call *call, const struct fal_device *dev)
{
	return ymcs_step(call, "/v2/rps/delDevices",
			 fal_ymcs_del_body(dev->mac.lower12), fal_ymcs_del_read);
}

/* Asks listDevices for dev; it changes nothing at YMCS. */
static enum fal_err
ymcs_lookup(struct fal_call *call, const struct fal_device *dev)
{
	struct fal_http_resp resp = { 0 };
	char *body = fal_ymcs_list_body(dev->mac.lower12);
	enum fal_err rc;

	if (body == NULL)
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	rc = fal_ymcs_post(call, "/v2/rps/listDevices", body, &resp);
	if (rc == FAL_OK)
		rc = fal_ymcs_list_read(resp.status, resp.body, resp.body_len,
					dev->mac.lower12, &call->out->lookup_state,
					&call->out->lookup_url, call->err);
	fal_http_resp_free(&resp);
	free(body);
	return rc;
}

/* Refuses at start a base_url that is not an absolute http(s) URL. */
static int
ymcs_prepare(struct fal_provider_conf *conf, char *errbuf, size_t len)
{
	if (fal_rest_url_ok(conf->base_url))
		return 0;
	snprintf(errbuf, len, "ymcs: base_url is not an absolute http(s) URL");
	return -1;
}

const struct fal_provider fal_provider_ymcs = {
	.uses_sn = true,
	.answers_pin = true,
	.prepare = ymcs_prepare,
	.do_register = ymcs_register,
	.do_deregister = ymcs_deregister,
	.do_lookup = ymcs_lookup,
};
