/*
 * fuzz_grape.c - reading the GRAPE/SRAPS answers (SPEC §2.3) with the pure
 * functions of providers/hawk_json.h and link_header.h: a page of
 * settings, the links of a discovery document, an error answer, a Link
 * header, a lookup's answer (SPEC §2.4); and the endpoint body built from
 * untrusted text.
 *
 * Input: one byte picking the HTTP status, then the answer body (also
 * read as a Link header value).  For the endpoint body, the body up to its
 * first NUL is the setting's uuid and the rest the URL.
 *
 * Checked: each reader ends in an outcome its header allows; what it
 * hands back is a non-empty C string; an error message is valid UTF-8 (it
 * becomes our JSON answer's "message"); a Link target fits its buffer;
 * the endpoint body is JSON holding exactly the values given.
 */
#include <cjson/cJSON.h>

#include "../../lib/err.h"
#include "../../providers/hawk_json.h"
#include "../../providers/link_header.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

static const long gr_statuses[] = {
	200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 500, 503, 0, 999
};

static void
gr_settings(const char *body, size_t len)
{
	char *uuid = NULL;
	enum fal_err rc;

	rc = fal_hawk_settings_find(body, len, "ProvisioningServer", &uuid);
	FUZZ_CHECK(rc == FAL_OK || rc == FAL_ERR_UNKNOWN_RESPONSE);
	if (rc != FAL_OK)
		FUZZ_CHECK(uuid == NULL);
	if (uuid != NULL)
		FUZZ_CHECK(uuid[0] != '\0');
	free(uuid);
}

static void
gr_links(const char *body, size_t len)
{
	static const char *const names[] = { "company", "endpoints" };

	for (size_t i = 0; i < 2; i++) {
		char *link = NULL;
		enum fal_err rc = fal_hawk_link_read(body, len, names[i], &link);

		FUZZ_CHECK(rc == FAL_OK || rc == FAL_ERR_UNKNOWN_RESPONSE);
		FUZZ_CHECK((rc == FAL_OK) == (link != NULL));
		if (link != NULL)
			FUZZ_CHECK(link[0] != '\0');
		free(link);
	}
}

static void
gr_error(long status, const char *body, size_t len)
{
	struct fal_error err;
	enum fal_err rc;

	fal_error_clear(&err);
	rc = fal_hawk_error_map(status, body, len, &err);
	FUZZ_CHECK(rc == FAL_ERR_REMOTE_CALL_FAILED ||
		   rc == FAL_ERR_DEVICE_OWNED ||
		   rc == FAL_ERR_UNKNOWN_PROVIDER_ERROR);
	FUZZ_CHECK(status >= 400 || rc == FAL_ERR_REMOTE_CALL_FAILED);
	FUZZ_CHECK(err.code == rc);
	FUZZ_CHECK(memchr(err.message, '\0', sizeof(err.message)) != NULL);
	FUZZ_CHECK(fuzz_utf8_valid(err.message, strlen(err.message)));
}

/* A lookup's answer: a state, a URL only when registered, valid UTF-8. */
static void
gr_lookup(long status, const char *body, size_t len)
{
	enum fal_lookup_state st = FAL_LOOKUP_ELSEWHERE + 1;
	struct fal_error err;
	char *url = NULL;
	enum fal_err rc;

	fal_error_clear(&err);
	rc = fal_hawk_lookup_read(status, body, len, "u-1", &st, &url, &err);
	if (rc != FAL_OK) {
		FUZZ_CHECK(url == NULL && err.code == rc);
		FUZZ_CHECK(fuzz_utf8_valid(err.message, strlen(err.message)));
		return;
	}
	FUZZ_CHECK(st <= FAL_LOOKUP_ELSEWHERE);
	FUZZ_CHECK(url == NULL || (st == FAL_LOOKUP_REGISTERED &&
		   url[0] != '\0' && fuzz_utf8_valid(url, strlen(url))));
	FUZZ_CHECK(status == 200 || status == 404 || st == FAL_LOOKUP_ELSEWHERE);
	free(url);
}

static void
gr_link_header(const char *value)
{
	char out[64];

	memset(out, 'x', sizeof(out));
	if (fal_link_next(value, out, sizeof(out)) == 0)
		FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
}

/* The endpoint body holds mac, true, and uuid -> {value: url, RW}, only. */
static void
gr_endpoint(const char *uuid, const char *url)
{
	char *s = fal_hawk_endpoint_body("acde48234567", uuid, url);
	const cJSON *sm, *entry, *value, *perm;
	cJSON *root;

	FUZZ_CHECK(s != NULL);
	root = cJSON_Parse(s);
	FUZZ_CHECK(cJSON_IsObject(root) && cJSON_GetArraySize(root) == 3);
	FUZZ_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root,
		   "autoprovisioning_enabled")));
	sm = cJSON_GetObjectItemCaseSensitive(root, "settings_manager");
	FUZZ_CHECK(cJSON_IsObject(sm) && cJSON_GetArraySize(sm) == 1);
	entry = sm->child;
	FUZZ_CHECK(entry != NULL && strcmp(entry->string, uuid) == 0);
	value = cJSON_GetObjectItemCaseSensitive(entry, "value");
	FUZZ_CHECK(cJSON_IsString(value) && strcmp(value->valuestring, url) == 0);
	perm = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(entry, "attrs"), "perm");
	FUZZ_CHECK(cJSON_IsString(perm) && strcmp(perm->valuestring, "RW") == 0);
	cJSON_Delete(root);
	free(s);
}

int
fuzz_grape(const uint8_t *data, size_t size)
{
	const size_t nstat = sizeof(gr_statuses) / sizeof(gr_statuses[0]);
	struct fuzz_fields ff;
	const char *body;
	size_t len;
	long status;

	if (size < 1)
		return 0;
	status = gr_statuses[data[0] % nstat];
	body = (const char *)data + 1;
	len = size - 1;
	gr_settings(body, len);
	gr_links(body, len);
	gr_error(status, body, len);
	gr_lookup(status, body, len);
	if (fuzz_split(data + 1, size - 1, 2, &ff) != 0)
		return 0;
	gr_link_header(ff.f[0]);
	gr_endpoint(ff.f[0], ff.n > 1 ? ff.f[1] : "");
	fuzz_fields_free(&ff);
	return 0;
}

FUZZ_TARGET(fuzz_grape)
