/*
 * input.c - see input.h.  Rows are checked one by one as they are read
 * (row.c); duplicates are found afterwards by sorting (provider, MAC)
 * keys, so that 100,000 rows cost n log n, not n².
 */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "../lib/json.h"
#include "../lib/utf8.h"
#include "csv.h"
#include "row.h"

/* Sets the invalid_batch message; returns FAL_ERR_INVALID_BATCH. */
static enum fal_err
refuse(struct fal_batch_input *in, const char *msg)
{
	snprintf(in->message, sizeof(in->message), "%s", msg);
	return FAL_ERR_INVALID_BATCH;
}

/* Notes invalid row number row with code. */
static void
note_bad(struct fal_batch_input *in, long row, enum fal_err code)
{
	in->invalid++;
	if (in->n_bad < FAL_BATCH_BAD_MAX)
		in->bad[in->n_bad++] = (struct fal_bad_row){ row, code };
}

/* Checks the next row; FAL_OK unless out of memory or over the limit. */
static enum fal_err
add_row(const struct fal_config *cfg, struct fal_batch_input *in,
	const struct fal_raw_row *raw)
{
	struct fal_batch_row *grown;
	enum fal_err rc;

	if (++in->seen > FAL_BATCH_MAX_DEVICES)
		return FAL_ERR_REQUEST_TOO_LARGE;
	if (in->n == in->cap) {
		size_t cap = in->cap != 0 ? in->cap * 2 : 64;
		if ((grown = realloc(in->rows, cap * sizeof(*grown))) == NULL)
			return FAL_ERR_INTERNAL;
		in->rows = grown;
		in->cap = cap;
	}
	rc = fal_row_check(cfg, in->action, raw, &in->rows[in->n]);
	if (rc == FAL_ERR_INTERNAL)
		return rc;
	if (rc != FAL_OK)
		note_bad(in, in->seen, rc);
	else
		in->rows[in->n++].row = in->seen;
	return FAL_OK;
}

/* A row's identity for duplicates: provider and MAC. */
static unsigned long long
row_key(const struct fal_batch_row *r)
{
	unsigned long long k = (unsigned long long)r->provider;

	for (const char *c = r->mac; *c != '\0'; c++)
		if (*c != '-')
			k = k * 16 + (unsigned)(*c <= '9' ? *c - '0' : *c - 'A' + 10);
	return k;
}

struct key {
	unsigned long long id;
	long row;
};

static int
cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

static int
cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* Merges the sorted duplicate rows dup[n] into in->bad, in row order. */
static void
merge_bad(struct fal_batch_input *in, const long *dup, size_t n)
{
	struct fal_bad_row all[FAL_BATCH_BAD_MAX];
	size_t i = 0, j = 0, k = 0;

	while (k < FAL_BATCH_BAD_MAX && (i < in->n_bad || j < n)) {
		if (j == n || (i < in->n_bad && in->bad[i].row < dup[j]))
			all[k++] = in->bad[i++];
		else
			all[k++] = (struct fal_bad_row){ dup[j++],
							 FAL_ERR_DUPLICATE_DEVICE };
	}
	memcpy(in->bad, all, k * sizeof(*all));
	in->n_bad = k;
}

/* Marks every repeat of a (provider, MAC) pair as duplicate_device. */
static enum fal_err
find_duplicates(struct fal_batch_input *in)
{
	struct key *keys;
	long *dup;
	size_t i, n = 0;

	if (in->n < 2)
		return FAL_OK;
	keys = malloc(in->n * sizeof(*keys));
	dup = malloc(in->n * sizeof(*dup));
	if (keys == NULL || dup == NULL) {
		free(keys);
		free(dup);
		return FAL_ERR_INTERNAL;
	}
	for (i = 0; i < in->n; i++)
		keys[i] = (struct key){ row_key(&in->rows[i]), in->rows[i].row };
	qsort(keys, in->n, sizeof(*keys), cmp_key);
	for (i = 1; i < in->n; i++)
		if (keys[i].id == keys[i - 1].id)
			dup[n++] = keys[i].row;
	qsort(dup, n, sizeof(*dup), cmp_long);
	merge_bad(in, dup, n);
	in->invalid += (long)n;
	free(keys);
	free(dup);
	return FAL_OK;
}

