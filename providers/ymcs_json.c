/* ymcs_json.c - see ymcs_json.h. */
#include "ymcs_json.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "refusal.h"
#include "rest_text.h"

/* The account may not use addDevicesByMac (SPEC §2.2). */
#define YMCS_CODE_FORBIDDEN_CALL "900403"

/* Codes match as written; texts anywhere, ignoring case (SPEC §1.1). */
static const struct fal_refusal ymcs_refusals[] = {
	{ FAL_MATCH_EXACT, "800001", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_EXACT, "800003", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, "800004", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_CONTAINS, "device.mac.invalid", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_CONTAINS, "device already managed", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_CONTAINS, "resource already exists", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};

/* What an error payload says: its code (as text) and its words. */
struct ymcs_words {
	char code[32];
	char text[FAL_ERROR_MESSAGE_MAX];
};

/*
 * The request body: json printed compactly when it was built whole, NULL
 * otherwise (out of memory); json is freed either way.
 */
static char *
print_free(cJSON *json, bool built)
{
	char *s = built && json != NULL ? cJSON_PrintUnformatted(json) : NULL;

	cJSON_Delete(json);
	return s;
}

/* Adds name: ["item"] to o; whether it could. */
static bool
add_string_array(cJSON *o, const char *name, const char *item)
{
	const char *items[] = { item };
	cJSON *a = cJSON_CreateStringArray(items, 1);

	if (a != NULL && cJSON_AddItemToObject(o, name, a))
		return true;
	cJSON_Delete(a);
	return false;
}

char *
fal_ymcs_token_body(void)
{
	cJSON *o = cJSON_CreateObject();

	return print_free(o, cJSON_AddStringToObject(o, "grant_type",
						     "client_credentials"));
}

char *
fal_ymcs_del_body(const char *mac12)
{
	cJSON *o = cJSON_CreateObject();

	return print_free(o, cJSON_AddStringToObject(o, "deviceIdType", "mac") &&
			     add_string_array(o, "deviceIds", mac12));
}

char *
fal_ymcs_add_body(const char *mac12, const char *url)
{
	cJSON *list = cJSON_CreateArray();
	cJSON *o = cJSON_CreateObject();
	bool built = cJSON_AddStringToObject(o, "mac", mac12) &&
		     cJSON_AddStringToObject(o, "uniqueServerUrl", url) &&
		     cJSON_AddItemToArray(list, o);

	if (!built)  /* o is not in list */
		cJSON_Delete(o);
	return print_free(list, built);
}

char *
fal_ymcs_device_body(const char *mac12, const char *sn, const char *url)
{
	cJSON *o = cJSON_CreateObject();

	return print_free(o, cJSON_AddStringToObject(o, "mac", mac12) &&
			     cJSON_AddStringToObject(o, "sn", sn) &&
			     cJSON_AddStringToObject(o, "uniqueServerUrl", url));
}

char *
fal_ymcs_pins_body(const char *mac12)
{
	cJSON *o = cJSON_CreateObject();

	return print_free(o, add_string_array(o, "macs", mac12));
}

char *
fal_ymcs_list_body(const char *mac12)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *filter = cJSON_CreateObject();
	bool built = cJSON_AddNumberToObject(o, "skip", 0) &&
		     cJSON_AddNumberToObject(o, "limit", 1) &&
		     cJSON_AddFalseToObject(o, "autoCount") &&
		     cJSON_AddStringToObject(filter, "mac", mac12) &&
		     cJSON_AddItemToObject(o, "filter", filter);

	if (!built)  /* filter is not in o */
		cJSON_Delete(filter);
	return print_free(o, built);
}

/* Whether s is a non-empty run of printable ASCII without blanks. */
static int
printable_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Whether v is a number without fraction that a long long holds. */
static int
integral(const cJSON *v)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble > -1e15 && v->valuedouble < 1e15))
		return 0;
	return (double)(long long)v->valuedouble == v->valuedouble;
}

/* Fills w from an error object: code (string or integer), message or error. */
static void
words_from(const cJSON *o, struct ymcs_words *w)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(o, "code");
	const char *text = fal_rest_json_string(o, "message");

	memset(w, 0, sizeof(*w));
	if (cJSON_IsString(code))
		fal_rest_text_copy(w->code, sizeof(w->code), code->valuestring,
				   strlen(code->valuestring));
	else if (integral(code))
		snprintf(w->code, sizeof(w->code), "%lld",
			 (long long)code->valuedouble);
	if (text == NULL || *text == '\0')
		text = fal_rest_json_string(o, "error");
	if (text != NULL)
		fal_rest_text_copy(w->text, sizeof(w->text), text, strlen(text));
}

