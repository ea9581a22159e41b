/* hawk_json.c - see hawk_json.h. */
#include "hawk_json.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "refusal.h"
#include "rest_text.h"

/* Texts match anywhere, ignoring case (SPEC §2.3). */
static const struct fal_refusal hawk_refusals[] = {
	{ FAL_MATCH_CONTAINS, "taken_mac_or_forbidden", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};

/* The fields an error answer may carry its text in, in order. */
static const char *const text_fields[] = { "message", "error", "detail" };

char *
fal_hawk_endpoint_body(const char *mac12, const char *uuid, const char *url)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *manager, *setting, *attrs;
	char *s = NULL;

	if (cJSON_AddStringToObject(o, "mac", mac12) == NULL ||
	    cJSON_AddTrueToObject(o, "autoprovisioning_enabled") == NULL ||
	    (manager = cJSON_AddObjectToObject(o, "settings_manager")) == NULL ||
	    (setting = cJSON_AddObjectToObject(manager, uuid)) == NULL ||
	    cJSON_AddStringToObject(setting, "value", url) == NULL ||
	    (attrs = cJSON_AddObjectToObject(setting, "attrs")) == NULL ||
	    cJSON_AddStringToObject(attrs, "perm", "RW") == NULL)
		goto out;
	s = cJSON_PrintUnformatted(o);
out:
	cJSON_Delete(o);
	return s;
}

/* *out = strdup(s): FAL_OK or FAL_ERR_INTERNAL. */
static enum fal_err
dup_into(const char *s, char **out)
{
	*out = strdup(s);
	return *out != NULL ? FAL_OK : FAL_ERR_INTERNAL;
}

enum fal_err
fal_hawk_settings_find(const char *body, size_t len, const char *param_name,
		       char **uuid)
{
	cJSON *page = fal_rest_json_parse(body, len);
	const cJSON *item;
	enum fal_err rc = FAL_OK;

	*uuid = NULL;
	if (!cJSON_IsArray(page)) {
		rc = FAL_ERR_UNKNOWN_RESPONSE;
		goto out;
	}
	cJSON_ArrayForEach(item, page) {
		const char *name = fal_rest_json_string(item, "param_name");
		const char *id = fal_rest_json_string(item, "uuid");

		if (name == NULL || strcmp(name, param_name) != 0)
			continue;
		rc = id != NULL && *id != '\0' ? dup_into(id, uuid) :
		    FAL_ERR_UNKNOWN_RESPONSE;
		break;
	}
out:
	cJSON_Delete(page);
	return rc;
}

enum fal_err
fal_hawk_link_read(const char *body, size_t len, const char *name,
		   char **link)
{
	cJSON *doc = fal_rest_json_parse(body, len);
	const char *s;
	enum fal_err rc;

	*link = NULL;
	s = fal_rest_json_string(cJSON_GetObjectItemCaseSensitive(doc, "links"),
				 name);
	rc = s != NULL && *s != '\0' ? dup_into(s, link) :
	    FAL_ERR_UNKNOWN_RESPONSE;
	cJSON_Delete(doc);
	return rc;
}

/* The text of an error answer into out: a JSON text field, else the body. */
static void
error_text(const char *body, size_t len, char *out, size_t outlen)
{
	cJSON *json = fal_rest_json_parse(body, len);
	const char *s = NULL;

	for (size_t i = 0; s == NULL && i < sizeof(text_fields) /
	     sizeof(text_fields[0]); i++)
		if ((s = fal_rest_json_string(json, text_fields[i])) != NULL &&
		    *s == '\0')
			s = NULL;
	if (s != NULL)
		fal_rest_text_copy(out, outlen, s, strlen(s));
	else
		fal_rest_text_copy(out, outlen, body, body != NULL ? len : 0);
	cJSON_Delete(json);
}

enum fal_err
fal_hawk_error_map(long status, const char *body, size_t len,
		   struct fal_error *err)
{
	char text[FAL_ERROR_MESSAGE_MAX];

	if (status < 400)
		return fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				     "vendor answered HTTP %ld", status);
	error_text(body, len, text, sizeof(text));
	if (text[0] == '\0')
		return fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				     "vendor answered HTTP %ld", status);
	/* A predicate the refusal table cannot say: both words, anywhere. */
	if (strcasestr(text, "permission") != NULL &&
	    strcasestr(text, "endpoint") != NULL)
		return fal_error_set(err, FAL_ERR_DEVICE_OWNED, "%s", text);
	return fal_refusal_map(hawk_refusals, text, err);
}

/*
 * settings_manager.<uuid>.value of an endpoint document into *url (NULL
 * when absent or empty); 0, or -1 (out of memory).
 */
static int
setting_value(const cJSON *endpoint, const char *uuid, char **url)
{
	const cJSON *manager, *setting;

	manager = cJSON_GetObjectItemCaseSensitive(endpoint, "settings_manager");
	setting = cJSON_GetObjectItemCaseSensitive(manager, uuid);
	return fal_rest_json_url(setting, "value", url);
}

enum fal_err
fal_hawk_lookup_read(long status, const char *body, size_t len,
		     const char *uuid, enum fal_lookup_state *state,
		     char **url, struct fal_error *err)
{
	enum fal_err rc;
	cJSON *json;

	*url = NULL;
	if (status == 404) {
		*state = FAL_LOOKUP_NOT_REGISTERED;
		return FAL_OK;
	}
	if (status != 200) {
		rc = fal_hawk_error_map(status, body, len, err);
		if (rc != FAL_ERR_DEVICE_OWNED)
			return rc;
		fal_error_clear(err);
		*state = FAL_LOOKUP_ELSEWHERE;
		return FAL_OK;
	}
	json = fal_rest_json_parse(body, len);
	if (!cJSON_IsObject(json))
		rc = fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
				   "vendor's endpoint is not a JSON object");
	else if (setting_value(json, uuid, url) != 0)
		rc = fal_error_set(err, FAL_ERR_INTERNAL, NULL);
	else
		rc = FAL_OK;
	cJSON_Delete(json);
	if (rc == FAL_OK)
		*state = FAL_LOOKUP_REGISTERED;
	return rc;
}
