/*
 * api.c - the HTTP API of SPEC §1: routing, the checks of §1.1 in their
 * order, the device action (fal_device_do) and the JSON answers.
 */
#include "api.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../lib/device.h"
#include "../lib/mac.h"
#include "../lib/metrics.h"
#include "../lib/url.h"
#include "../providers/table.h"
#include "auth.h"
#include "body.h"
#include "query.h"
#include "route.h"

static const char json_type[] = "application/json";

int
fal_response_json(struct fal_response *resp, int status, cJSON *root)
{
	char *s = root != NULL ? cJSON_PrintUnformatted(root) : NULL;

	cJSON_Delete(root);
	if (s == NULL)
		return -1;
	resp->status = status;
	resp->content_type = json_type;
	resp->body = s;
	resp->body_len = strlen(s);
	return 0;
}

/*
 * The message is err's own, else the code's words for a person (the
 * operator page shows it next to the field it concerns).
 */
void
fal_response_error(struct fal_response *resp, const struct fal_error *err)
{
	cJSON *root = cJSON_CreateObject();
	const char *msg = err->message[0] != '\0' ? err->message :
			  fal_err_words(err->code);

	resp->err = err->code;
	if (root == NULL ||
	    cJSON_AddStringToObject(root, "error", fal_err_code(err->code)) == NULL ||
	    (msg != NULL &&
	     cJSON_AddStringToObject(root, "message", msg) == NULL)) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (fal_response_json(resp, fal_err_status(err->code), root) == 0)
		return;
	/* Out of memory: the status alone must say it. */
	resp->status = 500;
	resp->err = FAL_ERR_INTERNAL;
}

static void
answer_code(struct fal_response *resp, enum fal_err code)
{
	struct fal_error err;

	fal_error_set(&err, code, NULL);
	fal_response_error(resp, &err);
}

static void
answer_empty(struct fal_response *resp)
{
	resp->status = 200;
	resp->err = FAL_OK;
}

/* GET /providers: the enabled providers, in SPEC order. */
static void
answer_providers(const struct fal_config *cfg, struct fal_response *resp)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(root, "providers");

	for (int id = 0; list != NULL && id < FAL_PROVIDER__MAX; id++) {
		if (!fal_provider_enabled(cfg, id))
			continue;
		if (!cJSON_AddItemToArray(list,
		    cJSON_CreateString(fal_provider_name(id))))
			list = NULL;
	}
	if (list == NULL) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (fal_response_json(resp, 200, root) != 0)
		answer_code(resp, FAL_ERR_INTERNAL);
}

/* PUT success for a provider that answers the device's PIN (ymcs). */
static void
answer_pin(struct fal_response *resp, const struct fal_outcome *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *pin = out->has_pin ? cJSON_CreateString(out->pin)
				  : cJSON_CreateNull();

	if (root == NULL || !cJSON_AddItemToObject(root, "device_pin", pin)) {
		cJSON_Delete(pin);
		cJSON_Delete(root);
		root = NULL;
	}
	if (fal_response_json(resp, 200, root) != 0)
		answer_code(resp, FAL_ERR_INTERNAL);
}

/*
 * GET success: {"provider","mac","state","url"}, url null unless the
 * vendor told it for a registered device (fal_device_do keeps no other).
 */
static void
answer_lookup(struct fal_response *resp, const struct fal_outcome *out)
{
	cJSON *root = cJSON_CreateObject();
	bool has_url = out->lookup_url != NULL;

	if (root == NULL ||
	    !cJSON_AddStringToObject(root, "provider", resp->provider) ||
	    !cJSON_AddStringToObject(root, "mac", resp->mac) ||
	    !cJSON_AddStringToObject(root, "state",
				     fal_lookup_state_word(out->lookup_state)) ||
	    !(has_url ? cJSON_AddStringToObject(root, "url", out->lookup_url)
		      : cJSON_AddNullToObject(root, "url"))) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (fal_response_json(resp, 200, root) != 0)
		answer_code(resp, FAL_ERR_INTERNAL);
}