/* The refusal w names (its code first), or NULL. */
static const struct fal_refusal *
words_refusal(const struct ymcs_words *w)
{
	const struct fal_refusal *r = NULL;

	if (w->code[0] != '\0')
		r = fal_refusal_find(ymcs_refusals, w->code);
	if (r == NULL && w->text[0] != '\0')
		r = fal_refusal_find(ymcs_refusals, w->text);
	return r;
}

/* Maps w: a known refusal, else unknown_provider_error with the words. */
static enum fal_err
words_map(const struct ymcs_words *w, struct fal_error *err)
{
	const struct fal_refusal *r = words_refusal(w);
	enum fal_err code = r != NULL ? r->code : FAL_ERR_UNKNOWN_PROVIDER_ERROR;

	if (w->text[0] != '\0')
		return fal_error_set(err, code, "%s", w->text);
	return fal_error_set(err, code, "YMCS error code %s", w->code);
}

/* Maps an error answer's words; with none, the HTTP status is all. */
static enum fal_err
error_words_map(long status, const struct ymcs_words *w,
		struct fal_error *err)
{
	if (w->code[0] == '\0' && w->text[0] == '\0')
		return fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				     "YMCS answered HTTP %ld", status);
	return words_map(w, err);
}

enum fal_err
fal_ymcs_error_map(long status, const char *body, size_t len,
		   struct fal_error *err)
{
	struct ymcs_words w = { 0 };
	cJSON *json = fal_rest_json_parse(body, len);

	if (cJSON_IsObject(json))
		words_from(json, &w);
	cJSON_Delete(json);
	return error_words_map(status, &w, err);
}

enum fal_err
fal_ymcs_token_read(long status, const char *body, size_t len, char **token,
		    long long *expires_in, struct fal_error *err)
{
	cJSON *json, *exp;
	const char *tok;
	enum fal_err rc;

	*token = NULL;
	if (status != 200)
		return fal_ymcs_error_map(status, body, len, err);
	json = fal_rest_json_parse(body, len);
	tok = fal_rest_json_string(json, "access_token");
	exp = cJSON_GetObjectItemCaseSensitive(json, "expires_in");
	if (!cJSON_IsObject(json) || !printable_token(tok) ||
	    !cJSON_IsNumber(exp) || !(exp->valuedouble >= 1)) {
		rc = fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
				   "YMCS token answer without a usable "
				   "access_token and expires_in");
		goto out;
	}
	*expires_in = exp->valuedouble > 1e9 ? 1000000000LL :
	    (long long)exp->valuedouble;
	*token = strdup(tok);
	rc = *token != NULL ? FAL_OK : fal_error_set(err, FAL_ERR_INTERNAL, NULL);
out:
	cJSON_Delete(json);
	return rc;
}

/*
 * The words of the first error of an add/delete answer: errorInfo as a
 * string, or as an error object.  Returns 0, or -1 when there is none.
 */
static int
first_error(const cJSON *answer, struct ymcs_words *w)
{
	const cJSON *errors = cJSON_GetObjectItemCaseSensitive(answer, "errors");
	const cJSON *info;

	memset(w, 0, sizeof(*w));
	if (!cJSON_IsArray(errors))
		return -1;
	info = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0),
						"errorInfo");
	if (cJSON_IsString(info))
		fal_rest_text_copy(w->text, sizeof(w->text), info->valuestring,
				   strlen(info->valuestring));
	else if (cJSON_IsObject(info))
		words_from(info, w);
	return w->text[0] != '\0' || w->code[0] != '\0' ? 0 : -1;
}

/* Reads a 2xx add answer {"total","successCount","failureCount","errors"}. */
static enum fal_err
add_answer(const cJSON *json, struct fal_error *err)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(json, "successCount");
	const cJSON *ko = cJSON_GetObjectItemCaseSensitive(json, "failureCount");
	struct ymcs_words w;

	if (!cJSON_IsObject(json) || !cJSON_IsNumber(ok) || !cJSON_IsNumber(ko))
		return fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
				     "YMCS answer without successCount and "
				     "failureCount");
	if (ko->valuedouble > 0) {
		if (first_error(json, &w) != 0)
			return fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
					     "YMCS reported a failure without "
					     "errors[0].errorInfo");
		return words_map(&w, err);
	}
	if (!(ok->valuedouble > 0))
		return fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				     "YMCS added no device");
	return FAL_OK;
}

/* Whether status is a success. */
static int
is_2xx(long status)
{
	return status >= 200 && status <= 299;
}

enum fal_err
fal_ymcs_add_read(long status, const char *body, size_t len,
		  struct fal_error *err)
{
	struct ymcs_words w = { 0 };
	cJSON *json = fal_rest_json_parse(body, len);
	char brief[160];
	enum fal_err rc;

