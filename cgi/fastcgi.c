/* fastcgi.c - see fastcgi.h. */
#include "fastcgi.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "../lib/http.h"
#include "../lib/log.h"
#include "pool.h"
#include "serve.h"

/* The signal that wakes a worker out of accept(2) or read(2) at SIGTERM. */
#define WAKE_SIGNAL SIGUSR1
/* A thread that waited this long for a connection, not needed, ends. */
#define IDLE_SECONDS 15
/* How often the main thread joins the workers that ended. */
#define REAP_SECONDS 1

struct server {
	const struct fal_config *cfg;
	const struct fal_batch_routes *batches;
	int listen_fd;
};

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
 * Whether the web server has closed the request's connection: it does so
 * when its client gives up (nginx: 499), and never half-closes a
 * connection it still waits on.  Never blocks.
 */
static bool
fcgi_client_gone(void *ctx)
{
	FCGX_Request *req = ctx;
	struct pollfd pfd = { .fd = req->ipcFd, .events = POLLRDHUP };

	return poll(&pfd, 1, 0) > 0 &&
	       (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
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
serve_one(const struct server *srv, struct fal_http *http, FCGX_Request *req)
{
	struct fal_io io = {
		.envp = req->envp,
		.read = fcgi_read,
		.write = fcgi_write,
		.gone = fcgi_client_gone,
		.ctx = req,
	};

	fal_serve(srv->cfg, http, &io, srv->batches);
	drain_input(req);
	FCGX_Finish_r(req);
}

/*
 * Waits on a kept connection for its next request without ever accepting
 * (libfcgi accepts when the connection turns out closed): 0 when one came.
 */
static int
next_request(FCGX_Request *req)
{
	int listen_fd = req->listen_sock, rc;

	req->listen_sock = -1;
	rc = FCGX_Accept_r(req);
	req->listen_sock = listen_fd;
	return rc;
}

/*
 * Serves the requests of the connection the worker has just read one
 * from, as long as the web server keeps it and the server runs; closes
 * it when the worker must stop.
 */
static void
serve_connection(struct fal_pool_worker *w, const struct server *srv,
		 struct fal_http **http, FCGX_Request *req)
{
	const struct fal_config *cfg = srv->cfg;
	bool accepted = true;

	while (fal_pool_begin(w, accepted)) {
		if (*http == NULL && (*http = fal_http_new(cfg)) == NULL) {
			fal_log_msg(cfg->log_format, "error",
				    "worker: out of memory");
			fal_pool_end(w, -1);
			break;
		}
		serve_one(srv, *http, req);
		if (!fal_pool_end(w, req->ipcFd))
			break;
		if (req->ipcFd < 0 || next_request(req) < 0) {
			fal_pool_unhold(w);
			return;
		}
		accepted = false;
	}
	FCGX_Free(req, 1);
}

/*
 * Waits for a connection to accept: 1, 0 after IDLE_SECONDS, -1 on an
 * error or a signal.  Each waiting thread has its own epoll set holding
 * the listening socket with EPOLLEXCLUSIVE, so that a connection wakes
 * one of them, not all (and the set is made on the first wait).
 */
static int
wait_connection(int *epfd, int listen_fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

	if (*epfd < 0) {
		if ((*epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
			return -1;
		if (epoll_ctl(*epfd, EPOLL_CTL_ADD, listen_fd, &ev) != 0) {
			close(*epfd);
			*epfd = -1;
			return -1;
		}
	}
	return epoll_wait(*epfd, &ev, 1, IDLE_SECONDS * 1000);
}

/*
 * Accepts one connection and reads its first request (the listening
 * socket does not block: another thread may have taken it); 0, or -1.
 */
static int
accept_request(struct fal_pool_worker *w, int *epfd, FCGX_Request *req,
	       bool *end)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	int n = wait_connection(epfd, req->listen_sock), rc;

	*end = false;
	if (n > 0 && (rc = FCGX_Accept_r(req)) >= 0)
		return 0;
	*end = fal_pool_accept_failed(w, n == 0);
	/* Out of descriptors, say: no busy loop. */
	if (n < 0 ? errno != EINTR : n > 0 && rc != -EAGAIN && rc != -EINTR)
		nanosleep(&pause, NULL);
	return -1;
}

/* A worker: accepts a connection and serves it, until told to end. */
static void
worker_run(struct fal_pool_worker *w, void *arg)
{
	const struct server *srv = arg;
	struct fal_http *http = NULL;
	FCGX_Request req;
	int epfd = -1;
	bool end = false;

	/* FAIL_ACCEPT_ON_INTR: WAKE_SIGNAL ends a wait for a connection. */
	if (FCGX_InitRequest(&req, srv->listen_fd,
			     FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return;
	while (!end && fal_pool_accept(w))
		if (accept_request(w, &epfd, &req, &end) == 0)
			serve_connection(w, srv, &http, &req);
	if (epfd >= 0)
		close(epfd);
	FCGX_Free(&req, 1);
	fal_http_free(http);
}

static void
on_wake(int sig)
{
	(void)sig;
}

static void
wake(pthread_t thread)
{
	pthread_kill(thread, WAKE_SIGNAL);
}

/* Blocks the stop signals in every thread (main waits for them) and
 * installs the wake signal without SA_RESTART so it interrupts accept(2)
 * and read(2). */
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

/*
 * Raises the soft limit on descriptors to the hard one: a request in
 * progress holds two (the web server's connection, the vendor's), and
 * systemd's soft 1024 would run out before 512 requests do.
 */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Waits for SIGTERM or SIGINT, joining the workers that end meanwhile. */
static int
wait_stop(const sigset_t *stop, struct fal_pool *pool)
{
	const struct timespec every = { REAP_SECONDS, 0 };
	int sig;

	while ((sig = sigtimedwait(stop, NULL, &every)) < 0)
		fal_pool_reap(pool);
	return sig;
}

int
fal_fastcgi_run(const struct fal_config *cfg, int listen_fd, int max,
		bool own_socket, const struct fal_batch_routes *batches)
{
	struct server srv = { cfg, batches, listen_fd };
	struct fal_pool *pool;
	sigset_t stop;
	int sig;

	setup_signals(&stop);
	raise_fd_limit();
	/* Threads wait in epoll, then accept: another may have been first. */
	fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK);
	if ((pool = fal_pool_new(max, worker_run, &srv)) == NULL ||
	    fal_pool_start(pool) != 0) {
		fal_log_msg(cfg->log_format, "error", "cannot start a worker");
		fal_pool_free(pool);
		return 1;
	}
	fal_log_msg(cfg->log_format, "info",
		    "serving FastCGI, at most %d requests at once", max);
	sig = wait_stop(&stop, pool);
	/* A socket of our own stops listening now: new connections are
	 * refused, not left in the backlog.  An inherited one (systemd,
	 * spawn-fcgi) is theirs: there they wait for the next start. */
	if (own_socket)
		shutdown(listen_fd, SHUT_RDWR);
	fal_log_msg(cfg->log_format, "info",
		    "signal %d: finishing requests in flight", sig);
	fal_pool_stop(pool, wake);
	fal_pool_free(pool);
	if (own_socket)
		close(listen_fd);
	return 0;
}
