/*
 * pg_pool.h - a small pool of libpq connections to one PostgreSQL
 * database, shared by a handle's threads, with reconnection and backoff:
 * while the server cannot be reached, work fails at once with
 * FAL_ERR_BATCH_STORE_UNAVAILABLE instead of waiting on a connect, and the
 * next connect is tried after 50 ms, then twice as long each time up to
 * 500 ms (a few connects a second: no burden on a server coming back).
 * Plus the few helpers the store's SQL needs (text parameters, result
 * columns).
 */
#ifndef FAL_PG_POOL_H
#define FAL_PG_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "../lib/err.h"

struct fal_pg_pool;

/*
 * Work done on one connection: FAL_OK or a failure.  It sets *unsure when
 * it may have changed the database before failing (a COMMIT sent, its
 * answer lost), so that it is not run again on a fresh connection.
 */
typedef enum fal_err (*fal_pg_fn)(PGconn *c, void *arg, bool *unsure);

/*
 * A statement prepared on each connection as it opens (PQprepare), so
 * that the server parses and plans a hot statement once per connection,
 * not once per call.  Lists of them end with a NULL name.
 */
struct fal_pg_stmt {
	const char *name;
	const char *sql;
};

/* Where setup writes why it failed ("" to let libpq's error stand). */
struct fal_pg_msg {
	char *buf;
	size_t len;
};

/*
 * Connects to uri once and runs setup on that connection (the schema)
 * with a struct fal_pg_msg as its arg; NULL with the reason in errbuf
 * (libpq's words or setup's, never the URI).  The pool keeps at most size
 * connections, each of which runs session (SQL, or NULL) once connected
 * and then prepares stmts (NULL: none; after setup on the first one).
 */
struct fal_pg_pool *fal_pg_pool_open(const char *uri, int size,
				     const char *session,
				     const struct fal_pg_stmt *stmts,
				     fal_pg_fn setup, char *errbuf,
				     size_t len);

/*
 * Runs fn on a pooled connection, waiting for a free one.  A connection
 * the server dropped (a restart) is replaced and fn run once more on the
 * new one.  FAL_ERR_BATCH_STORE_UNAVAILABLE while the server is away.
 */
enum fal_err fal_pg_run(struct fal_pg_pool *p, fal_pg_fn fn, void *arg);

void fal_pg_pool_close(struct fal_pg_pool *p);

/* Text parameters of one statement. */
#define FAL_PG_MAX_PARAMS 12
struct fal_pg_params {
	int n;
	const char *v[FAL_PG_MAX_PARAMS];
	char num[FAL_PG_MAX_PARAMS][24];
};

/* Adds an integer, a string (NULL: SQL NULL). */
void fal_pg_int(struct fal_pg_params *p, long long v);
void fal_pg_text(struct fal_pg_params *p, const char *s);

/*
 * Runs sql with p (NULL: none, and then sql may be several statements).  FAL_OK with the result in *res (the
 * caller's to PQclear) when it is not NULL, else the failure.
 */
enum fal_err fal_pg_exec(PGconn *c, const char *sql,
			 const struct fal_pg_params *p, PGresult **res);

/* As fal_pg_exec, with a statement the pool prepared. */
enum fal_err fal_pg_exec_stmt(PGconn *c, const struct fal_pg_stmt *s,
			      const struct fal_pg_params *p, PGresult **res);

/* Runs sql with p; *changes (when not NULL) gets the rows it changed. */
enum fal_err fal_pg_cmd(PGconn *c, const char *sql,
			const struct fal_pg_params *p, long *changes);

/* Column col of row: a number (0 when NULL), a string (NULL when NULL). */
long long fal_pg_ll(const PGresult *r, int row, int col);
const char *fal_pg_str(const PGresult *r, int row, int col);

#endif
