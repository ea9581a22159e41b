/* body.c - see body.h. */
#include "body.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/check.h"
#include "../lib/json.h"

/*
 * Fills out->sn and out->sn_err from the "sn" member of root.  Returns
 * FAL_OK or FAL_ERR_INTERNAL.
 */
static enum fal_err
read_sn(const cJSON *root, struct fal_body *out)
{
	const cJSON *sn = cJSON_GetObjectItemCaseSensitive(root, "sn");

	if (sn == NULL)
		return FAL_OK;
	if (!cJSON_IsString(sn) || fal_sn_check(sn->valuestring) != FAL_OK) {
		out->sn_err = FAL_ERR_MALFORMED_SERIAL;
		return FAL_OK;
	}
	if ((out->sn = strdup(sn->valuestring)) == NULL)
		return FAL_ERR_INTERNAL;
	return FAL_OK;
}

enum fal_err
fal_body_parse(const char *data, size_t len, struct fal_body *out)
{
	const cJSON *url;
	cJSON *root;
	enum fal_err rc = FAL_ERR_MISSING_URL;
	int oom;

	memset(out, 0, sizeof(*out));
	out->sn_err = FAL_OK;
	if (data == NULL || len == 0)
		return FAL_ERR_MISSING_URL;
	if ((root = fal_json_parse(data, len, &oom)) == NULL)
		return oom ? FAL_ERR_INTERNAL : FAL_ERR_MISSING_URL;

	if (!cJSON_IsObject(root))
		goto out;
	url = cJSON_GetObjectItemCaseSensitive(root, "url");
	if (!cJSON_IsString(url) || url->valuestring[0] == '\0')
		goto out;
	rc = FAL_ERR_INTERNAL;
	if ((out->url = strdup(url->valuestring)) == NULL)
		goto out;
	rc = read_sn(root, out);
out:
	cJSON_Delete(root);
	if (rc != FAL_OK)
		fal_body_free(out);
	return rc;
}

void
fal_body_free(struct fal_body *body)
{
	if (body == NULL)
		return;
	free(body->url);
	free(body->sn);
	body->url = body->sn = NULL;
	body->sn_err = FAL_OK;
}
