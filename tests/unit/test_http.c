/*
 * test_http.c - lib/http.c against a tiny HTTP server run by the test
 * itself: a thread on 127.0.0.1 (port 0) that reads requests, keeps them
 * for the test to inspect, and answers as the test scripted (whole, cut
 * off, too large, never).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../../lib/http.h"
#include "../../lib/version.h"

/* How the server answers each request. */
enum mode {
	M_OK,           /* 200 with a body and headers, then close */
	M_KEEPALIVE,    /* 200 "ok", connection kept */
	M_STATUS_404,   /* 404 with a body */
	M_REDIRECT,     /* 302 to elsewhere */
	M_BIG,          /* Content-Length and body of 1 MiB + 1 */
	M_BIG_CLOSE,    /* 1 MiB + 1 without Content-Length, then close */
	M_EXACT_MAX,    /* exactly 1 MiB */
	M_SHORT,        /* Content-Length 100, 10 bytes, close */
	M_SILENT,       /* reads the request, never answers */
	M_CONTINUE,     /* a 100 Continue, then the 200 */
	M_HUGE_HEADERS, /* over 64 KiB of header lines */
	M_NOT_TLS,      /* answers plain HTTP before reading (TLS client) */
	M_GARBAGE,      /* "garbage" and a blank line: no HTTP/1.x status line */
	M_BAD_STATUS,   /* an HTTP/1.1 status line without a status */
	M_NOTHING,      /* reads the request, closes without a byte */
	M_LINKS         /* a 1xx, then Link sent twice and a folded field */
};

#define MAX_REQ 4

struct server {
	int lfd;
	int port;
	enum mode mode;
	int max_requests;
	int accepts;
	int nreq;
	char *req[MAX_REQ];   /* raw requests, head and body, NUL-terminated */
	size_t req_len[MAX_REQ];
	pthread_t th;
};

static struct fal_config cfg;

/* ---- the server ---- */

static void
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && (w = send(fd, p, n, MSG_NOSIGNAL)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}

static void
send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* Sends n bytes of 'a'. */
static void
send_filler(int fd, size_t n)
{
	static char chunk[16384];
	size_t k;

	memset(chunk, 'a', sizeof(chunk));
	for (; n > 0; n -= k) {
		k = n < sizeof(chunk) ? n : sizeof(chunk);
		send_all(fd, chunk, k);
	}
}

