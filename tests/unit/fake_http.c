/* fake_http.c - see fake_http.h. */
#include "fake_http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../lib/clock.h"

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
static long delay_ms;
static long long clock_ahead_ms;  /* how far the clock was moved forward */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fal_http *shared_client;

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
	delay_ms = 0;
}

void
fake_http_set_delay(long ms)
{
	delay_ms = ms;
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

static void
record(const struct fal_http_req *req, long timeout_ms)
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
	c->timeout_ms = timeout_ms;
	for (; req->headers != NULL && req->headers[h] != NULL && h < 31; h++)
		c->headers[h] = strdup(req->headers[h]);
}

/* The transport's perform: records req, answers the next queued answer. */
static enum fal_err
fake_perform(void *ctx, const struct fal_http_req *req, long timeout_ms,
	     struct fal_http_resp *resp, struct fal_error *err)
{
	struct timespec wait;
	struct answer a;
	char value[32];
	const char *h;

	(void)ctx;
	pthread_mutex_lock(&lock);
	record(req, timeout_ms);
	a = next_answer < nanswers ? answers[next_answer++]
				   : (struct answer){ .code = FAL_ERR__MAX };
	wait = (struct timespec){ delay_ms / 1000, delay_ms % 1000 * 1000000 };
	pthread_mutex_unlock(&lock);
	nanosleep(&wait, NULL);
	if (a.code == FAL_ERR__MAX)
		return fal_error_set(err, FAL_ERR_CONNECTION_FAILED,
				     "fake_http: no answer queued");
	if (a.code != FAL_OK)
		return fal_error_set(err, a.code, "%s", a.message);
	resp->status = a.status;
	resp->body = strdup(a.body);
	resp->body_len = strlen(a.body);
	resp->headers = strdup(a.headers);
	if ((h = strcasestr(a.headers, "Retry-After:")) != NULL) {
		snprintf(value, sizeof(value), "%.*s",
			 (int)strcspn(h + 12, "\r\n"), h + 12);
		resp->retry_after_ms = fal_http_retry_after_parse(value);
	}
	return FAL_OK;
}

/* The transport's clock: the real one, moved forward by the tests. */
static long long
fake_now_ms(void *ctx)
{
	long long ahead;

	(void)ctx;
	pthread_mutex_lock(&lock);
	ahead = clock_ahead_ms;
	pthread_mutex_unlock(&lock);
	return fal_clock_ms() + ahead;
}

void
fake_http_advance_clock(long long ms)
{
	pthread_mutex_lock(&lock);
	clock_ahead_ms += ms;
	pthread_mutex_unlock(&lock);
}

static const struct fal_http_transport fake_transport = {
	.perform = fake_perform,
	.now_ms = fake_now_ms,
};

struct fal_http *
fake_http_new(const struct fal_config *cfg)
{
	return fal_http_new_transport(cfg, &fake_transport, NULL);
}

struct fal_http *
fake_http_client(void)
{
	pthread_mutex_lock(&lock);
	if (shared_client == NULL)
		shared_client = fake_http_new(NULL);
	pthread_mutex_unlock(&lock);
	return shared_client;
}
