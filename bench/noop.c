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
 * usage: noop --listen ADDR [--workers N]        (SIGTERM ends it)
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#define DEFAULT_WORKERS 16
#define MAX_WORKERS 1024

static const char answer[] =
	"Status: 400 Bad Request\r\n"
	"Content-Type: application/json\r\n"
	"Content-Length: 33\r\n"
	"\r\n"
	"{\"error\":\"malformed_mac_address\"}";

/* One worker: accepts and answers until accept fails; returns NULL. */
static void *
worker_main(void *arg)
{
	int fd = *(const int *)arg;
	FCGX_Request req;
	char buf[8192];

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(answer, (int)sizeof(answer) - 1, req.out);
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
		fprintf(stderr, "usage: noop --listen ADDR [--workers N]\n");
		return 2;
	}
	FCGX_Init();
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