/* A JSON member as a string: *s, or *bad when present and not a string. */
static void
json_str(const cJSON *obj, const char *name, const char **s, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*s = cJSON_IsString(v) ? v->valuestring : NULL;
	if (bad != NULL)
		*bad = v != NULL && !cJSON_IsString(v);
}

/* The devices of a JSON body, each an object. */
static enum fal_err
json_rows(const struct fal_config *cfg, const cJSON *devices,
	  struct fal_batch_input *in)
{
	const cJSON *d;
	enum fal_err rc;
	char msg[64];

	if (cJSON_GetArraySize(devices) > FAL_BATCH_MAX_DEVICES)
		return FAL_ERR_REQUEST_TOO_LARGE;
	cJSON_ArrayForEach(d, devices) {
		struct fal_raw_row raw = { 0 };
		if (!cJSON_IsObject(d)) {
			snprintf(msg, sizeof(msg), "device %ld is not an object",
				 in->seen + 1);
			return refuse(in, msg);
		}
		json_str(d, "provider", &raw.provider, NULL);
		json_str(d, "mac", &raw.mac, &raw.mac_bad);
		json_str(d, "url", &raw.url, NULL);
		json_str(d, "sn", &raw.sn, &raw.sn_bad);
		json_str(d, "crc", &raw.crc, &raw.crc_bad);
		if ((rc = add_row(cfg, in, &raw)) != FAL_OK)
			return rc;
	}
	return FAL_OK;
}

/* Sets in->action from its wire name (NULL: register). */
static enum fal_err
set_action(struct fal_batch_input *in, const char *name)
{
	in->action = name != NULL ? fal_batch_action_parse(name)
				  : FAL_BATCH_REGISTER;
	if (in->action == FAL_BATCH_ACTION__MAX)
		return refuse(in, "action must be register, deregister or check");
	return FAL_OK;
}

static enum fal_err
parse_json(const struct fal_config *cfg, const char *data, size_t len,
	   struct fal_batch_input *in)
{
	const cJSON *action, *devices;
	enum fal_err rc;
	cJSON *root;
	int oom;

	if ((root = fal_json_parse(data, len, &oom)) == NULL)
		return oom ? FAL_ERR_INTERNAL : refuse(in, "the body is not JSON");
	action = cJSON_GetObjectItemCaseSensitive(root, "action");
	devices = cJSON_GetObjectItemCaseSensitive(root, "devices");
	if (!cJSON_IsObject(root))
		rc = refuse(in, "the body must be a JSON object");
	else if (action != NULL && !cJSON_IsString(action))
		rc = refuse(in, "action must be a string");
	else if ((rc = set_action(in, action != NULL ? action->valuestring
						    : NULL)) != FAL_OK)
		;
	else if (!cJSON_IsArray(devices))
		rc = refuse(in, "devices must be an array of objects");
	else
		rc = json_rows(cfg, devices, in);
	cJSON_Delete(root);
	return rc;
}

/* The CSV columns, by name; index into struct csv_ctx's col[]. */
enum { COL_PROVIDER, COL_MAC, COL_URL, COL_SN, COL_CRC, COL__MAX };
static const char *const col_names[COL__MAX] = {
	"provider", "mac", "url", "sn", "crc"
};

struct csv_ctx {
	const struct fal_config *cfg;
	struct fal_batch_input *in;
	int col[COL__MAX];     /* field index of each column, -1 if absent */
	size_t n_cols;         /* 0 until the header is read */
};

