/* rest_check.c - see rest_check.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rest_check.h"

void
rest_env_init(struct rest_env *e, enum fal_provider_id id,
	      const char *base_url, const char *mac, const char *url)
{
	(void)id; /* the call needs only the vendor's settings */
	memset(e, 0, sizeof(*e));
	snprintf(e->base_url, sizeof(e->base_url), "%s", base_url);
	snprintf(e->client_id, sizeof(e->client_id), "client-7");
	snprintf(e->client_secret, sizeof(e->client_secret), "s3cr3t-Key");
	e->conf.base_url = e->base_url;
	e->conf.client_id = e->client_id;
	e->conf.client_secret = e->client_secret;
	e->conf.user = e->conf.password = e->conf.rpc_url = (char *)"";
	e->conf.enabled = true;
	e->call.conf = &e->conf;
	e->call.http = fake_http_client();
	e->call.err = &e->err;
	e->call.out = &e->out;
	assert_int_equal(fal_mac_parse(mac, &e->dev.mac), FAL_OK);
	/* As the request layer does: vendors get %25 as %, Fanvil splits
	 * the URL as sent. */
	e->dev.sent_url = url;
	if (url != NULL)
		e->dev.url = fal_url_decode_pct25(e->vendor_url, url);
}

void
rest_assert_json(const char *got, const char *want)
{
	cJSON *g = cJSON_Parse(got), *w = cJSON_Parse(want);

	if (g == NULL || w == NULL || !cJSON_Compare(g, w, 1)) {
		cJSON_Delete(g);
		cJSON_Delete(w);
		fail_msg("JSON body %s, expected %s", got, want);
	}
	cJSON_Delete(g);
	cJSON_Delete(w);
}

void
rest_assert_request(size_t i, const char *method, const char *url)
{
	const struct fake_http_call *c = fake_http_call_at(i);

	if (c == NULL)
		fail_msg("request %zu was never made", i);
	assert_string_equal(c->method, method);
	assert_string_equal(c->url, url);
}

void
rest_assert_outcome(const struct rest_env *e, enum fal_err got,
		    enum fal_err want)
{
	if (got != want)
		fail_msg("got %s (%s), expected %s", fal_err_code(got),
			 e->err.message, fal_err_code(want));
	assert_int_equal(e->err.code, want);
}

int
rest_has_header(size_t i, const char *name)
{
	const struct fake_http_call *c = fake_http_call_at(i);
	size_t n = strlen(name);

	for (size_t h = 0; c != NULL && c->headers[h] != NULL; h++)
		if (strncasecmp(c->headers[h], name, n) == 0 &&
		    c->headers[h][n] == ':')
			return 1;
	return 0;
}
