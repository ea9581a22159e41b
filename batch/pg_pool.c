/*
 * pg_pool.c - see pg_pool.h.
 *
 * The pool's mutex guards which connections are lent and the backoff;
 * connects and queries happen outside it, each connection used by one
 * thread at a time, as libpq requires.
 */
#include "pg_pool.h"

#include "../lib/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKOFF_FIRST_MS 50
#define BACKOFF_MAX_MS 500
#define MAX_POOL 16

struct fal_pg_pool {
	char *uri;
	const char *session;
	const struct fal_pg_stmt *stmts;
	int size;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	PGconn *conns[MAX_POOL];
	bool lent[MAX_POOL];
	long long retry_at_ms;  /* no connect before this (monotonic) */
	long backoff_ms;        /* the wait after the next failed connect */
};

/* The server's notices ("already exists, skipping") are not for logs. */
static void
ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Prepares stmts (NULL: none) on c; false when the server refused one. */
static bool
prepare(PGconn *c, const struct fal_pg_stmt *stmts)
{
	for (; stmts != NULL && stmts->name != NULL; stmts++) {
		PGresult *r = PQprepare(c, stmts->name, stmts->sql, 0, NULL);
		bool ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;

		PQclear(r);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * A new connection, or NULL with libpq's reason in errbuf.  Defaults come
 * before the URI, which may override them: a connect gives up after 5 s
 * (a request waits no longer), and keepalives notice a vanished server.
 */
static PGconn *
connect_uri(const char *uri, const char *session,
	    const struct fal_pg_stmt *stmts, char *errbuf, size_t len)
{
	static const char *const keys[] = {
		"connect_timeout", "application_name", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "dbname", NULL };
	const char *vals[] = { "5", "falconieri", "30", "10", "3", uri, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	size_t n;

	if (c != NULL && PQstatus(c) == CONNECTION_OK &&
	    PQsetClientEncoding(c, "UTF8") == 0 &&
	    (session == NULL || fal_pg_cmd(c, session, NULL, NULL) == FAL_OK) &&
	    prepare(c, stmts)) {
		PQsetNoticeProcessor(c, ignore_notice, NULL);
		return c;
	}
	snprintf(errbuf, len, "%s", c != NULL ? PQerrorMessage(c)
					       : "out of memory");
	n = strlen(errbuf);
	while (n > 0 && (errbuf[n - 1] == '\n' || errbuf[n - 1] == ' '))
		errbuf[--n] = '\0';
	PQfinish(c);
	return NULL;
}

struct fal_pg_pool *
fal_pg_pool_open(const char *uri, int size, const char *session,
		 const struct fal_pg_stmt *stmts, fal_pg_fn setup, char *errbuf,
		 size_t len)
{
	struct fal_pg_pool *p;
	PGconn *c = connect_uri(uri, session, NULL, errbuf, len);
	struct fal_pg_msg msg = { errbuf, len };
	bool unsure = false;

	if (c == NULL)
		return NULL;
	errbuf[0] = '\0';
	/* The statements name tables that setup may have to create first. */
	if (setup(c, &msg, &unsure) != FAL_OK || !prepare(c, stmts)) {
		if (errbuf[0] == '\0')
			snprintf(errbuf, len, "%s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->uri = strdup(uri)) == NULL) {
		free(p);
		PQfinish(c);
		snprintf(errbuf, len, "out of memory");
		return NULL;
	}
	p->session = session;
	p->stmts = stmts;
	p->size = size < 1 ? 1 : size > MAX_POOL ? MAX_POOL : size;
	p->conns[0] = c;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	return p;
}

/* Lends a slot (waiting for one); its connection may be NULL. */
static int
lend(struct fal_pg_pool *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (i = 0; i < p->size; i++)
			if (!p->lent[i])
				break;
		if (i < p->size)
			break;
		pthread_cond_wait(&p->freed, &p->lock);
	}
	p->lent[i] = true;
	pthread_mutex_unlock(&p->lock);
	return i;
}

/* Takes slot i back; a connection the server dropped is closed. */
static void
give_back(struct fal_pg_pool *p, int i)
{
	pthread_mutex_lock(&p->lock);
	if (p->conns[i] != NULL && PQstatus(p->conns[i]) != CONNECTION_OK) {
		PQfinish(p->conns[i]);
		p->conns[i] = NULL;
	}
	p->lent[i] = false;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* Gives slot i a connection unless the backoff forbids it; 0 or -1. */
static int
reconnect(struct fal_pg_pool *p, int i)
{
	char why[256];
	PGconn *c;
	bool wait;

	pthread_mutex_lock(&p->lock);
	wait = fal_clock_ms() < p->retry_at_ms;
	pthread_mutex_unlock(&p->lock);
	if (wait)
		return -1;
	c = connect_uri(p->uri, p->session, p->stmts, why, sizeof(why));
	pthread_mutex_lock(&p->lock);
	if (c != NULL) {
		p->backoff_ms = 0;
		p->conns[i] = c;
	} else {
		p->backoff_ms = p->backoff_ms == 0 ? BACKOFF_FIRST_MS :
				p->backoff_ms * 2 > BACKOFF_MAX_MS ?
				BACKOFF_MAX_MS : p->backoff_ms * 2;
		p->retry_at_ms = fal_clock_ms() + p->backoff_ms;
	}
	pthread_mutex_unlock(&p->lock);
	return c != NULL ? 0 : -1;
}

enum fal_err
fal_pg_run(struct fal_pg_pool *p, fal_pg_fn fn, void *arg)
{
	enum fal_err rc = FAL_ERR_BATCH_STORE_UNAVAILABLE;

	for (int tries = 0; tries < 2; tries++) {
		int i = lend(p);
		bool fresh = p->conns[i] == NULL, unsure = false, lost;

		if (fresh && reconnect(p, i) != 0) {
			give_back(p, i);
			return FAL_ERR_BATCH_STORE_UNAVAILABLE;
		}
		rc = fn(p->conns[i], arg, &unsure);
		lost = PQstatus(p->conns[i]) != CONNECTION_OK;
		give_back(p, i);
		/* Only a connection that was already open may have been
		 * dropped while idle; a fresh one failing means the server
		 * is in trouble now. */
		if (rc == FAL_OK || !lost || fresh || unsure)
			break;
	}
	return rc;
}

void
fal_pg_pool_close(struct fal_pg_pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->size; i++)
		PQfinish(p->conns[i]);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->uri);
	free(p);
}

void
fal_pg_int(struct fal_pg_params *p, long long v)
{
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

void
fal_pg_text(struct fal_pg_params *p, const char *s)
{
	p->v[p->n++] = s;
}

/* FAL_OK with r in *res (or cleared when res is NULL), else the failure. */
static enum fal_err
result(PGresult *r, PGresult **res)
{
	ExecStatusType st;

	if (r == NULL)
		return FAL_ERR_INTERNAL;
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		PQclear(r);
		return FAL_ERR_BATCH_STORE_UNAVAILABLE;
	}
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return FAL_OK;
}

enum fal_err
fal_pg_exec(PGconn *c, const char *sql, const struct fal_pg_params *p,
	    PGresult **res)
{
	/* Without parameters, PQexec: it runs several statements. */
	return result(p == NULL ? PQexec(c, sql) :
		      PQexecParams(c, sql, p->n, NULL, p->v, NULL, NULL, 0),
		      res);
}

enum fal_err
fal_pg_exec_stmt(PGconn *c, const struct fal_pg_stmt *s,
		 const struct fal_pg_params *p, PGresult **res)
{
	return result(PQexecPrepared(c, s->name, p->n, p->v, NULL, NULL, 0),
		      res);
}

enum fal_err
fal_pg_cmd(PGconn *c, const char *sql, const struct fal_pg_params *p,
	   long *changes)
{
	PGresult *r;
	enum fal_err rc = fal_pg_exec(c, sql, p, &r);

	if (rc != FAL_OK)
		return rc;
	if (changes != NULL)
		*changes = atol(PQcmdTuples(r));
	PQclear(r);
	return FAL_OK;
}

long long
fal_pg_ll(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : atoll(PQgetvalue(r, row, col));
}

const char *
fal_pg_str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}
