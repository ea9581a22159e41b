/*
 * hawk_rest.c - GRAPE (Gigaset) and SRAPS (Snom), one REST protocol with
 * Hawk authentication (SPEC §2.3) and two table entries.  Register: PUT
 * {endpoints}{mac12} with the provisioning URL as the account's setting;
 * deregister: DELETE of the same, where 404 is what the client wanted;
 * lookup: GET of the same, whose setting holds the URL.
 */
#include "hawk_rest.h"

#include <stdio.h>
#include <stdlib.h>

#include "../lib/hawk.h"
#include "hawk_json.h"
#include "rest_text.h"
#include "rest_url.h"

static const struct fal_hawk_vendor grape = {
	FAL_GRAPE, "grape", "ProvisioningServer",
};

static const struct fal_hawk_vendor sraps = {
	FAL_SRAPS, "sraps", "setting_server",
};

/*
 * Sends method with body (NULL for none) to the device's endpoint and
 * reads the answer: 2xx, and 404 when ok_404, are success.
 */
static enum fal_err
endpoint_call(struct fal_call *call, const char *endpoints, const char *mac12,
	      const char *method, const char *body, bool ok_404)
{
	struct fal_http_resp resp = { 0 };
	char *url = fal_rest_url_append(endpoints, mac12);
	enum fal_err rc;

	if (url == NULL)
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	rc = fal_hawk_request(call, method, url, body, &resp);
	if (rc == FAL_OK && !(resp.status >= 200 && resp.status <= 299) &&
	    !(ok_404 && resp.status == 404))
		rc = fal_hawk_error_map(resp.status, resp.body, resp.body_len,
					call->err);
	fal_http_resp_free(&resp);
	free(url);
	return rc;
}

/* Registers dev->url at v: discovery (setting and endpoints), then PUT. */
static enum fal_err
hawk_register(struct fal_call *call, const struct fal_device *dev,
	      const struct fal_hawk_vendor *v)
{
	struct fal_hawk_place place;
	char *body = NULL;
	enum fal_err rc;

	if ((rc = fal_hawk_discover(call, v, true, &place)) != FAL_OK)
		goto out;
	body = fal_hawk_endpoint_body(dev->mac.lower12, place.uuid, dev->url);
	if (body == NULL)
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	else
		rc = endpoint_call(call, place.endpoints, dev->mac.lower12,
				   "PUT", body, false);
out:
	free(body);
	fal_hawk_place_free(&place);
	return rc;
}

/* Deregisters dev at v: discovery (endpoints only), then DELETE. */
static enum fal_err
hawk_deregister(struct fal_call *call, const struct fal_device *dev,
		const struct fal_hawk_vendor *v)
{
	struct fal_hawk_place place;
	enum fal_err rc;

	rc = fal_hawk_discover(call, v, false, &place);
	if (rc == FAL_OK)
		rc = endpoint_call(call, place.endpoints, dev->mac.lower12,
				   "DELETE", NULL, true);
	fal_hawk_place_free(&place);
	return rc;
}

/* Looks dev up at v: discovery (setting and endpoints), then GET. */
static enum fal_err
hawk_lookup(struct fal_call *call, const struct fal_device *dev,
	    const struct fal_hawk_vendor *v)
{
	struct fal_http_resp resp = { 0 };
	struct fal_hawk_place place;
	char *url = NULL;
	enum fal_err rc;

	if ((rc = fal_hawk_discover(call, v, true, &place)) != FAL_OK)
		goto out;
	if ((url = fal_rest_url_append(place.endpoints, dev->mac.lower12)) == NULL) {
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
		goto out;
	}
	rc = fal_hawk_request(call, "GET", url, NULL, &resp);
	if (rc == FAL_OK)
		rc = fal_hawk_lookup_read(resp.status, resp.body, resp.body_len,
					  place.uuid, &call->out->lookup_state,
					  &call->out->lookup_url, call->err);
out:
	fal_http_resp_free(&resp);
	free(url);
	fal_hawk_place_free(&place);
	return rc;
}

/*
 * Refuses at start what cannot work: a base_url that is not http(s), or a
 * client_id that cannot sit inside the quotes of a Hawk header.
 */
static int
hawk_prepare(const struct fal_hawk_vendor *v, struct fal_provider_conf *conf,
	     char *errbuf, size_t len)
{
	if (!fal_rest_url_ok(conf->base_url)) {
		snprintf(errbuf, len, "%s: base_url is not an absolute http(s) "
			 "URL", v->name);
		return -1;
	}
	if (!fal_hawk_quotable(conf->client_id)) {
		snprintf(errbuf, len, "%s: client_id has characters a Hawk "
			 "header cannot carry (quotes, backslashes, control "
			 "characters)", v->name);
		return -1;
	}
	return 0;
}

/* The table's entry points, one per vendor. */
static enum fal_err
grape_register(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_register(call, dev, &grape);
}

static enum fal_err
grape_deregister(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_deregister(call, dev, &grape);
}

static enum fal_err
grape_lookup(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_lookup(call, dev, &grape);
}

static int
grape_prepare(struct fal_provider_conf *conf, char *errbuf, size_t len)
{
	return hawk_prepare(&grape, conf, errbuf, len);
}

static enum fal_err
sraps_register(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_register(call, dev, &sraps);
}

static enum fal_err
sraps_deregister(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_deregister(call, dev, &sraps);
}

static enum fal_err
sraps_lookup(struct fal_call *call, const struct fal_device *dev)
{
	return hawk_lookup(call, dev, &sraps);
}

static int
sraps_prepare(struct fal_provider_conf *conf, char *errbuf, size_t len)
{
	return hawk_prepare(&sraps, conf, errbuf, len);
}

const struct fal_provider fal_provider_grape = {
	.prepare = grape_prepare,
	.do_register = grape_register,
	.do_deregister = grape_deregister,
	.do_lookup = grape_lookup,
};

const struct fal_provider fal_provider_sraps = {
	.prepare = sraps_prepare,
	.do_register = sraps_register,
	.do_deregister = sraps_deregister,
	.do_lookup = sraps_lookup,
};