/* Reads one request (head, then Content-Length bytes); 0, or -1. */
static int
read_request(int fd, char **out, size_t *outlen)
{
	size_t len = 0, cap = 65536, need = 0;
	char *buf = malloc(cap + 1), *end, *cl;
	ssize_t r;

	if (buf == NULL)
		return -1;
	for (;;) {
		buf[len] = '\0';
		if (need == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			need = (size_t)(end + 4 - buf);
			if ((cl = strcasestr(buf, "\r\nContent-Length:")) != NULL &&
			    cl < end)
				need += strtoul(cl + 17, NULL, 10);
		}
		if (need > 0 && len >= need)
			break;
		if (len == cap) {
			char *b = realloc(buf, 2 * cap + 1);

			if (b == NULL)
				break;
			buf = b;
			cap *= 2;
		}
		if ((r = recv(fd, buf + len, cap - len, 0)) <= 0) {
			free(buf);
			return -1;
		}
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* Answers one request; whether the connection stays open. */
static int
respond(struct server *s, int fd)
{
	char line[256];
	char pad[1001];
	int i;

	switch (s->mode) {
	case M_OK:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			 "X-Test: yes\r\nContent-Length: 5\r\n"
			 "Connection: close\r\n\r\nhello");
		return 0;
	case M_KEEPALIVE:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 1;
	case M_STATUS_404:
		send_str(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n"
			 "Connection: close\r\n\r\nnot found");
		return 0;
	case M_REDIRECT:
		snprintf(line, sizeof(line), "HTTP/1.1 302 Found\r\nLocation: "
			 "http://127.0.0.1:%d/elsewhere\r\nContent-Length: 0\r\n"
			 "Connection: close\r\n\r\n", s->port);
		send_str(fd, line);
		return 0;
	case M_BIG:
	case M_EXACT_MAX:
		snprintf(line, sizeof(line), "HTTP/1.1 200 OK\r\n"
			 "Content-Length: %d\r\nConnection: close\r\n\r\n",
			 FAL_HTTP_BODY_MAX + (s->mode == M_BIG));
		send_str(fd, line);
		send_filler(fd, FAL_HTTP_BODY_MAX + (s->mode == M_BIG));
		return 0;
	case M_BIG_CLOSE:
		send_str(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
		send_filler(fd, FAL_HTTP_BODY_MAX + 1);
		return 0;
	case M_SHORT:
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
			 "Connection: close\r\n\r\nonly ten b");
		return 0;
	case M_SILENT:
		/* wait for the client to give up and close */
		while (recv(fd, line, sizeof(line), 0) > 0)
			;
		return 0;
	case M_CONTINUE:
		send_str(fd, "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
			 "HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 0\r\n"
			 "Connection: close\r\n\r\n");
		return 0;
	case M_HUGE_HEADERS:
		send_str(fd, "HTTP/1.1 200 OK\r\n");
		memset(pad, 'p', sizeof(pad) - 1);
		pad[sizeof(pad) - 1] = '\0';
		for (i = 0; i < 70; i++) {
			snprintf(line, sizeof(line), "X-Pad-%d: ", i);
			send_str(fd, line);
			send_str(fd, pad);
			send_str(fd, "\r\n");
		}
		send_str(fd, "Content-Length: 0\r\nConnection: close\r\n\r\n");
		return 0;
	case M_NOT_TLS:
	case M_NOTHING:
		return 0;
	case M_GARBAGE:
		send_str(fd, "garbage\r\n\r\n");
		return 0;
	case M_LINKS:
		send_str(fd, "HTTP/1.1 100 Continue\r\nLink: <i>; rel=next\r\n\r\n"
			 "HTTP/1.1 200 OK\r\nLink: <a>; rel=\"last\"\r\n"
			 "X-Folded: one\r\n two\r\nlink:  <b>; rel=\"next\" \r\n"
			 "Content-Length: 0\r\nConnection: close\r\n\r\n");
		return 0;
	case M_BAD_STATUS:
		send_str(fd, "HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n");
		return 0;
	}
	return 0;
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	struct timeval tv = { 3, 0 };
	int fd, keep;

	while (s->nreq < s->max_requests) {
		if ((fd = accept(s->lfd, NULL, NULL)) < 0)
			break;
		s->accepts++;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (s->mode == M_NOT_TLS) {
			send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
			s->nreq++;
			close(fd);
			continue;
		}
		while (s->nreq < s->max_requests &&
		       read_request(fd, &s->req[s->nreq],
				    &s->req_len[s->nreq]) == 0) {
			keep = respond(s, fd);
			s->nreq++;
			if (!keep)
				break;
		}
		close(fd);
	}
	return NULL;
}

/* Starts a server answering max_requests requests in mode. */
static void
server_start(struct server *s, enum mode mode, int max_requests)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	struct timeval tv = { 3, 0 };

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->max_requests = max_requests;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 8), 0);
	/* accept gives up after a while, so a failing test cannot hang */
	setsockopt(s->lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &salen), 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

/* Waits for the server to finish; its requests stay readable. */
static void
server_join(struct server *s)
{
	pthread_join(s->th, NULL);
	close(s->lfd);
}

static void
server_free(struct server *s)
{
	int i;

	for (i = 0; i < MAX_REQ; i++)
		free(s->req[i]);
}

/* ---- helpers ---- */

static char *
url(const struct server *s, const char *path)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "http://127.0.0.1:%d%s", s->port, path);
	return buf;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The body of raw request r (after the blank line). */
static const char *
req_body(const char *r)
{
	const char *end = strstr(r, "\r\n\r\n");

	assert_non_null(end);
	return end + 4;
}

