/*
 * batches.c - see batches.h.  Store failures become 503
 * batch_store_unavailable, unknown ids 404 batch_not_found.
 */
#include "batches.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "../batch/input.h"
#include "../batch/stats.h"
#include "../providers/table.h"
#include "query.h"

/* GET /batches: default and largest limit (SPEC §6.2). */
#define LIST_DEFAULT 50
#define LIST_MAX 1000
/* GET /batches/{id}/devices: the same for a page of devices (§6.3). */
#define DEVICES_DEFAULT 1000
#define DEVICES_MAX 10000

static const char csv_header[] = "row,provider,mac,state,error,message,"
	"attempts,device_pin,lookup_state,lookup_url\r\n";

static void
answer_code(struct fal_response *resp, enum fal_err code, const char *msg)
{
	struct fal_error err;

	fal_error_set(&err, code, msg != NULL ? "%s" : NULL, msg);
	fal_response_error(resp, &err);
}

/* "2026-12-02T10:00:00Z", or null for ms < 0. */
static cJSON *
json_time(long long ms)
{
	char t[21];

	if (ms < 0)
		return cJSON_CreateNull();
	fal_batch_time(ms, t);
	return cJSON_CreateString(t);
}

/* A string, or null for NULL. */
static cJSON *
json_opt(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/* The batch object of SPEC §6.2. */
static cJSON *
batch_json(const struct fal_batch *b)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", b->id);
	cJSON_AddStringToObject(o, "action", fal_batch_action_name(b->action));
	cJSON_AddStringToObject(o, "state", fal_batch_state_name(b->state));
	cJSON_AddNumberToObject(o, "total", (double)b->total);
	cJSON_AddNumberToObject(o, "pending", (double)b->pending);
	cJSON_AddNumberToObject(o, "succeeded", (double)b->succeeded);
	cJSON_AddNumberToObject(o, "failed", (double)b->failed);
	cJSON_AddItemToObject(o, "created", json_time(b->created_ms));
	cJSON_AddItemToObject(o, "updated", json_time(b->updated_ms));
	cJSON_AddItemToObject(o, "finished", json_time(b->finished_ms));
	return o;
}

/* Answers status with the batch object, or the store's failure. */
static void
answer_batch(struct fal_response *resp, int status, enum fal_err rc,
	     const struct fal_batch *b)
{
	if (rc != FAL_OK)
		answer_code(resp, rc, NULL);
	else if (fal_response_json(resp, status, batch_json(b)) != 0)
		answer_code(resp, FAL_ERR_INTERNAL, NULL);
}

/* A whole-number query parameter within [1, max], else def. */
static long
query_long(const char *query, const char *name, long def, long max)
{
	char *v = fal_query_get(query, name, NULL), *end;
	long n;

	if (v == NULL)
		return def;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 1)
		n = def;
	free(v);
	return n > max ? max : n;
}

/* Whether a header value names media type (parameters and case ignored). */
static bool
names_type(const char *value, const char *type)
{
	size_t n = strlen(type);

	while (value != NULL && *value != '\0') {
		value += strspn(value, " \t,");
		if (strncasecmp(value, type, n) == 0 &&
		    strchr(" \t;,", value[n]) != NULL)
			return true;
		value += strcspn(value, ",");
	}
	return false;
}

/* 400 invalid_batch with the first invalid rows, or the message. */
static void
answer_invalid(struct fal_response *resp, const struct fal_batch_input *in)
{
	cJSON *root, *rows;
	char msg[80];

	if (in->n_bad == 0) {
		answer_code(resp, FAL_ERR_INVALID_BATCH, in->message);
		return;
	}
	snprintf(msg, sizeof(msg), "%ld invalid rows; nothing was stored",
		 in->invalid);
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "error", fal_err_code(FAL_ERR_INVALID_BATCH));
	cJSON_AddStringToObject(root, "message", msg);
	rows = cJSON_AddArrayToObject(root, "rows");
	for (size_t i = 0; i < in->n_bad; i++) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "row", (double)in->bad[i].row);
		cJSON_AddStringToObject(r, "error", fal_err_code(in->bad[i].code));
		cJSON_AddItemToArray(rows, r);
	}
	resp->err = FAL_ERR_INVALID_BATCH;
	if (fal_response_json(resp, 400, root) != 0)
		answer_code(resp, FAL_ERR_INTERNAL, NULL);
}

/* Location: <base_path>/batches/{id}. */
static void
set_location(const struct fal_config *cfg, const char *id,
	     struct fal_response *resp)
{
	if (asprintf(&resp->location, "%s/batches/%s", cfg->base_path, id) < 0)
		resp->location = NULL;
}

