/*
 * pool.h - the FastCGI worker threads, started as requests need them.
 *
 * libfcgi binds a kept connection to the thread that read its first
 * request: that thread is "held" until the web server sends the next
 * request on it or closes it.  So threads are not a fixed number: while
 * requests may be taken, at least eight threads, plus half as many as
 * requests are in progress, wait in accept(2); when one takes a
 * connection and fewer are left, more are started.  At
 * most max requests are in progress at once; a request waits only while
 * max are.  Threads held by idle connections serve no request and do not
 * count against max.  A thread that waited IDLE_SECONDS (cgi/fastcgi.c)
 * for a connection while enough others wait too ends.
 *
 * Each worker runs the caller's function, which drives its own thread
 * through fal_pool_accept, fal_pool_begin and fal_pool_end.
 */
#ifndef FAL_POOL_H
#define FAL_POOL_H

#include <pthread.h>
#include <stdbool.h>

struct fal_pool;
struct fal_pool_worker;

/*
 * A pool for at most max requests in progress at once; run(worker, arg)
 * is each thread's body.  NULL when out of memory.
 */
struct fal_pool *fal_pool_new(int max, void (*run)(struct fal_pool_worker *,
						   void *), void *arg);

/* Starts the first threads; 0, or -1 when none can be started. */
int fal_pool_start(struct fal_pool *p);

/*
 * The worker is about to accept a connection: true; false when it must
 * end instead (the pool stops, or enough threads accept already).
 */
bool fal_pool_accept(struct fal_pool_worker *w);

/*
 * The worker got no connection: an error, the pool stops, or (idle) none
 * came for a while.  true: the worker is not needed and must end.
 */
bool fal_pool_accept_failed(struct fal_pool_worker *w, bool idle);

/*
 * The worker has read a request (accepted: on a connection it has just
 * accepted; else on its held one): waits while max requests are in
 * progress, and counts this one.  false: the pool stops and the request
 * must not be served.
 */
bool fal_pool_begin(struct fal_pool_worker *w, bool accepted);

/*
 * The request is answered.  held_fd is the connection the web server
 * keeps for a next request (the worker will block reading it), or -1.
 * false: the pool stops, and the worker must close the connection and
 * end.
 */
bool fal_pool_end(struct fal_pool_worker *w, int held_fd);

/* The worker no longer waits on its held connection (it was closed). */
void fal_pool_unhold(struct fal_pool_worker *w);

/*
 * Joins the workers that ended (their stacks are freed); returns how many
 * threads are running.
 */
int fal_pool_reap(struct fal_pool *p);

/*
 * Stops: no request is begun any more, and wake(thread) is called, every
 * 20 ms until they end, for each worker blocked accepting or on a held
 * connection.  Returns when every thread has been joined.
 */
void fal_pool_stop(struct fal_pool *p, void (*wake)(pthread_t thread));

/* Frees a stopped pool. */
void fal_pool_free(struct fal_pool *p);

#endif
