/*
 * hawk_discovery.c - where a GRAPE/SRAPS account keeps its things (SPEC
 * §2.3): the id of the provisioning-URL setting (a paginated list), then
 * tokens/{client_id} → company → endpoints.
 *
 * Each step's result is cached for the process, per vendor, once it has
 * succeeded; a failure is never cached, so the next request tries again.
 * The mutex guards only the cache, never a network call: workers that
 * start together may each discover, and all get the same answer.  Every
 * link must stay on base_url's origin before anything signed is sent to it.
 */
#include "hawk_rest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../lib/cache_stats.h"
#include "hawk_json.h"
#include "link_header.h"
#include "rest_url.h"

/* A settings list longer than this many pages is a loop, not an account. */
#define SETTINGS_PAGES_MAX 100

/* Room for a Link header and the URL it carries. */
#define LINK_MAX 8192

/* One vendor's discoveries so far; NULL until known. */
struct found {
	char *uuid;
	char *company;
	char *endpoints;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct found found[FAL_PROVIDER__MAX];

/*
 * Copies the cached *slot into *out.  Returns 1 when it was known, 0 when
 * not, -1 when out of memory.
 */
static int
cache_get(char *const *slot, char **out)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (*slot != NULL)
		rc = (*out = strdup(*slot)) != NULL ? 1 : -1;
	pthread_mutex_unlock(&lock);
	return rc;
}

/* Remembers value in *slot unless another worker was quicker. */
static void
cache_put(char **slot, const char *value)
{
	pthread_mutex_lock(&lock);
	if (*slot == NULL)
		*slot = strdup(value);
	pthread_mutex_unlock(&lock);
	fal_cache_stat_inc(FAL_CACHE_DISCOVERY);
}

void
fal_hawk_cache_reset(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < FAL_PROVIDER__MAX; i++) {
		free(found[i].uuid);
		free(found[i].company);
		free(found[i].endpoints);
	}
	memset(found, 0, sizeof(found));
	pthread_mutex_unlock(&lock);
}

void
fal_hawk_place_free(struct fal_hawk_place *p)
{
	free(p->uuid);
	free(p->endpoints);
	memset(p, 0, sizeof(*p));
}

/* GETs url into resp; anything but 200 is mapped as an error. */
static enum fal_err
get_doc(struct fal_call *call, const char *url, struct fal_http_resp *resp)
{
	enum fal_err rc = fal_hawk_request(call, "GET", url, NULL, resp);

	if (rc == FAL_OK && resp->status != 200)
		rc = fal_hawk_error_map(resp->status, resp->body,
					resp->body_len, call->err);
	return rc;
}

/* Resolves ref found in doc, kept on base_url's origin, into *out. */
static enum fal_err
resolve(struct fal_call *call, const char *doc, const char *ref,
	const char *what, char **out)
{
	enum fal_err rc;

	rc = fal_rest_url_resolve(call->conf->base_url, doc, ref, out);
	if (rc == FAL_ERR_UNKNOWN_RESPONSE)
		return fal_error_set(call->err, rc, "%s link is not a URL on "
				     "base_url's origin", what);
	if (rc != FAL_OK)
		return fal_error_set(call->err, rc, NULL);
	return FAL_OK;
}

/* Follows links.<name> of the document at url into *out. */
static enum fal_err
follow(struct fal_call *call, const char *url, const char *name, char **out)
{
	struct fal_http_resp resp = { 0 };
	char *link = NULL;
	enum fal_err rc;

	*out = NULL;
	if ((rc = get_doc(call, url, &resp)) != FAL_OK)
		goto out;
	rc = fal_hawk_link_read(resp.body, resp.body_len, name, &link);
	if (rc != FAL_OK) {
		fal_error_set(call->err, rc, rc == FAL_ERR_INTERNAL ? NULL :
			      "no links.%s in the vendor's answer", name);
		goto out;
	}
	rc = resolve(call, url, link, name, out);
out:
	free(link);
	fal_http_resp_free(&resp);
	return rc;
}

/*
 * The target of resp's rel="next" link, resolved from url, into *next;
 * *next stays NULL on the last page.
 */
static enum fal_err
next_page(struct fal_call *call, const struct fal_http_resp *resp,
	  const char *url, char **next)
{
	char value[LINK_MAX], target[LINK_MAX];

	*next = NULL;
	if (fal_http_header(resp, "Link", value, sizeof(value)) != 0 ||
	    fal_link_next(value, target, sizeof(target)) != 0)
		return FAL_OK;
	return resolve(call, url, target, "next", next);
}

