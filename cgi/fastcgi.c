/* fastcgi.c - see fastcgi.h. */
#include "fastcgi.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "../lib/http.h"
#include "../lib/log.h"
#include "serve.h"

/* The signal that wakes an idle worker out of accept(2) or read(2). */
#define WAKE_SIGNAL SIGUSR1

struct worker {
	pthread_t thread;
	const struct fal_config *cfg;
	int listen_fd;
	atomic_bool idle;      /* waiting for a request, safe to interrupt */
	atomic_bool finished;
};

static atomic_bool stopping;

static long
fcgi_read(void *ctx, char *buf, size_t len)
{
	FCGX_Request *req = ctx;
	int n = FCGX_GetStr(buf, len > 65536 ? 65536 : (int)len, req->in);

	return n < 0 ? -1 : n;
}

static int
fcgi_write(void *ctx, const char *buf, size_t len)
{
	FCGX_Request *req = ctx;

	return FCGX_PutStr(buf, (int)len, req->out) == (int)len ? 0 : -1;
}

/*
 * Reads what is left of the body (a refused large one): leaving records
 * unread on a kept connection would desynchronise the next request.
 */
static void
drain_input(FCGX_Request *req)
{
	char buf[8192];

	while (FCGX_GetStr(buf, sizeof(buf), req->in) > 0)
		;
}

static void
serve_one(struct worker *w, struct fal_http *http, FCGX_Request *req)
{
	struct fal_io io = {
		.envp = req->envp,
		.read = fcgi_read,
		.write = fcgi_write,
		.ctx = req,
	};

	fal_serve(w->cfg, http, &io);
	drain_input(req);
	FCGX_Finish_r(req);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct fal_http *http = fal_http_new(w->cfg);
	FCGX_Request req;

	if (http == NULL || FCGX_InitRequest(&req, w->listen_fd, 0) != 0) {
		fal_log_msg(w->cfg->log_format, "error", "worker: out of memory");
		fal_http_free(http);
		atomic_store(&w->finished, true);
		return NULL;
	}
	while (!atomic_load(&stopping)) {
		atomic_store(&w->idle, true);
		if (atomic_load(&stopping) || FCGX_Accept_r(&req) < 0)
			break;
		atomic_store(&w->idle, false);
		serve_one(w, http, &req);
	}
	atomic_store(&w->idle, false);
	FCGX_Free(&req, 1);
	fal_http_free(http);
	atomic_store(&w->finished, true);
	return NULL;
}

static void
on_wake(int sig)
{
	(void)sig;
}

/* Blocks the stop signals in every thread (main waits for them) and
 * installs the wake signal without SA_RESTART so it interrupts accept(2). */
static void
setup_signals(sigset_t *stop)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(WAKE_SIGNAL, &sa, NULL);
	sigemptyset(stop);
	sigaddset(stop, SIGTERM);
	sigaddset(stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, stop, NULL);
}

/* Wakes idle workers until every worker has left its loop. */
static void
stop_workers(struct worker *workers, int n)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	bool all;

	atomic_store(&stopping, true);
	FCGX_ShutdownPending();
	do {
		all = true;
		for (int i = 0; i < n; i++) {
			if (atomic_load(&workers[i].finished))
				continue;
			all = false;
			if (atomic_load(&workers[i].idle))
				pthread_kill(workers[i].thread, WAKE_SIGNAL);
		}
		if (!all)
			nanosleep(&pause, NULL);
	} while (!all);
	for (int i = 0; i < n; i++)
		pthread_join(workers[i].thread, NULL);
}

int
fal_fastcgi_run(const struct fal_config *cfg, int listen_fd, int nworkers)
{
	struct worker *workers = calloc((size_t)nworkers, sizeof(*workers));
	sigset_t stop;
	int sig, started = 0;

	if (workers == NULL)
		return 1;
	setup_signals(&stop);
	for (; started < nworkers; started++) {
		workers[started].cfg = cfg;
		workers[started].listen_fd = listen_fd;
		if (pthread_create(&workers[started].thread, NULL, worker_main,
				   &workers[started]) != 0)
			break;
	}
	if (started == nworkers) {
		fal_log_msg(cfg->log_format, "info",
			    "serving FastCGI with %d workers", nworkers);
		sigwait(&stop, &sig);
		fal_log_msg(cfg->log_format, "info",
			    "signal %d: finishing requests in flight", sig);
	}
	stop_workers(workers, started);
	free(workers);
	return started == nworkers ? 0 : 1;
}
