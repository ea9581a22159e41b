/* rpc_check.c - see rpc_check.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rpc_check.h"

mxml_node_t *
rpc_child(mxml_node_t *parent, const char *name)
{
	mxml_node_t *n;

	for (n = mxmlGetFirstChild(parent); n != NULL; n = mxmlGetNextSibling(n))
		if (mxmlGetType(n) == MXML_ELEMENT &&
		    strcmp(mxmlGetElement(n), name) == 0)
			return n;
	return NULL;
}

char *
rpc_text(mxml_node_t *e)
{
	mxml_node_t *n;
	size_t len = 0;
	char *s = calloc(1, 1);

	for (n = mxmlGetFirstChild(e); n != NULL; n = mxmlGetNextSibling(n)) {
		const char *t = mxmlGetOpaque(n);

		if (mxmlGetType(n) != MXML_OPAQUE || t == NULL)
			continue;
		s = realloc(s, len + strlen(t) + 1);
		strcpy(s + len, t);
		len += strlen(t);
	}
	return s;
}

char *
rpc_string_of(mxml_node_t *value)
{
	mxml_node_t *s = rpc_child(value, "string");

	return s != NULL ? rpc_text(s) : NULL;
}

int
rpc_value_read(mxml_node_t *value, struct rpc_value *v)
{
	mxml_node_t *data, *n;

	if ((v->str = rpc_string_of(value)) != NULL)
		return 0;
	if ((data = rpc_child(rpc_child(value, "array"), "data")) == NULL)
		return -1;
	v->is_array = true;
	for (n = mxmlGetFirstChild(data); n != NULL; n = mxmlGetNextSibling(n)) {
		if (mxmlGetType(n) != MXML_ELEMENT)
			continue;
		if (v->n_items == RPC_MAX_ITEMS ||
		    (v->items[v->n_items] = rpc_string_of(n)) == NULL)
			return -1;
		v->n_items++;
	}
	return 0;
}

void
rpc_call_free(struct rpc_call *c)
{
	free(c->method);
	for (size_t i = 0; i < RPC_MAX_PARAMS; i++) {
		free(c->params[i].str);
		for (size_t j = 0; j < c->params[i].n_items; j++)
			free(c->params[i].items[j]);
	}
	memset(c, 0, sizeof(*c));
}

int
rpc_call_parse(const char *xml, struct rpc_call *out)
{
	mxml_node_t *top, *call, *name, *params, *n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((top = mxmlLoadString(NULL, xml, MXML_OPAQUE_CALLBACK)) == NULL)
		return -1;
	call = mxmlFindElement(top, top, "methodCall", NULL, NULL, MXML_DESCEND);
	if (call == NULL || (name = rpc_child(call, "methodName")) == NULL)
		goto out;
	out->method = rpc_text(name);
	if ((params = rpc_child(call, "params")) == NULL)
		goto out;
	for (n = mxmlGetFirstChild(params); n != NULL; n = mxmlGetNextSibling(n)) {
		if (mxmlGetType(n) != MXML_ELEMENT)
			continue;
		if (strcmp(mxmlGetElement(n), "param") != 0 ||
		    out->n_params == RPC_MAX_PARAMS ||
		    rpc_value_read(rpc_child(n, "value"),
				   &out->params[out->n_params++]) < 0)
			goto out;
	}
	rc = 0;
out:
	mxmlDelete(top);
	if (rc != 0)
		rpc_call_free(out);
	return rc;
}

void
rpc_expect_call(size_t i, const struct fal_provider_conf *conf,
		const char *method, size_t n, ...)
{
	const struct fake_http_call *c = fake_http_call_at(i);
	struct rpc_call rc;
	va_list ap;

	assert_non_null(c);
	assert_string_equal(c->method, "POST");
	assert_string_equal(c->url, conf->rpc_url);
	assert_string_equal(fake_http_call_header(i, "Content-Type"), "text/xml");
	assert_non_null(c->user);
	assert_string_equal(c->user, conf->user);
	assert_string_equal(c->password, conf->password);
	assert_int_equal(rpc_call_parse(c->body, &rc), 0);
	assert_string_equal(rc.method, method);
	assert_int_equal(rc.n_params, n);
	va_start(ap, n);
	for (size_t p = 0; p < n; p++) {
		assert_false(rc.params[p].is_array);
		assert_string_equal(rc.params[p].str, va_arg(ap, const char *));
	}
	va_end(ap);
	rpc_call_free(&rc);
}

void
rpc_push_answer(bool ok, const char *message)
{
	char body[1024];

	snprintf(body, sizeof(body),
		 "<?xml version=\"1.0\"?><methodResponse><params><param><value>"
		 "<array><data><value><boolean>%d</boolean></value>"
		 "<value><string>%s</string></value></data></array>"
		 "</value></param></params></methodResponse>", ok ? 1 : 0,
		 message);
	fake_http_push(200, body, NULL);
}

void
rpc_push_ok(void)
{
	rpc_push_answer(true, "OK");
}

void
rpc_push_refusal(const char *text)
{
	rpc_push_answer(false, text);
}

void
rpc_env_init(struct rpc_env *e, const char *mac, const char *url)
{
	memset(e, 0, sizeof(*e));
	e->conf.user = (char *)"acct";
	e->conf.password = (char *)"s3cret";
	e->conf.rpc_url = (char *)"https://rps.example/xmlrpc";
	e->conf.base_url = e->conf.client_id = e->conf.client_secret = (char *)"";
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
	fake_http_reset();
}

void
rpc_expect_result(const struct rpc_env *e, enum fal_err got, enum fal_err want,
		  size_t ncalls)
{
	assert_int_equal(got, want);
	if (want != FAL_OK)
		assert_int_equal(e->err.code, want);
	assert_int_equal(fake_http_ncalls(), ncalls);
}

void
rpc_expect_refusals(struct rpc_env *e, rpc_fn fn, size_t n_ok,
		    const struct rpc_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum fal_err got;

		fake_http_reset();
		fal_error_clear(&e->err);
		for (size_t k = 0; k < n_ok; k++)
			rpc_push_ok();
		rpc_push_refusal(cases[i].text);
		for (size_t k = 0; k < 4; k++)
			rpc_push_ok();
		got = fn(&e->call, &e->dev);
		if (got != cases[i].want)
			fail_msg("\"%s\": got %s, want %s", cases[i].text,
				 fal_err_code(got), fal_err_code(cases[i].want));
		if (cases[i].want == FAL_OK)
			continue;
		assert_int_equal(e->err.code, cases[i].want);
		assert_string_equal(e->err.message, cases[i].text);
		assert_int_equal(fake_http_ncalls(), n_ok + 1);
	}
}

void
rpc_push_failure(enum rpc_failure f)
{
	switch (f) {
	case RPC_HTTP_500:
		fake_http_push(500, "<html>oops</html>", NULL);
		break;
	case RPC_CONNECT:
		fake_http_push_error(FAL_ERR_CONNECTION_FAILED,
				     "Could not resolve host: rps.example");
		break;
	case RPC_CUT:
		fake_http_push_error(FAL_ERR_READ_RESPONSE_FAILED,
				     "transfer closed");
		break;
	case RPC_GARBAGE:
		fake_http_push(200, "<html><body>Service Unavailable", NULL);
		break;
	case RPC_FAULT:
		fake_http_push(200, "<?xml version=\"1.0\"?><methodResponse>"
			       "<fault><value><struct><member><name>faultCode"
			       "</name><value><int>4</int></value></member>"
			       "<member><name>faultString</name><value><string>"
			       "Too many parameters</string></value></member>"
			       "</struct></value></fault></methodResponse>", NULL);
		break;
	}
}

void
rpc_expect_failure(struct rpc_env *e, rpc_fn fn, size_t n_ok,
		   enum rpc_failure f, enum fal_err want)
{
	enum fal_err got;

	fake_http_reset();
	fal_error_clear(&e->err);
	for (size_t k = 0; k < n_ok; k++)
		rpc_push_ok();
	rpc_push_failure(f);
	for (size_t k = 0; k < 4; k++)
		rpc_push_ok();
	got = fn(&e->call, &e->dev);
	assert_int_equal(got, want);
	if (want == FAL_OK)
		return;
	assert_int_equal(e->err.code, want);
	assert_int_equal(fake_http_ncalls(), n_ok + 1);
}

void
rpc_expect_failures(struct rpc_env *e, rpc_fn fn, size_t n_ok)
{
	rpc_expect_failure(e, fn, n_ok, RPC_HTTP_500,
			   FAL_ERR_REMOTE_CALL_FAILED);
	rpc_expect_failure(e, fn, n_ok, RPC_CONNECT, FAL_ERR_CONNECTION_FAILED);
	assert_string_equal(e->err.message,
			    "Could not resolve host: rps.example");
	rpc_expect_failure(e, fn, n_ok, RPC_CUT, FAL_ERR_READ_RESPONSE_FAILED);
	rpc_expect_failure(e, fn, n_ok, RPC_GARBAGE, FAL_ERR_UNKNOWN_RESPONSE);
	rpc_expect_failure(e, fn, n_ok, RPC_FAULT, FAL_ERR_UNKNOWN_RESPONSE);
}

rpc_fn
rpc_lookup_of(enum fal_provider_id id)
{
	return fal_provider_get(id)->do_lookup;
}

void
rpc_expect_lookups(struct rpc_env *e, rpc_fn fn,
		   const struct rpc_lookup_case *cases, size_t n,
		   size_t more_if_registered)
{
	for (size_t i = 0; i < n; i++) {
		const struct rpc_lookup_case *c = &cases[i];
		size_t want_calls = 1;
		enum fal_err got;

		fake_http_reset();
		fal_error_clear(&e->err);
		e->out.lookup_state = FAL_LOOKUP_ELSEWHERE + 1;
		rpc_push_answer(c->ok, c->text);
		for (size_t k = 0; k < 4; k++)
			fake_http_push(500, "<html>oops</html>", NULL);
		got = fn(&e->call, &e->dev);
		if (got != c->want)
			fail_msg("[%d, \"%s\"]: got %s, want %s", c->ok, c->text,
				 fal_err_code(got), fal_err_code(c->want));
		if (c->want == FAL_OK) {
			assert_int_equal(e->out.lookup_state, c->state);
			if (c->state == FAL_LOOKUP_REGISTERED)
				want_calls += more_if_registered;
		} else {
			assert_int_equal(e->err.code, c->want);
			if (c->want != FAL_ERR_UNKNOWN_RESPONSE)
				assert_string_equal(e->err.message, c->text);
		}
		assert_null(e->out.lookup_url);
		assert_int_equal(fake_http_ncalls(), want_calls);
	}
}

void
rpc_expect_lookup_failures(struct rpc_env *e, rpc_fn fn)
{
	rpc_expect_failures(e, fn, 0);
	assert_null(e->out.lookup_url);
}
