/* fake_http.c - see fake_http.h. */
#include "fake_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FAKE_MAX 64

struct answer {
	enum fal_err code;
	char *message;
	long status;
	char *body;
	char *headers;
};

static struct fake_http_call calls[FAKE_MAX];
static size_t ncalls;
static struct answer answers[FAKE_MAX];
static size_t nanswers, next_answer;
static int dummy_client;

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

void
fake_http_reset(void)
{
	for (size_t i = 0; i < ncalls; i++) {
		free(calls[i].method);
		free(calls[i].url);
		free(calls[i].body);
		free(calls[i].user);
		free(calls[i].password);
		for (size_t h = 0; calls[i].headers[h] != NULL; h++)
			free(calls[i].headers[h]);
	}
	for (size_t i = 0; i < nanswers; i++) {
		free(answers[i].message);
		free(answers[i].body);
		free(answers[i].headers);
	}
	memset(calls, 0, sizeof(calls));
	memset(answers, 0, sizeof(answers));
	ncalls = nanswers = next_answer = 0;
}

void
fake_http_push(long status, const char *body, const char *headers)
{
	if (nanswers == FAKE_MAX)
		abort();
	answers[nanswers].code = FAL_OK;
	answers[nanswers].status = status;
	answers[nanswers].body = strdup(body != NULL ? body : "");
	answers[nanswers].headers = strdup(headers != NULL ? headers : "");
	nanswers++;
}

void
fake_http_push_error(enum fal_err code, const char *message)
{
	if (nanswers == FAKE_MAX)
		abort();
	answers[nanswers].code = code;
	answers[nanswers].message = strdup(message != NULL ? message : "");
	nanswers++;
}

size_t
fake_http_ncalls(void)
{
	return ncalls;
}

const struct fake_http_call *
fake_http_call_at(size_t i)
{
	return i < ncalls ? &calls[i] : NULL;
}

const char *
fake_http_call_header(size_t i, const char *name)
{
	size_t n = strlen(name);

	if (i >= ncalls)
		return "";
	for (size_t h = 0; calls[i].headers[h] != NULL; h++) {
		const char *line = calls[i].headers[h];
		if (strncasecmp(line, name, n) == 0 && line[n] == ':')
			return line + n + 1 + strspn(line + n + 1, " ");
	}
	return "";
}

struct fal_http *
fake_http_client(void)
{
	return (struct fal_http *)&dummy_client;
}

struct fal_http *
fal_http_new(const struct fal_config *cfg)
{
	(void)cfg;
	return fake_http_client();
}

void
fal_http_free(struct fal_http *http)
{
	(void)http;
}

static void
record(const struct fal_http_req *req)
{
	struct fake_http_call *c;
	size_t h = 0;

	if (ncalls == FAKE_MAX)
		abort();
	c = &calls[ncalls++];
	c->method = strdup(req->method);
	c->url = strdup(req->url);
	c->body = calloc(1, req->body_len + 1);
	if (req->body != NULL)
		memcpy(c->body, req->body, req->body_len);
	c->body_len = req->body_len;
	c->user = dup_or_null(req->user);
	c->password = dup_or_null(req->password);
	for (; req->headers != NULL && req->headers[h] != NULL && h < 31; h++)
		c->headers[h] = strdup(req->headers[h]);
}

void
fal_http_guard(struct fal_http *http, bool (*gone)(void *ctx), void *ctx)
{
	(void)http;
	(void)gone;
	(void)ctx;
}

enum fal_err
fal_http_do(struct fal_http *http, const struct fal_http_req *req,
	    struct fal_http_resp *resp, struct fal_error *err)
{
	const struct answer *a;

	(void)http;
	memset(resp, 0, sizeof(*resp));
	record(req);
	if (next_answer == nanswers)
		return fal_error_set(err, FAL_ERR_CONNECTION_FAILED,
				     "fake_http: no answer queued");
	a = &answers[next_answer++];
	if (a->code != FAL_OK)
		return fal_error_set(err, a->code, "%s", a->message);
	resp->status = a->status;
	resp->body = strdup(a->body);
	resp->body_len = strlen(a->body);
	resp->headers = strdup(a->headers);
	return FAL_OK;
}