/* Parses, checks and stores a new batch; the answer in resp. */
static void
create(struct fal_batches *b, const struct fal_request *req,
       const char *data, size_t len, struct fal_response *resp)
{
	enum fal_batch_format f;
	struct fal_batch_input in;
	struct fal_batch batch;
	char *action = NULL;
	enum fal_err rc;

	if (names_type(req->content_type, "application/json")) {
		f = FAL_BATCH_JSON;
	} else if (names_type(req->content_type, "text/csv")) {
		f = FAL_BATCH_CSV;
		action = fal_query_get(req->query_string, "action", NULL);
	} else {
		answer_code(resp, FAL_ERR_INVALID_BATCH, "Content-Type must be "
			    "application/json or text/csv");
		return;
	}
	rc = fal_batch_input_parse(b->cfg, f, action, data, len, &in);
	free(action);
	if (rc == FAL_ERR_INVALID_BATCH)
		answer_invalid(resp, &in);
	else if (rc != FAL_OK)
		answer_code(resp, rc, rc == FAL_ERR_REQUEST_TOO_LARGE ?
			    "at most 100000 devices per batch" : NULL);
	else {
		rc = b->store->ops->create(b->store, in.action, in.rows, in.n,
					   fal_store_now_ms(), &batch);
		answer_batch(resp, 202, rc, &batch);
		if (rc == FAL_OK) {
			set_location(b->cfg, batch.id, resp);
			fal_runner_wake(b->runner);
		}
	}
	fal_batch_input_free(&in);
}

/* POST /batches. */
static void
post(struct fal_batches *b, const struct fal_request *req,
     struct fal_response *resp)
{
	char *data = NULL;
	size_t len = 0;
	enum fal_err rc;

	rc = fal_request_body(req, FAL_BATCH_BODY_MAX, &data, &len);
	if (rc == FAL_ERR_REQUEST_TOO_LARGE)
		answer_code(resp, rc, "a batch body is at most 16 MiB");
	else if (rc != FAL_OK)
		answer_code(resp, rc, NULL);
	else
		create(b, req, data != NULL ? data : "", len, resp);
	free(data);
}

/* Answers 200 with root, or the store's failure rc; root is consumed. */
static void
answer_listing(struct fal_response *resp, cJSON *root, enum fal_err rc)
{
	if (rc != FAL_OK) {
		cJSON_Delete(root);
		answer_code(resp, rc, NULL);
	} else if (fal_response_json(resp, 200, root) != 0) {
		answer_code(resp, FAL_ERR_INTERNAL, NULL);
	}
}

static int
add_batch(void *ctx, const struct fal_batch *b)
{
	return cJSON_AddItemToArray(ctx, batch_json(b)) ? 0 : 1;
}

/* GET /batches. */
static void
list(struct fal_batches *b, const struct fal_request *req,
     struct fal_response *resp)
{
	long limit = query_long(req->query_string, "limit", LIST_DEFAULT, LIST_MAX);
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(root, "batches");

	answer_listing(resp, root, b->store->ops->list(b->store, limit,
						      add_batch, arr));
}

/* One device of SPEC §6.3 as JSON. */
static int
add_device(void *ctx, const struct fal_batch_device *d)
{
	cJSON *o = cJSON_CreateObject(), *lookup;

	cJSON_AddNumberToObject(o, "row", (double)d->row);
	cJSON_AddStringToObject(o, "provider", fal_provider_name(d->provider));
	cJSON_AddStringToObject(o, "mac", d->mac);
	cJSON_AddStringToObject(o, "state", fal_dev_state_name(d->state));
	cJSON_AddItemToObject(o, "error", json_opt(d->error));
	cJSON_AddItemToObject(o, "message", json_opt(d->message));
	cJSON_AddNumberToObject(o, "attempts", (double)d->attempts);
	cJSON_AddItemToObject(o, "device_pin", json_opt(d->device_pin));
	if (d->lookup_state != NULL) {
		lookup = cJSON_CreateObject();
		cJSON_AddStringToObject(lookup, "state", d->lookup_state);
		cJSON_AddItemToObject(lookup, "url", json_opt(d->lookup_url));
	} else {
		lookup = cJSON_CreateNull();
	}
	cJSON_AddItemToObject(o, "lookup", lookup);
	return cJSON_AddItemToArray(ctx, o) ? 0 : 1;
}

/* Writes s as one quoted CSV field (libcsv), then sep. */
static void
csv_field(FILE *f, const char *s, char sep)
{
	if (s != NULL)
		csv_fwrite(f, s, strlen(s));
	fputc(sep, f);
}