/* Looks for v's setting in one page; *next is the page after it, if any. */
static enum fal_err
settings_page(struct fal_call *call, const struct fal_hawk_vendor *v,
	      const char *url, char **uuid, char **next)
{
	struct fal_http_resp resp = { 0 };
	enum fal_err rc;

	*next = NULL;
	if ((rc = get_doc(call, url, &resp)) != FAL_OK)
		goto out;
	rc = fal_hawk_settings_find(resp.body, resp.body_len, v->param_name,
				    uuid);
	if (rc != FAL_OK) {
		fal_error_set(call->err, rc, rc == FAL_ERR_INTERNAL ? NULL :
			      "the settings list is not in the expected shape");
		goto out;
	}
	if (*uuid == NULL)
		rc = next_page(call, &resp, url, next);
out:
	fal_http_resp_free(&resp);
	return rc;
}

/* Step 1: the id of v's setting, page after page. */
static enum fal_err
find_setting(struct fal_call *call, const struct fal_hawk_vendor *v,
	     char **uuid)
{
	char *url = fal_rest_base_url(call->conf->base_url,
				      "/settings/?page_size=1000");
	char *next = NULL;
	enum fal_err rc = FAL_ERR_INTERNAL;

	*uuid = NULL;
	if (url == NULL)
		return fal_error_set(call->err, rc, NULL);
	for (int page = 0; page < SETTINGS_PAGES_MAX; page++) {
		rc = settings_page(call, v, url, uuid, &next);
		if (rc != FAL_OK || *uuid != NULL)
			goto out;
		if (next == NULL || strcmp(next, url) == 0)
			break;
		free(url);
		url = next;
		next = NULL;
	}
	rc = fal_error_set(call->err, FAL_ERR_UNKNOWN_RESPONSE,
			   "the account has no %s setting", v->param_name);
out:
	free(next);
	free(url);
	return rc;
}

/* Step 2: the company, from tokens/{client_id}. */
static enum fal_err
find_company(struct fal_call *call, char **company)
{
	char *id = curl_easy_escape(NULL, call->conf->client_id, 0);
	char *url = NULL, *rest = NULL;
	enum fal_err rc;

	*company = NULL;
	if (id == NULL || asprintf(&rest, "/tokens/%s", id) < 0)
		rest = NULL;
	if (rest == NULL || (url = fal_rest_base_url(call->conf->base_url, rest)) == NULL)
		rc = fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	else
		rc = follow(call, url, "company", company);
	curl_free(id);
	free(rest);
	free(url);
	return rc;
}

/* The setting id of v's account, cached or found. */
static enum fal_err
known_uuid(struct fal_call *call, const struct fal_hawk_vendor *v, char **uuid)
{
	enum fal_err rc;

	switch (cache_get(&found[v->id].uuid, uuid)) {
	case 1:
		return FAL_OK;
	case -1:
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	}
	if ((rc = find_setting(call, v, uuid)) == FAL_OK)
		cache_put(&found[v->id].uuid, *uuid);
	return rc;
}

/* Steps 2 and 3: the endpoints URL of v's account, cached or followed. */
static enum fal_err
known_endpoints(struct fal_call *call, const struct fal_hawk_vendor *v,
		char **endpoints)
{
	char *company = NULL;
	enum fal_err rc = FAL_OK;

	switch (cache_get(&found[v->id].endpoints, endpoints)) {
	case 1:
		return FAL_OK;
	case -1:
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	}
	switch (cache_get(&found[v->id].company, &company)) {
	case -1:
		return fal_error_set(call->err, FAL_ERR_INTERNAL, NULL);
	case 0:
		if ((rc = find_company(call, &company)) != FAL_OK)
			goto out;
		cache_put(&found[v->id].company, company);
	}
	if ((rc = follow(call, company, "endpoints", endpoints)) == FAL_OK)
		cache_put(&found[v->id].endpoints, *endpoints);
out:
	free(company);
	return rc;
}

enum fal_err
fal_hawk_discover(struct fal_call *call, const struct fal_hawk_vendor *v,
		  bool want_uuid, struct fal_hawk_place *out)
{
	enum fal_err rc;

	memset(out, 0, sizeof(*out));
	if (want_uuid && (rc = known_uuid(call, v, &out->uuid)) != FAL_OK)
		return rc;
	return known_endpoints(call, v, &out->endpoints);
}