/* Reads the header line: known columns, each once, provider and mac. */
static enum fal_err
csv_header(struct csv_ctx *c, char *const *fields, size_t n)
{
	char msg[160];
	size_t i;
	int k;

	for (k = 0; k < COL__MAX; k++)
		c->col[k] = -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < COL__MAX; k++)
			if (strcasecmp(fields[i], col_names[k]) == 0)
				break;
		if (k == COL__MAX || c->col[k] >= 0) {
			snprintf(msg, sizeof(msg), "%s column \"%.60s\" in the "
				 "header line (expected provider, mac, url, sn, crc)",
				 k == COL__MAX ? "unknown" : "repeated", fields[i]);
			return refuse(c->in, msg);
		}
		c->col[k] = (int)i;
	}
	if (c->col[COL_PROVIDER] < 0 || c->col[COL_MAC] < 0)
		return refuse(c->in, "the header line must name the provider "
			      "and mac columns");
	c->n_cols = n;
	return FAL_OK;
}

/* A field of the record, NULL when the column is absent or the field empty. */
static const char *
field(const struct csv_ctx *c, char *const *fields, int k)
{
	int i = c->col[k];

	return i >= 0 && fields[i][0] != '\0' ? fields[i] : NULL;
}

static enum fal_err
csv_record(void *ctx, char *const *fields, size_t n)
{
	struct csv_ctx *c = ctx;
	struct fal_raw_row raw = { 0 };
	char msg[128];

	if (c->n_cols == 0)
		return csv_header(c, fields, n);
	if (n != c->n_cols) {
		snprintf(msg, sizeof(msg), "row %ld has %zu fields, the header "
			 "line %zu", c->in->seen + 1, n, c->n_cols);
		return refuse(c->in, msg);
	}
	raw.provider = field(c, fields, COL_PROVIDER);
	raw.mac = field(c, fields, COL_MAC);
	raw.url = field(c, fields, COL_URL);
	raw.sn = field(c, fields, COL_SN);
	raw.crc = field(c, fields, COL_CRC);
	return add_row(c->cfg, c->in, &raw);
}

static enum fal_err
parse_csv(const struct fal_config *cfg, const char *action_name,
	  const char *data, size_t len, struct fal_batch_input *in)
{
	struct csv_ctx c = { .cfg = cfg, .in = in };
	enum fal_err rc;
	char msg[sizeof(in->message)];

	if ((rc = set_action(in, action_name)) != FAL_OK)
		return rc;
	rc = fal_csv_parse(data, len, csv_record, &c, msg, sizeof(msg));
	if (rc == FAL_ERR_INVALID_BATCH && msg[0] != '\0')
		return refuse(in, msg);
	if (rc == FAL_OK && c.n_cols == 0)
		return refuse(in, "the CSV body has no header line");
	return rc;
}

enum fal_err
fal_batch_input_parse(const struct fal_config *cfg,
		      enum fal_batch_format format, const char *action_name,
		      const char *data, size_t len,
		      struct fal_batch_input *in)
{
	enum fal_err rc;

	memset(in, 0, sizeof(*in));
	if (!fal_utf8_valid(data, len))
		return refuse(in, "the body is not UTF-8");
	if (memchr(data, '\0', len) != NULL)
		return refuse(in, "the body holds a NUL byte");
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 &&
	    format == FAL_BATCH_JSON) {
		data += 3;
		len -= 3;
	}
	rc = format == FAL_BATCH_JSON ? parse_json(cfg, data, len, in)
				      : parse_csv(cfg, action_name, data, len, in);
	if (rc == FAL_OK && in->seen == 0)
		return refuse(in, "the batch names no device");
	if (rc == FAL_OK && (rc = find_duplicates(in)) != FAL_OK)
		return rc;
	if (rc == FAL_OK && in->invalid > 0)
		return FAL_ERR_INVALID_BATCH;
	return rc;
}

void
fal_batch_input_free(struct fal_batch_input *in)
{
	for (size_t i = 0; i < in->n; i++)
		fal_row_free(&in->rows[i]);
	free(in->rows);
	in->rows = NULL;
	in->n = in->cap = 0;
}