enum fal_err
fal_request_body(const struct fal_request *req, size_t max, char **out,
		 size_t *len)
{
	size_t want, got = 0;
	char *buf;

	*out = NULL;
	*len = 0;
	if (req->content_length > (long long)max)
		return FAL_ERR_REQUEST_TOO_LARGE;
	want = req->content_length >= 0 ? (size_t)req->content_length : max + 1;
	if (want == 0 || req->read_body == NULL)
		return FAL_OK;
	if ((buf = malloc(want + 1)) == NULL)
		return FAL_ERR_INTERNAL;
	while (got < want) {
		long n = req->read_body(req->body_ctx, buf + got, want - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(buf);
		return FAL_ERR_REQUEST_TOO_LARGE;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return FAL_OK;
}

/*
 * The PUT body's checks, in SPEC order; fills dev->sent_url, dev->url (the
 * vendor's form, written into vendor_url) and dev->sn.
 */
static enum fal_err
check_put_body(const struct fal_request *req, const struct fal_provider *p,
	       struct fal_body *body, struct fal_device *dev,
	       char vendor_url[FAL_URL_MAX + 1])
{
	enum fal_err rc;
	char *data;
	size_t len;

	if ((rc = fal_request_body(req, FAL_BODY_MAX, &data, &len)) != FAL_OK)
		return rc;
	rc = fal_body_parse(data != NULL ? data : "", len, body);
	free(data);
	if (rc != FAL_OK)
		return rc;
	if ((rc = fal_url_check(body->url)) != FAL_OK)
		return rc;
	if (p->uses_sn && body->sn_err != FAL_OK)
		return body->sn_err;
	dev->sent_url = body->url;
	dev->url = fal_url_decode_pct25(vendor_url, body->url);
	dev->sn = p->uses_sn ? body->sn : NULL;
	return FAL_OK;
}

/*
 * Does the device action at the vendor, every vendor call bounded by
 * one timeout_ms budget from now and by the client's presence, and
 * answers its outcome.
 */
static void
call_vendor(const struct fal_config *cfg, struct fal_http *http,
	    const struct fal_request *req, enum fal_provider_id id,
	    enum fal_action action, const struct fal_device *dev,
	    struct fal_response *resp)
{
	const struct fal_provider *p = fal_provider_get(id);
	const struct fal_guard guard = {
		.deadline_ms = fal_http_now_ms(http) + cfg->timeout_ms,
		.gone = req->client_gone,
		.gone_ctx = req->client_gone_ctx,
	};
	struct fal_outcome out;

	fal_device_do(p, &cfg->providers[id], http, &guard, action, dev, &out);
	resp->vendor_ms = out.vendor_ms;
	fal_metrics_vendor_call(id, out.vendor_ms);
	if (out.err.code != FAL_OK)
		fal_response_error(resp, &out.err);
	else if (action == FAL_ACTION_LOOKUP)
		answer_lookup(resp, &out);
	else if (action == FAL_ACTION_REGISTER && p->answers_pin)
		answer_pin(resp, &out);
	else
		answer_empty(resp);
	fal_outcome_free(&out);
}

/* The device action a method asks for (SPEC §1.1, §1.8). */
static enum fal_action
method_action(enum fal_method method)
{
	if (method == FAL_METHOD_PUT)
		return FAL_ACTION_REGISTER;
	if (method == FAL_METHOD_DELETE)
		return FAL_ACTION_DEREGISTER;
	return FAL_ACTION_LOOKUP;
}

/*
 * PUT, DELETE or GET /providers/{provider}/{mac}: the checks of SPEC §1.1
 * (GET and DELETE have no body).
 */
static enum fal_err
handle_device(const struct fal_config *cfg, struct fal_http *http,
	      const struct fal_request *req, const struct fal_route *route,
	      enum fal_method method, struct fal_response *resp,
	      enum fal_provider_id *id)
{
	struct fal_device dev = { 0 };
	struct fal_body body = { 0 };
	char vendor_url[FAL_URL_MAX + 1];
	enum fal_action action = method_action(method);
	enum fal_provider_id pid = fal_provider_lookup(route->provider);
	enum fal_err rc;

	/* Metrics count a disabled provider's requests as naming none. */
	if (!fal_provider_enabled(cfg, pid))
		return FAL_ERR_PROVIDER_NOT_SUPPORTED;
	*id = pid;
	resp->provider = fal_provider_name(*id);
	if ((rc = fal_mac_parse(route->mac, &dev.mac)) != FAL_OK)
		return rc;
	memcpy(resp->mac, dev.mac.hyphen, sizeof(resp->mac));
	if (action == FAL_ACTION_REGISTER &&
	    (rc = check_put_body(req, fal_provider_get(*id), &body,
				 &dev, vendor_url)) != FAL_OK)
		goto out;
	if (fal_vendors[*id].has_crc && !cfg->providers[*id].disable_crc &&
	    (rc = fal_crc_parse(req->query_string, dev.crc)) != FAL_OK)
		goto out;
	call_vendor(cfg, http, req, *id, action, &dev, resp);
out:
	fal_body_free(&body);
	return rc;
}

/* GET /metrics: this library's figures, then the batch runner's. */
static enum fal_err
answer_metrics(const struct fal_config *cfg, const struct fal_request *req,
	       struct fal_response *resp)
{
	char *more = req->batches != NULL ? req->batches->metrics(req->batches->ctx)
					  : NULL;
	size_t mlen = more != NULL ? strlen(more) : 0;
	char *all;

	if (fal_metrics_render(cfg->vendors, cfg->n_providers, &resp->body,
			       &resp->body_len) != 0) {
		free(more);
		return FAL_ERR_INTERNAL;
	}
	if (mlen > 0 && (all = realloc(resp->body, resp->body_len + mlen + 1)) != NULL) {
		memcpy(all + resp->body_len, more, mlen + 1);
		resp->body = all;
		resp->body_len += mlen;
	}
	free(more);
	resp->content_type = fal_metrics_content_type;
	resp->status = 200;
	return FAL_OK;
}

/* Answers a route that allows the method, once the token is checked. */
static enum fal_err
answer_route(const struct fal_config *cfg, struct fal_http *http,
	     const struct fal_request *req, const struct fal_route *route,
	     enum fal_method method, struct fal_response *resp,
	     enum fal_provider_id *id)
{
	switch (route->kind) {
	case FAL_ROUTE_HEALTH:
		answer_empty(resp);
		return FAL_OK;
	case FAL_ROUTE_PROVIDERS:
		answer_providers(cfg, resp);
		return FAL_OK;
	case FAL_ROUTE_METRICS:
		return answer_metrics(cfg, req, resp);
	case FAL_ROUTE_DEVICE:
		return handle_device(cfg, http, req, route, method, resp, id);
	case FAL_ROUTE_BATCHES:
	case FAL_ROUTE_BATCH:
	case FAL_ROUTE_BATCH_DEVICES:
		if (req->batches == NULL)
			return FAL_ERR_NOT_FOUND;
		req->batches->handle(req->batches->ctx, route, method, req,
				     resp);
		return FAL_OK;
	case FAL_ROUTE_NOT_FOUND:
	case FAL_ROUTE__MAX:
		break;
	}
	return FAL_ERR_NOT_FOUND;
}

void
fal_api_handle(const struct fal_config *cfg, struct fal_http *http,
	       const struct fal_request *req, struct fal_response *resp)
{
	enum fal_provider_id id = FAL_PROVIDER__MAX;
	struct fal_route route;
	enum fal_method method;
	enum fal_err rc;

	memset(resp, 0, sizeof(*resp));
	resp->vendor_ms = -1;
	method = fal_method_parse(req->method != NULL ? req->method : "");
	if (fal_route_parse(req->request_uri, req->path_info, cfg->base_path,
			    &route) != 0) {
		answer_code(resp, FAL_ERR_INTERNAL);
		return;
	}
	if (route.kind == FAL_ROUTE_NOT_FOUND) {
		rc = FAL_ERR_NOT_FOUND;
	} else if (!fal_route_allows(route.kind, method)) {
		resp->allow = fal_route_allow_header(route.kind);
		rc = FAL_ERR_METHOD_NOT_ALLOWED;
	} else if (route.kind != FAL_ROUTE_HEALTH &&
		   !fal_auth_check(cfg, req->authorization)) {
		rc = FAL_ERR_UNAUTHORIZED;
	} else {
		rc = answer_route(cfg, http, req, &route, method, resp, &id);
	}
	if (rc != FAL_OK)
		answer_code(resp, rc);
	if (route.kind == FAL_ROUTE_DEVICE)
		fal_metrics_request(id, method, resp->err);
	fal_route_free(&route);
}

void
fal_response_free(struct fal_response *resp)
{
	free(resp->body);
	free(resp->location);
	resp->body = resp->location = NULL;
}
