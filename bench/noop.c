/*
 * noop.c - the benchmark's reference: a FastCGI responder that does no
 * work.  It has Falconieri's threading model (N threads, each with its own
 * FCGX_Request, blocking in FCGX_Accept_r on one listening socket) and its
 * --listen and --workers options, and answers every request 400 with a
 * fixed JSON error.  What Falconieri costs on top of this is what it does.
 *
 * It reads what is left of the request body, as Falconieri does: on a kept
 * connection, unread stdin records would make libfcgi drop the connection
 * at the next accept, and the reference would measure reconnects.
 *
 * Built with -DNOOP_CALL (build/noop-call), it takes --call URL: before
 * answering 200 with no body, it makes the one vendor call a Snom
 * register is, with the same request line, headers and body bytes as
 * Falconieri's, on a reused curl handle per worker - and nothing else: no
 * validation, no XML built or parsed, no log.  That is the ceiling of any
 * gateway that calls the vendor once per request.
 *
 * usage: noop --listen ADDR [--workers N]        (SIGTERM ends it)
 *        noop-call --listen ADDR [--workers N] --call URL
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#ifdef NOOP_CALL
#include <curl/curl.h>
#endif

#define DEFAULT_WORKERS 16
#define MAX_WORKERS 1024

static const char answer[] =
	"Status: 400 Bad Request\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 33\r\n"
	"\r\n"
	"{\"error\":\"malformed_mac_address\"}";

#ifdef NOOP_CALL
static const char call_ok[] = "Status: 200 OK\r\nContent-Length: 0\r\n\r\n";
static const char call_failed[] =
	"Status: 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";

/* What Falconieri sends for PUT /providers/snom/AC-DE-48-23-45-67. */
static const char call_body[] =
	"<?xml version=\"1.0\"?><methodCall><methodName>redirect.registerPhone"
	"</methodName><params><param><value><string>ACDE48234567</string>"
	"</value></param><param><value><string>https://pbx.example.com/"
	"provisioning/</string></value></param></params></methodCall>";
static const char *const call_headers[] = {
	"Content-Type: text/xml", "User-Agent: Falconieri/0.1.0", "Expect:",
	"Authorization: Basic YmVuY2g6YmVuY2g=",  /* bench:bench */
};
static const char *call_url;           /* NULL: the plain no-op */
static struct curl_slist *call_list;   /* call_headers, read-only */

static size_t
discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* A worker's handle, every option set once; NULL on failure. */
static CURL *
call_new(CURLU **url)
{
	CURL *c = curl_easy_init();

	if (c == NULL || (*url = curl_url()) == NULL ||
	    curl_url_set(*url, CURLUPART_URL, call_url, 0) != CURLUE_OK)
		return NULL;
	curl_easy_setopt(c, CURLOPT_CURLU, *url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, call_list);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, call_body);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	return c;
}

/* The answer after one vendor call. */
static const char *
call_answer(CURL *c)
{
	long status = 0;

	if (curl_easy_perform(c) != CURLE_OK)
		return call_failed;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status == 200 ? call_ok : call_failed;
}
#endif

/* One worker: accepts and answers until accept fails; returns NULL. */
static void *
worker_main(void *arg)
{
	int fd = *(const int *)arg;
	const char *out = answer;
	FCGX_Request req;
	char buf[8192];
#ifdef NOOP_CALL
	CURLU *url = NULL;
	CURL *c = call_url != NULL ? call_new(&url) : NULL;

	if (call_url != NULL && c == NULL)
		return NULL;
#endif

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&req) >= 0) {
#ifdef NOOP_CALL
		if (c != NULL)
			out = call_answer(c);
#endif
		FCGX_PutStr(out, (int)strlen(out), req.out);
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			;
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return NULL;
}

/* Parses the options into *listen and *workers; 0, or -1 on a bad one. */
static int
parse_args(int argc, char **argv, const char **listen, int *workers)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			*listen = argv[++i];
#ifdef NOOP_CALL
		} else if (strcmp(argv[i], "--call") == 0 && i + 1 < argc) {
			call_url = argv[++i];
#endif
		} else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
			*workers = (int)strtol(argv[++i], &end, 10);
			if (*end != '\0' || *workers < 1 || *workers > MAX_WORKERS)
				return -1;
		} else {
			return -1;
		}
	}
	return *listen != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *listen = NULL;
	int workers = DEFAULT_WORKERS, fd;
	pthread_t *threads;

	if (parse_args(argc, argv, &listen, &workers) != 0) {
		fprintf(stderr, "usage: noop --listen ADDR [--workers N]"
#ifdef NOOP_CALL
			" [--call URL]"
#endif
			"\n");
		return 2;
	}
	FCGX_Init();
#ifdef NOOP_CALL
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t i = 0; i < sizeof(call_headers) / sizeof(*call_headers); i++)
		call_list = curl_slist_append(call_list, call_headers[i]);
#endif
	/* libfcgi catches SIGTERM only to flag a shutdown that threads
	 * blocked in accept(2) never see: the reference just ends. */
	signal(SIGTERM, SIG_DFL);
	if ((fd = FCGX_OpenSocket(listen, 128)) < 0) {
		fprintf(stderr, "noop: --listen %s: cannot open socket\n", listen);
		return 1;
	}
	if ((threads = calloc((size_t)workers, sizeof(*threads))) == NULL)
		return 1;
	for (int i = 0; i < workers; i++)
		if (pthread_create(&threads[i], NULL, worker_main, &fd) != 0)
			return 1;
	for (int i = 0; i < workers; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return 0;
}