/* True when raw request r carries header line h ("Name: value"). */
static bool
req_has(const char *r, const char *h)
{
	char needle[512];
	const char *end = strstr(r, "\r\n\r\n");
	const char *p;

	snprintf(needle, sizeof(needle), "\r\n%s\r\n", h);
	p = strcasestr(r, needle);
	return p != NULL && p < end;
}

/* True when raw request r has a header called name, any value. */
static bool
req_has_name(const char *r, const char *name)
{
	char needle[128];
	const char *end = strstr(r, "\r\n\r\n");
	const char *p;

	snprintf(needle, sizeof(needle), "\r\n%s:", name);
	p = strcasestr(r, needle);
	return p != NULL && p < end;
}

/* Performs req on a fresh client. */
static enum fal_err
do_once(const struct fal_http_req *req, struct fal_http_resp *resp,
	struct fal_error *err)
{
	struct fal_http *http = fal_http_new(&cfg);
	enum fal_err rc;

	assert_non_null(http);
	rc = fal_http_do(http, req, resp, err);
	fal_http_free(http);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.base_path = "";
	cfg.ca_file = "";
	cfg.connect_timeout_ms = 2000;
	cfg.timeout_ms = 5000;
	return 0;
}

/* ---- tests ---- */

static void
test_ok_answer_and_request(void **state)
{
	static const char *const headers[] = {
		"Content-Type: text/xml", "X-Custom: 1", NULL
	};
	struct fal_http_req req = {
		.method = "POST", .headers = headers, .body = "<x>&</x>",
		.body_len = 8, .user = "alice", .password = "s3cr:et"
	};
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;
	unsigned char b64[64];
	char auth[128], v[32];
	const char *r;

	(void)state;
	server_start(&s, M_OK, 1);
	req.url = url(&s, "/rpc");
	assert_int_equal(do_once(&req, &resp, &err), FAL_OK);
	server_join(&s);
	assert_int_equal(err.code, FAL_OK);
	assert_int_equal(resp.status, 200);
	assert_int_equal(resp.body_len, 5);
	assert_string_equal(resp.body, "hello");
	assert_non_null(resp.headers);
	assert_null(strstr(resp.headers, "HTTP/1.1"));
	assert_int_equal(fal_http_header(&resp, "x-test", v, sizeof(v)), 0);
	assert_string_equal(v, "yes");
	fal_http_resp_free(&resp);

	assert_int_equal(s.nreq, 1);
	r = s.req[0];
	assert_true(strncmp(r, "POST /rpc HTTP/1.1\r\n", 20) == 0);
	assert_true(req_has(r, "User-Agent: " FAL_USER_AGENT));
	assert_true(strncmp(FAL_USER_AGENT, "Falconieri/", 11) == 0);
	EVP_EncodeBlock(b64, (const unsigned char *)"alice:s3cr:et", 13);
	snprintf(auth, sizeof(auth), "Authorization: Basic %s", b64);
	assert_true(req_has(r, auth));
	assert_true(req_has(r, "Content-Type: text/xml"));
	assert_true(req_has(r, "X-Custom: 1"));
	assert_true(req_has(r, "Content-Length: 8"));
	assert_false(req_has_name(r, "Expect"));
	assert_string_equal(req_body(r), "<x>&</x>");
	server_free(&s);
}

/* A caller that reads no header field gets the body and no fields. */
static void
test_no_header_fields(void **state)
{
	struct fal_http_req req = {
		.method = "POST", .body = "<x/>", .body_len = 4,
		.no_header_fields = true,
	};
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;

	(void)state;
	server_start(&s, M_OK, 1);
	req.url = url(&s, "/rpc");
	assert_int_equal(do_once(&req, &resp, &err), FAL_OK);
	server_join(&s);
	server_free(&s);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.body, "hello");
	assert_null(resp.headers);
	assert_int_equal(fal_http_header(&resp, "x-test", NULL, 0), -1);
	fal_http_resp_free(&resp);
}