	if (is_2xx(status)) {
		rc = add_answer(json, err);
		goto out;
	}
	if (cJSON_IsObject(json))
		words_from(json, &w);
	if (strcmp(w.code, YMCS_CODE_FORBIDDEN_CALL) != 0) {
		rc = error_words_map(status, &w, err);
		goto out;
	}
	/* Short enough that the whole message fits, uncut. */
	fal_rest_text_copy(brief, sizeof(brief), w.text, strlen(w.text));
	rc = fal_error_set(err, FAL_ERR_UNKNOWN_PROVIDER_ERROR,
			   "YMCS does not let this account register devices by "
			   "MAC only (code 900403: %s); send the device serial "
			   "number as \"sn\", or ask Yealink to enable MAC-only "
			   "registration", brief[0] != '\0' ? brief : "forbidden");
out:
	cJSON_Delete(json);
	return rc;
}

enum fal_err
fal_ymcs_device_read(long status, const char *body, size_t len,
		     struct fal_error *err)
{
	cJSON *json;
	int object;

	if (status != 200 && status != 201)
		return is_2xx(status) ?
		    fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				  "YMCS answered HTTP %ld", status) :
		    fal_ymcs_error_map(status, body, len, err);
	json = fal_rest_json_parse(body, len);
	object = cJSON_IsObject(json);
	cJSON_Delete(json);
	if (!object)
		return fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
				     "YMCS did not answer with the created device");
	return FAL_OK;
}

enum fal_err
fal_ymcs_del_read(long status, const char *body, size_t len,
		  struct fal_error *err)
{
	struct ymcs_words w;
	const cJSON *ko;
	cJSON *json;
	enum fal_err rc = FAL_OK;

	if (status == 404)
		return FAL_OK;
	if (!is_2xx(status))
		return fal_ymcs_error_map(status, body, len, err);
	json = fal_rest_json_parse(body, len);
	ko = cJSON_GetObjectItemCaseSensitive(json, "failureCount");
	if (cJSON_IsNumber(ko) && ko->valuedouble > 0 &&
	    first_error(json, &w) == 0 && words_refusal(&w) != NULL)
		rc = words_map(&w, err);
	cJSON_Delete(json);
	return rc;
}

/* Whether text names mac12, in any case, with or without separators. */
static int
same_mac(const char *text, const char *mac12)
{
	size_t n = 0;

	for (; *text != '\0'; text++) {
		if (*text == '-' || *text == ':')
			continue;
		if (n == 12 || tolower((unsigned char)*text) != mac12[n])
			return 0;
		n++;
	}
	return n == 12;
}

int
fal_ymcs_pin_read(long status, const char *body, size_t len,
		  const char *mac12, char *pin, size_t pinlen)
{
	const cJSON *item;
	cJSON *json;
	int rc = -1;

	if (status != 200)
		return -1;
	json = fal_rest_json_parse(body, len);
	if (!cJSON_IsArray(json))
		goto out;
	cJSON_ArrayForEach(item, json) {
		const char *mac = fal_rest_json_string(item, "mac");
		const char *p = fal_rest_json_string(item, "pin");

		if (mac == NULL || !same_mac(mac, mac12))
			continue;
		if (printable_token(p) && strlen(p) < pinlen) {
			memcpy(pin, p, strlen(p) + 1);
			rc = 0;
		}
		break;
	}
out:
	cJSON_Delete(json);
	return rc;
}

/*
 * The URL a listed device points to: uniqueServerUrl, else serverUrl (a
 * missing, null or empty one does not count).  0, or -1 (out of memory).
 */
static int
listed_url(const cJSON *device, char **url)
{
	if (fal_rest_json_url(device, "uniqueServerUrl", url) != 0)
		return -1;
	return *url != NULL ? 0 : fal_rest_json_url(device, "serverUrl", url);
}

enum fal_err
fal_ymcs_list_read(long status, const char *body, size_t len,
		   const char *mac12, enum fal_lookup_state *state,
		   char **url, struct fal_error *err)
{
	const cJSON *data, *item;
	enum fal_err rc = FAL_OK;
	cJSON *json;

	*url = NULL;
	if (!is_2xx(status))
		return fal_ymcs_error_map(status, body, len, err);
	json = fal_rest_json_parse(body, len);
	data = cJSON_GetObjectItemCaseSensitive(json, "data");
	if (!cJSON_IsObject(json) || !cJSON_IsArray(data)) {
		rc = fal_error_set(err, FAL_ERR_UNKNOWN_RESPONSE,
				   "YMCS device list without a data array");
		goto out;
	}
	*state = FAL_LOOKUP_NOT_REGISTERED;
	cJSON_ArrayForEach(item, data) {
		const char *mac = fal_rest_json_string(item, "mac");

		if (mac == NULL || !same_mac(mac, mac12))
			continue;
		*state = FAL_LOOKUP_REGISTERED;
		if (listed_url(item, url) != 0)
			rc = fal_error_set(err, FAL_ERR_INTERNAL, NULL);
		break;
	}
out:
	cJSON_Delete(json);
	return rc;
}
