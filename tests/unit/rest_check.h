/*
 * rest_check.h - what the REST provider tests share: a call environment
 * over the scripted transport, and checks of recorded requests (JSON
 * bodies are parsed back and compared as values, never as text).
 *
 * Built into the tests' archive (libfaltest.a) with the scripted
 * transport, and linked into every test like it.
 */
#ifndef REST_CHECK_H
#define REST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "../../lib/url.h"
#include "../../providers/table.h"
#include "fake_http.h"

/* One provider call: configuration, device, outcome. */
struct rest_env {
	struct fal_provider_conf conf;
	struct fal_error err;
	struct fal_outcome out;
	struct fal_call call;
	struct fal_device dev;
	char vendor_url[FAL_URL_MAX + 1];  /* dev.url, as the API makes it */
	char base_url[256];
	char client_id[64];
	char client_secret[64];
};

/* Fills e for provider id at base_url with a device mac and url. */
void rest_env_init(struct rest_env *e, enum fal_provider_id id,
	      const char *base_url, const char *mac, const char *url);

/* Fails unless the JSON text got equals want (values, any member order). */
void rest_assert_json(const char *got, const char *want);

/* Fails unless request i was method url. */
void rest_assert_request(size_t i, const char *method, const char *url);

/* Fails unless the outcome is want (with the message in the failure). */
void rest_assert_outcome(const struct rest_env *e, enum fal_err got,
		    enum fal_err want);

/* Whether request i carries a header called name (any case). */
int rest_has_header(size_t i, const char *name);

#endif