/* A body curl would announce with "Expect: 100-continue" goes at once. */
static void
test_large_post_no_expect(void **state)
{
	enum { N = 2 * 1024 * 1024 };
	static const char *const headers[] = { "Content-Type: text/xml", NULL };
	struct fal_http_req req = { .method = "POST", .headers = headers };
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;
	char *body = malloc(N);

	(void)state;
	assert_non_null(body);
	memset(body, 'b', N);
	req.body = body;
	req.body_len = N;
	server_start(&s, M_OK, 1);
	req.url = url(&s, "/big");
	assert_int_equal(do_once(&req, &resp, &err), FAL_OK);
	server_join(&s);
	assert_int_equal(resp.status, 200);
	assert_false(req_has_name(s.req[0], "Expect"));
	assert_int_equal(strlen(req_body(s.req[0])), N);
	fal_http_resp_free(&resp);
	server_free(&s);
	free(body);
}

/* No Content-Type the caller did not choose, not even curl's form type. */
static void
test_post_without_content_type(void **state)
{
	struct fal_http_req req = { .method = "POST", .body = "{}", .body_len = 2 };
	struct fal_http_req empty = { .method = "POST" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http = fal_http_new(&cfg);
	struct server s;

	(void)state;
	server_start(&s, M_KEEPALIVE, 2);
	req.url = empty.url = url(&s, "/p");
	assert_int_equal(fal_http_do(http, &req, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	assert_int_equal(fal_http_do(http, &empty, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	fal_http_free(http);
	server_join(&s);
	assert_int_equal(s.nreq, 2);
	assert_false(req_has_name(s.req[0], "Content-Type"));
	assert_string_equal(req_body(s.req[0]), "{}");
	assert_true(strncmp(s.req[1], "POST /p HTTP/1.1\r\n", 18) == 0);
	assert_true(req_has(s.req[1], "Content-Length: 0"));
	assert_false(req_has_name(s.req[1], "Content-Type"));
	server_free(&s);
}

static void
test_put_and_delete(void **state)
{
	static const char *const headers[] = {
		"Content-Type: application/json", NULL
	};
	struct fal_http_req put = {
		.method = "PUT", .headers = headers, .body = "{\"a\":1}",
		.body_len = 7
	};
	struct fal_http_req del = { .method = "DELETE" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http = fal_http_new(&cfg);
	struct server s;

	(void)state;
	server_start(&s, M_KEEPALIVE, 2);
	put.url = url(&s, "/endpoints/acde48234567");
	del.url = put.url;
	assert_int_equal(fal_http_do(http, &put, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	assert_int_equal(fal_http_do(http, &del, &resp, &err), FAL_OK);
	assert_int_equal(resp.status, 200);
	fal_http_resp_free(&resp);
	fal_http_free(http);
	server_join(&s);
	assert_int_equal(s.nreq, 2);
	assert_true(strncmp(s.req[0], "PUT /endpoints/acde48234567 HTTP/1.1\r\n",
			    38) == 0);
	assert_true(req_has(s.req[0], "Content-Type: application/json"));
	assert_string_equal(req_body(s.req[0]), "{\"a\":1}");
	assert_true(strncmp(s.req[1], "DELETE /endpoints/acde48234567 HTTP/1.1\r\n",
			    41) == 0);
	/* nothing of the PUT is left on the reused handle */
	assert_false(req_has_name(s.req[1], "Content-Length"));
	assert_false(req_has_name(s.req[1], "Content-Type"));
	assert_string_equal(req_body(s.req[1]), "");
	server_free(&s);
}

/*
 * The handle is never reset: a DELETE's verb must not stay for the POST
 * after it, and the URL kept from one call must give way to the next.
 */
static void
test_verb_and_url_do_not_stick(void **state)
{
	struct fal_http_req del = { .method = "DELETE" };
	struct fal_http_req post = { .method = "POST", .body = "x", .body_len = 1 };
	struct fal_http_req get = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http = fal_http_new(&cfg);
	struct server s;
	char u[128];

	(void)state;
	server_start(&s, M_KEEPALIVE, 3);
	snprintf(u, sizeof(u), "%s", url(&s, "/a"));
	del.url = post.url = u;
	get.url = url(&s, "/b");
	assert_int_equal(fal_http_do(http, &del, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	assert_int_equal(fal_http_do(http, &post, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	assert_int_equal(fal_http_do(http, &get, &resp, &err), FAL_OK);
	fal_http_resp_free(&resp);
	fal_http_free(http);
	server_join(&s);
	assert_int_equal(s.nreq, 3);
	assert_true(strncmp(s.req[0], "DELETE /a HTTP/1.1\r\n", 20) == 0);
	assert_true(strncmp(s.req[1], "POST /a HTTP/1.1\r\n", 18) == 0);
	assert_string_equal(req_body(s.req[1]), "x");
	assert_true(strncmp(s.req[2], "GET /b HTTP/1.1\r\n", 17) == 0);
	assert_false(req_has_name(s.req[2], "Content-Length"));
	server_free(&s);
}

/* "Authorization: Basic base64(user:password)" into out. */
static void
basic_auth(char *out, size_t len, const char *user, const char *password)
{
	unsigned char b64[128];
	char cred[64];

	snprintf(cred, sizeof(cred), "%s:%s", user, password);
	EVP_EncodeBlock(b64, (const unsigned char *)cred, (int)strlen(cred));
	snprintf(out, len, "Authorization: Basic %s", b64);
}

/*
 * A client keeps the header list of its last call for the next one with
 * the same headers and credentials: whatever came before, each call
 * sends its own headers and credentials, and none of the last call's.
 */
static void
test_headers_do_not_stick(void **state)
{
	static const char *const ha[] = {
		"Content-Type: text/xml", "X-A: 1", NULL
	};
	static const char *const hb[] = { "X-B: 2", NULL };
	struct fal_http_req a1 = {
		.method = "POST", .headers = ha, .body = "x", .body_len = 1,
		.user = "alice", .password = "pw1"
	};
	struct fal_http_req a2 = a1, b = {
		.method = "POST", .headers = hb, .body = "y", .body_len = 1,
		.user = "bob"
	}, anon = { .method = "GET" };
	const struct fal_http_req *seq[] = { &a1, &a1, &a2, &b, &anon, &a1 };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http = fal_http_new(&cfg);
	struct server s1, s2;
	char u1[128], u2[128], auth1[160], auth2[160], authb[160];

	(void)state;
	a2.password = "pw2";
	basic_auth(auth1, sizeof(auth1), "alice", "pw1");
	basic_auth(auth2, sizeof(auth2), "alice", "pw2");
	basic_auth(authb, sizeof(authb), "bob", "");
	server_start(&s1, M_KEEPALIVE, 4);
	server_start(&s2, M_KEEPALIVE, 2);
	snprintf(u1, sizeof(u1), "%s", url(&s1, "/"));
	snprintf(u2, sizeof(u2), "%s", url(&s2, "/"));
	for (size_t i = 0; i < sizeof(seq) / sizeof(*seq); i++) {
		struct fal_http_req r = *seq[i];

		r.url = i < 4 ? u1 : u2;
		assert_int_equal(fal_http_do(http, &r, &resp, &err), FAL_OK);
		fal_http_resp_free(&resp);
	}
	fal_http_free(http);
	server_join(&s1);
	server_join(&s2);
	assert_int_equal(s1.nreq, 4);
	assert_int_equal(s2.nreq, 2);
	for (int i = 0; i < 2; i++) {
		assert_true(req_has(s1.req[i], auth1));
		assert_true(req_has(s1.req[i], "X-A: 1"));
		assert_true(req_has(s1.req[i], "Content-Type: text/xml"));
	}
	assert_true(req_has(s1.req[2], auth2));
	assert_false(req_has(s1.req[2], auth1));
	assert_true(req_has(s1.req[3], authb));
	assert_true(req_has(s1.req[3], "X-B: 2"));
	assert_false(req_has_name(s1.req[3], "X-A"));
	assert_false(req_has_name(s1.req[3], "Content-Type"));
	assert_false(req_has_name(s2.req[0], "Authorization"));
	assert_false(req_has_name(s2.req[0], "X-B"));
	assert_true(req_has(s2.req[0], "User-Agent: " FAL_USER_AGENT));
	assert_true(req_has(s2.req[1], auth1));
	assert_true(req_has(s2.req[1], "X-A: 1"));
	for (int i = 0; i < 4; i++)
		assert_true(req_has_name(s1.req[i], "User-Agent"));
	server_free(&s1);
	server_free(&s2);
}

/* Two calls on one client share one TCP connection; no state leaks. */
static void
test_connection_reused(void **state)
{
	struct fal_http_req post = {
		.method = "POST", .body = "x", .body_len = 1,
		.user = "u", .password = "p"
	};
	struct fal_http_req get = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http = fal_http_new(&cfg);
	struct server s;

	(void)state;
	server_start(&s, M_KEEPALIVE, 2);
	post.url = url(&s, "/one");
	get.url = url(&s, "/two");
	assert_int_equal(fal_http_do(http, &post, &resp, &err), FAL_OK);
	assert_string_equal(resp.body, "ok");
	fal_http_resp_free(&resp);
	assert_int_equal(fal_http_do(http, &get, &resp, &err), FAL_OK);
	assert_string_equal(resp.body, "ok");
	fal_http_resp_free(&resp);
	server_join(&s);
	fal_http_free(http);
	assert_int_equal(s.nreq, 2);
	assert_int_equal(s.accepts, 1);
	assert_true(req_has_name(s.req[0], "Authorization"));
	assert_true(strncmp(s.req[1], "GET /two HTTP/1.1\r\n", 19) == 0);
	assert_false(req_has_name(s.req[1], "Authorization"));
	assert_false(req_has_name(s.req[1], "Content-Length"));
	assert_true(req_has(s.req[1], "User-Agent: " FAL_USER_AGENT));
	server_free(&s);
}

static void
test_status_passed_through(void **state)
{
	struct fal_http_req req = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;

	(void)state;
	server_start(&s, M_STATUS_404, 1);
	req.url = url(&s, "/nope");
	assert_int_equal(do_once(&req, &resp, &err), FAL_OK);
	server_join(&s);
	assert_int_equal(resp.status, 404);
	assert_string_equal(resp.body, "not found");
	fal_http_resp_free(&resp);
	server_free(&s);
}

/* A 302 is an answer like any other: not followed. */
static void
test_redirect_not_followed(void **state)
{
	struct fal_http_req req = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;
	char v[128];

	(void)state;
	server_start(&s, M_REDIRECT, 1);
	req.url = url(&s, "/moved");
	assert_int_equal(do_once(&req, &resp, &err), FAL_OK);
	server_join(&s);
	assert_int_equal(resp.status, 302);
	assert_int_equal(fal_http_header(&resp, "Location", v, sizeof(v)), 0);
	assert_int_equal(s.accepts, 1);
	fal_http_resp_free(&resp);
	server_free(&s);
}

/* Runs one GET against a server in mode; the outcome, err filled. */
static enum fal_err
get_in_mode(enum mode mode, struct fal_http_resp *resp, struct fal_error *err)
{
	struct fal_http_req req = { .method = "GET" };
	struct server s;
	enum fal_err rc;

	server_start(&s, mode, 1);
	req.url = url(&s, "/");
	rc = do_once(&req, resp, err);
	server_join(&s);
	server_free(&s);
	return rc;
}

static void
test_body_over_cap(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_BIG, &resp, &err),
			 FAL_ERR_READ_RESPONSE_FAILED);
	assert_int_equal(err.code, FAL_ERR_READ_RESPONSE_FAILED);
	assert_string_equal(err.message, "answer larger than 1 MiB");
	assert_null(resp.body);
	fal_http_resp_free(&resp);
}

static void
test_body_over_cap_without_length(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_BIG_CLOSE, &resp, &err),
			 FAL_ERR_READ_RESPONSE_FAILED);
	assert_string_equal(err.message, "answer larger than 1 MiB");
	fal_http_resp_free(&resp);
}

static void
test_body_at_cap(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_EXACT_MAX, &resp, &err), FAL_OK);
	assert_int_equal(resp.body_len, FAL_HTTP_BODY_MAX);
	assert_int_equal(resp.body[FAL_HTTP_BODY_MAX], '\0');
	assert_int_equal(resp.body[FAL_HTTP_BODY_MAX - 1], 'a');
	fal_http_resp_free(&resp);
}

static void
test_body_cut_off(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_SHORT, &resp, &err),
			 FAL_ERR_READ_RESPONSE_FAILED);
	assert_int_equal(err.code, FAL_ERR_READ_RESPONSE_FAILED);
	assert_true(err.message[0] != '\0');
	fal_http_resp_free(&resp);
}

/* Only the final answer's headers are kept, not a 1xx's. */
static void
test_headers_of_last_answer(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_CONTINUE, &resp, &err), FAL_OK);
	assert_int_equal(resp.status, 200);
	assert_null(strstr(resp.headers, "HTTP/1.1"));
	assert_int_equal(fal_http_header(&resp, "X-Final", NULL, 0), 0);
	assert_int_equal(fal_http_header(&resp, "X-Interim", NULL, 0), -1);
	assert_string_equal(resp.body, "");
	fal_http_resp_free(&resp);
}

/*
 * Header fields as curl parsed them: a field sent twice gives both values
 * (RFC 9110 §5.3), in order; a 1xx answer's fields are not the answer's.
 */
static void
test_repeated_fields(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;
	char v[256];

	(void)state;
	assert_int_equal(get_in_mode(M_LINKS, &resp, &err), FAL_OK);
	assert_int_equal(fal_http_header(&resp, "Link", v, sizeof(v)), 0);
	assert_string_equal(v, "<a>; rel=\"last\", <b>; rel=\"next\"");
	assert_int_equal(fal_http_header(&resp, "x-folded", v, sizeof(v)), 0);
	assert_non_null(strstr(v, "one"));
	fal_http_resp_free(&resp);
}

static void
test_headers_over_cap(void **state)
{
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(get_in_mode(M_HUGE_HEADERS, &resp, &err),
			 FAL_ERR_READ_RESPONSE_FAILED);
	assert_string_equal(err.message, "answer headers larger than 64 KiB");
	fal_http_resp_free(&resp);
}

/*
 * A vendor that answers, but not in HTTP, was reached: its answer is
 * unreadable, not the connection failed (curl says "Received HTTP/0.9
 * when not allowed" with the code it also gives an unknown scheme).
 */
static void
test_unreadable_answers(void **state)
{
	static const enum mode modes[] = { M_GARBAGE, M_BAD_STATUS, M_NOTHING };
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
		assert_int_equal(get_in_mode(modes[i], &resp, &err),
				 FAL_ERR_READ_RESPONSE_FAILED);
		assert_int_equal(err.code, FAL_ERR_READ_RESPONSE_FAILED);
		assert_true(err.message[0] != '\0');
		fal_http_resp_free(&resp);
	}
}

static void
test_connection_refused(void **state)
{
	struct fal_http_req req = {
		.method = "POST", .body = "x", .body_len = 1,
		.user = "alice", .password = "hunter2-secret"
	};
	struct fal_http_resp resp;
	struct fal_error err;
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	char u[128];
	int fd;

	(void)state;
	/* a port that was just free and is not listened on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	close(fd);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
	req.url = u;
	assert_int_equal(do_once(&req, &resp, &err), FAL_ERR_CONNECTION_FAILED);
	assert_int_equal(err.code, FAL_ERR_CONNECTION_FAILED);
	assert_true(err.message[0] != '\0');
	assert_null(strstr(err.message, "hunter2"));
	assert_null(resp.body);
	fal_http_resp_free(&resp);
}

/* A server that accepts and never answers costs timeout_ms, no more. */
static void
test_timeout(void **state)
{
	struct fal_http_req req = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct fal_http *http;
	struct server s;
	double t0, dt;

	(void)state;
	cfg.timeout_ms = 300;
	http = fal_http_new(&cfg);
	server_start(&s, M_SILENT, 1);
	req.url = url(&s, "/slow");
	t0 = now();
	assert_int_equal(fal_http_do(http, &req, &resp, &err),
			 FAL_ERR_CONNECTION_FAILED);
	dt = now() - t0;
	fal_http_free(http);
	server_join(&s);
	assert_true(dt >= 0.25);
	assert_true(dt < 1.0);
	assert_true(err.message[0] != '\0');
	fal_http_resp_free(&resp);
	server_free(&s);
}

/* TLS towards something that does not speak it is a connection failure. */
static void
test_tls_failure(void **state)
{
	struct fal_http_req req = { .method = "GET" };
	struct fal_http_resp resp;
	struct fal_error err;
	struct server s;
	char u[128];

	(void)state;
	server_start(&s, M_NOT_TLS, 1);
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/", s.port);
	req.url = u;
	assert_int_equal(do_once(&req, &resp, &err), FAL_ERR_CONNECTION_FAILED);
	server_join(&s);
	fal_http_resp_free(&resp);
	server_free(&s);
}

static void
test_unresolvable_host(void **state)
{
	struct fal_http_req req = {
		.method = "GET", .url = "http://falconieri-test.invalid/"
	};
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(do_once(&req, &resp, &err), FAL_ERR_CONNECTION_FAILED);
	assert_true(err.message[0] != '\0');
	fal_http_resp_free(&resp);
}

/* Only http and https: never file://, whatever the configuration says. */
static void
test_other_schemes_refused(void **state)
{
	struct fal_http_req req = { .method = "GET", .url = "file:///etc/hostname" };
	struct fal_http_resp resp;
	struct fal_error err;

	(void)state;
	assert_int_equal(do_once(&req, &resp, &err), FAL_ERR_CONNECTION_FAILED);
	assert_null(resp.body);
	fal_http_resp_free(&resp);
	req.url = "ftp://127.0.0.1:1/x";
	assert_int_equal(do_once(&req, &resp, &err), FAL_ERR_CONNECTION_FAILED);
	fal_http_resp_free(&resp);
}

static void
test_new_without_config(void **state)
{
	(void)state;
	assert_null(fal_http_new(NULL));
	fal_http_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ok_answer_and_request, setup),
		cmocka_unit_test_setup(test_large_post_no_expect, setup),
		cmocka_unit_test_setup(test_post_without_content_type, setup),
		cmocka_unit_test_setup(test_put_and_delete, setup),
		cmocka_unit_test_setup(test_verb_and_url_do_not_stick, setup),
		cmocka_unit_test_setup(test_connection_reused, setup),
		cmocka_unit_test_setup(test_status_passed_through, setup),
		cmocka_unit_test_setup(test_redirect_not_followed, setup),
		cmocka_unit_test_setup(test_body_over_cap, setup),
		cmocka_unit_test_setup(test_body_over_cap_without_length, setup),
		cmocka_unit_test_setup(test_body_at_cap, setup),
		cmocka_unit_test_setup(test_body_cut_off, setup),
		cmocka_unit_test_setup(test_headers_of_last_answer, setup),
		cmocka_unit_test_setup(test_headers_do_not_stick, setup),
		cmocka_unit_test_setup(test_no_header_fields, setup),
		cmocka_unit_test_setup(test_repeated_fields, setup),
		cmocka_unit_test_setup(test_unreadable_answers, setup),
		cmocka_unit_test_setup(test_headers_over_cap, setup),
		cmocka_unit_test_setup(test_connection_refused, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_tls_failure, setup),
		cmocka_unit_test_setup(test_unresolvable_host, setup),
		cmocka_unit_test_setup(test_other_schemes_refused, setup),
		cmocka_unit_test_setup(test_new_without_config, setup),
	};

	/* The client must not be sent through a proxy of the environment. */
	setenv("no_proxy", "*", 1);
	/* With CURLOPT_NOSIGNAL, SIGPIPE is the program's to ignore. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
