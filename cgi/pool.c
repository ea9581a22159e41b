/* pool.c - see pool.h. */
#include "pool.h"

#include <stdlib.h>
#include <time.h>

/* Threads accepting (or starting) while requests may be taken, at least. */
#define AHEAD 8
/*
 * Threads beyond max, for kept connections the web server holds idle
 * (nginx: keepalive times worker_processes): a bound on memory and
 * descriptors, far above any sane front end.
 */
#define HELD_MAX 256
/* How often fal_pool_stop wakes the workers that block. */
#define WAKE_PAUSE_NS (20 * 1000 * 1000)

enum state { STARTING, ACCEPTING, SERVING, HELD };

struct fal_pool_worker {
	pthread_t thread;
	struct fal_pool *pool;
	enum state state;               /* guarded by the pool's lock */
	struct fal_pool_worker *next;   /* in live or dead */
};

struct fal_pool {
	pthread_mutex_t lock;
	pthread_cond_t slot;   /* requests wait here while max are served */
	void (*run)(struct fal_pool_worker *, void *);
	void *arg;
	int max;               /* requests in progress at once */
	int cap;               /* threads at once */
	int threads, accepting, starting, busy;
	bool stopping;
	struct fal_pool_worker *live, *dead;
};

struct fal_pool *
fal_pool_new(int max, void (*run)(struct fal_pool_worker *, void *), void *arg)
{
	struct fal_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->slot, NULL);
	p->run = run;
	p->arg = arg;
	p->max = max;
	p->cap = max + HELD_MAX;
	return p;
}

static void
unlink_worker(struct fal_pool_worker **list, struct fal_pool_worker *w)
{
	while (*list != w)
		list = &(*list)->next;
	*list = w->next;
}

static void *
thread_main(void *arg)
{
	struct fal_pool_worker *w = arg;
	struct fal_pool *p = w->pool;

	p->run(w, p->arg);
	pthread_mutex_lock(&p->lock);
	p->threads--;
	unlink_worker(&p->live, w);
	w->next = p->dead;
	p->dead = w;
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Under the lock: starts one more worker; 0, or -1. */
static int
spawn(struct fal_pool *p)
{
	struct fal_pool_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return -1;
	w->pool = p;
	w->state = STARTING;
	if (pthread_create(&w->thread, NULL, thread_main, w) != 0) {
		free(w);
		return -1;
	}
	w->next = p->live;
	p->live = w;
	p->threads++;
	p->starting++;
	return 0;
}

/*
 * Under the lock: while fewer threads accept (or are starting) than AHEAD
 * plus half the requests in progress, although a request could be taken,
 * starts one more.  The more requests come at once, the more threads a
 * burst starts ahead of them (a fresh process took 1.9 s to answer 200
 * PUTs at once with AHEAD alone, 1.1 s with this; once started, 0.4 s).
 */
static void
want_acceptors(struct fal_pool *p)
{
	while (!p->stopping && p->accepting + p->starting < AHEAD + p->busy / 2 &&
	       p->busy < p->max && p->threads < p->cap && spawn(p) == 0)
		;
}

int
fal_pool_start(struct fal_pool *p)
{
	int threads;

	pthread_mutex_lock(&p->lock);
	want_acceptors(p);
	threads = p->threads;
	pthread_mutex_unlock(&p->lock);
	return threads > 0 ? 0 : -1;
}

bool
fal_pool_accept(struct fal_pool_worker *w)
{
	struct fal_pool *p = w->pool;
	bool go;

	pthread_mutex_lock(&p->lock);
	if (w->state == STARTING)
		p->starting--;
	go = !p->stopping;
	if (go) {
		p->accepting++;
		w->state = ACCEPTING;
	}
	pthread_mutex_unlock(&p->lock);
	return go;
}

bool
fal_pool_accept_failed(struct fal_pool_worker *w, bool idle)
{
	struct fal_pool *p = w->pool;
	bool end;

	pthread_mutex_lock(&p->lock);
	p->accepting--;
	w->state = SERVING;
	end = idle && p->accepting + p->starting >= AHEAD;
	pthread_mutex_unlock(&p->lock);
	return end;
}

bool
fal_pool_begin(struct fal_pool_worker *w, bool accepted)
{
	struct fal_pool *p = w->pool;
	bool stopping;

	pthread_mutex_lock(&p->lock);
	if (accepted)
		p->accepting--;
	w->state = SERVING;
	while (!p->stopping && p->busy >= p->max)
		pthread_cond_wait(&p->slot, &p->lock);
	stopping = p->stopping;
	if (!stopping) {
		p->busy++;
		want_acceptors(p);
	}
	pthread_mutex_unlock(&p->lock);
	return !stopping;
}

bool
fal_pool_end(struct fal_pool_worker *w, int held_fd)
{
	struct fal_pool *p = w->pool;
	bool stopping;

	pthread_mutex_lock(&p->lock);
	p->busy--;
	pthread_cond_signal(&p->slot);
	stopping = p->stopping;
	if (held_fd >= 0 && !stopping) {
		w->state = HELD;
		want_acceptors(p);
	}
	pthread_mutex_unlock(&p->lock);
	return !stopping;
}

void
fal_pool_unhold(struct fal_pool_worker *w)
{
	pthread_mutex_lock(&w->pool->lock);
	w->state = SERVING;
	pthread_mutex_unlock(&w->pool->lock);
}

int
fal_pool_reap(struct fal_pool *p)
{
	struct fal_pool_worker *dead;
	int threads;

	pthread_mutex_lock(&p->lock);
	dead = p->dead;
	p->dead = NULL;
	threads = p->threads;
	pthread_mutex_unlock(&p->lock);
	while (dead != NULL) {
		struct fal_pool_worker *next = dead->next;

		pthread_join(dead->thread, NULL);
		free(dead);
		dead = next;
	}
	return threads;
}

void
fal_pool_stop(struct fal_pool *p, void (*wake)(pthread_t thread))
{
	const struct timespec pause = { 0, WAKE_PAUSE_NS };

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->slot);
	pthread_mutex_unlock(&p->lock);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		for (struct fal_pool_worker *w = p->live; w != NULL; w = w->next)
			if (w->state == ACCEPTING || w->state == HELD)
				wake(w->thread);
		pthread_mutex_unlock(&p->lock);
		if (fal_pool_reap(p) == 0)
			break;
		nanosleep(&pause, NULL);
	}
	fal_pool_reap(p);
}

void
fal_pool_free(struct fal_pool *p)
{
	if (p == NULL)
		return;
	pthread_cond_destroy(&p->slot);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