/* One device as a CSV line of csv_header's columns. */
static int
write_device(void *ctx, const struct fal_batch_device *d)
{
	FILE *f = ctx;
	char num[24];

	fprintf(f, "%ld,%s,%s,%s,", d->row, fal_provider_name(d->provider),
		d->mac, fal_dev_state_name(d->state));
	csv_field(f, d->error, ',');
	csv_field(f, d->message, ',');
	snprintf(num, sizeof(num), "%ld", d->attempts);
	fprintf(f, "%s,", num);
	csv_field(f, d->device_pin, ',');
	csv_field(f, d->lookup_state, ',');
	csv_field(f, d->lookup_url, '\r');
	fputc('\n', f);
	return 0;
}

/* The devices as CSV: every row q selects, not paged. */
static void
devices_csv(struct fal_batches *b, const char *id, struct fal_device_query *q,
	    struct fal_response *resp)
{
	FILE *f = open_memstream(&resp->body, &resp->body_len);
	enum fal_err rc;

	if (f == NULL) {
		answer_code(resp, FAL_ERR_INTERNAL, NULL);
		return;
	}
	fputs(csv_header, f);
	q->after = 0;
	q->limit = 0;
	rc = b->store->ops->devices(b->store, id, q, write_device, f);
	if (fclose(f) != 0 && rc == FAL_OK)
		rc = FAL_ERR_INTERNAL;
	if (rc != FAL_OK) {
		free(resp->body);
		resp->body = NULL;
		resp->body_len = 0;
		answer_code(resp, rc, NULL);
		return;
	}
	resp->status = 200;
	resp->content_type = "text/csv; charset=utf-8";
}

/* The state filter of the query: -1 for none, -2 when invalid. */
static int
state_filter(const char *query)
{
	char *v = fal_query_get(query, "state", NULL);
	int s;

	if (v == NULL)
		return -1;
	s = fal_dev_state_parse(v);
	free(v);
	return s == FAL_DEV_STATE__MAX ? -2 : s;
}

/* GET /batches/{id}/devices. */
static void
devices(struct fal_batches *b, const char *id, const struct fal_request *req,
	struct fal_response *resp)
{
	struct fal_device_query q = {
		.state = state_filter(req->query_string),
		.after = query_long(req->query_string, "after", 0, 1L << 40),
		.limit = query_long(req->query_string, "limit", DEVICES_DEFAULT,
				    DEVICES_MAX),
	};
	cJSON *root, *arr;

	if (q.state == -2) {
		answer_code(resp, FAL_ERR_INVALID_BATCH, "state must be pending, "
			    "succeeded or failed");
		return;
	}
	if (names_type(req->accept, "text/csv")) {
		devices_csv(b, id, &q, resp);
		return;
	}
	root = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(root, "devices");
	answer_listing(resp, root, b->store->ops->devices(b->store, id, &q,
							 add_device, arr));
}

/* Whether id can name a batch: 16 lower-case hex digits. */
static bool
valid_id(const char *id)
{
	return strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16;
}

static void
handle(void *ctx, const struct fal_route *route, enum fal_method method,
       const struct fal_request *req, struct fal_response *resp)
{
	struct fal_batches *b = ctx;
	struct fal_batch batch;
	enum fal_err rc;

	if (route->kind == FAL_ROUTE_BATCHES) {
		if (method == FAL_METHOD_POST)
			post(b, req, resp);
		else
			list(b, req, resp);
		return;
	}
	if (!valid_id(route->batch)) {
		answer_code(resp, FAL_ERR_BATCH_NOT_FOUND, NULL);
	} else if (route->kind == FAL_ROUTE_BATCH_DEVICES) {
		devices(b, route->batch, req, resp);
	} else if (method == FAL_METHOD_DELETE) {
		rc = b->store->ops->cancel(b->store, route->batch,
					   fal_store_now_ms(), &batch);
		answer_batch(resp, 200, rc, &batch);
	} else {
		rc = b->store->ops->get(b->store, route->batch, &batch);
		answer_batch(resp, 200, rc, &batch);
	}
}

static char *
metrics(void *ctx)
{
	struct fal_batches *b = ctx;
	long pending[FAL_PROVIDER__MAX];
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (f == NULL)
		return NULL;
	fal_batch_stats_render(f, b->store->ops->pending(b->store, pending) ==
				  FAL_OK ? pending : NULL);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

struct fal_batch_routes
fal_batches_routes(struct fal_batches *b)
{
	return (struct fal_batch_routes){
		.handle = handle,
		.metrics = metrics,
		.ctx = b,
	};
}
