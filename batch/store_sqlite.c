/*
 * store_sqlite.c - see store_sqlite.h.
 *
 * One connection per handle, used under the handle's mutex, so the
 * multi-statement transactions below never interleave.  Its statements
 * are prepared once (SQLITE_PREPARE_PERSISTENT) and kept with it: parsing
 * SQL cost more than running it.  Every statement is reset as soon as it
 * has been read, so that none holds a read snapshot open.
 *
 * Writes take the database lock with BEGIN IMMEDIATE and wait for other
 * processes up to BUSY_MS.  A runner's outcomes and its next claim share
 * one write transaction (complete_claim), in which devices are picked and
 * taken with no other process between.  Commits are synchronous=NORMAL: in WAL mode a
 * process that crashes or is killed loses nothing committed (the WAL is
 * the operating system's once written); only a power cut may lose the
 * last outcomes, which are then sent again.  A new batch is committed
 * with synchronous=FULL, since it must survive a power cut once accepted.
 *
 * A device's state column is 0 pending, 1 succeeded, 2 failed, or 3:
 * pending in a cancelled batch, never to be sent (reported as pending).
 * Only state 0 rows are in the claim index, so cancelled and finished
 * devices cost claims nothing.
 */
#include "store_sqlite.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "../providers/table.h"

/* How long a write waits for another process's transaction. */
#define BUSY_MS 10000

/* Device states in the database (see above). */
enum { DB_PENDING, DB_SUCCEEDED, DB_FAILED, DB_CANCELLED };

/* The statements a handle keeps, and their SQL. */
enum q {
	Q_BEGIN, Q_BEGIN_IMMEDIATE, Q_COMMIT, Q_ROLLBACK,
	Q_SYNC_FULL, Q_SYNC_NORMAL,
	Q_LOAD_BATCH, Q_INSERT_BATCH, Q_INSERT_DEVICE, Q_LIST, Q_DEVICES,
	Q_CANCEL_BATCH, Q_CANCEL_DEVICES, Q_FIRST_DUE, Q_TAKE, Q_RUNNING,
	Q_READ_JOB, Q_FINAL, Q_COUNT_FINAL, Q_RETRY, Q_TOUCH, Q_PENDING,
	Q_PURGE_DEVICES, Q_PURGE_BATCHES,
	Q__MAX
};

#define BATCH_COLS "id, action, state, total, pending, succeeded, failed, " \
	"created, updated, finished"

static const char *const sql_of[Q__MAX] = {
	[Q_BEGIN] = "BEGIN",
	[Q_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SYNC_FULL] = "PRAGMA synchronous = FULL",
	[Q_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
	[Q_LOAD_BATCH] = "SELECT " BATCH_COLS ", seq FROM batches WHERE id = ?1",
	[Q_INSERT_BATCH] = "INSERT INTO batches(id, action, state, total, "
		"pending, created, updated) VALUES(?1, ?2, 'queued', ?3, ?3, ?4, ?4)",
	[Q_INSERT_DEVICE] = "INSERT INTO devices(seq, row, provider, mac, url, "
		"sn, crc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_LIST] = "SELECT " BATCH_COLS " FROM batches ORDER BY seq DESC LIMIT ?1",
	[Q_DEVICES] = "SELECT row, provider, mac, state, error, message, "
		"attempts, device_pin, lookup_state, lookup_url FROM devices "
		"WHERE seq = ?1 AND row > ?2 AND (?3 < 0 OR state = ?3 OR "
		"(?3 = 0 AND state = 3)) ORDER BY row LIMIT ?4",
	[Q_CANCEL_BATCH] = "UPDATE batches SET state = 'cancelled', "
		"updated = ?1, finished = ?1 WHERE seq = ?2 AND "
		"state IN ('queued', 'running')",
	/* Devices in flight keep state 0 so that their outcome is still
	 * recorded; the claim query skips cancelled batches. */
	[Q_CANCEL_DEVICES] = "UPDATE devices SET state = 3 WHERE seq = ?2 "
		"AND state = 0 AND claim_until <= ?1",
	[Q_FIRST_DUE] = "SELECT d.seq, d.row FROM devices d "
		"JOIN batches b ON b.seq = d.seq WHERE d.state = 0 AND "
		"d.provider = ?1 AND d.next_at <= ?2 AND d.claim_until <= ?2 "
		"AND b.state IN ('queued', 'running') ORDER BY d.seq, d.row "
		"LIMIT ?3",
	/* Guarded: another process may have taken it since it was picked. */
	[Q_TAKE] = "UPDATE devices SET claim_until = ?1, claim = ?2 WHERE "
		"seq = ?3 AND row = ?4 AND state = 0 AND claim_until <= ?5 AND "
		"next_at <= ?5",
	[Q_RUNNING] = "UPDATE batches SET state = 'running', updated = ?1 "
		"WHERE seq = ?2 AND state = 'queued'",
	[Q_READ_JOB] = "SELECT b.id, b.action, d.provider, d.mac, d.url, d.sn, "
		"d.crc, d.attempts FROM devices d JOIN batches b ON b.seq = d.seq "
		"WHERE d.seq = ?1 AND d.row = ?2",
	[Q_FINAL] = "UPDATE devices SET state = ?1, attempts = attempts + 1, "
		"claim_until = 0, claim = NULL, error = ?2, message = ?3, "
		"device_pin = ?4, lookup_state = ?5, lookup_url = ?6 WHERE "
		"seq = ?7 AND row = ?8 AND claim = ?9 AND state = 0",
	[Q_COUNT_FINAL] = "UPDATE batches SET pending = pending - 1, "
		"succeeded = succeeded + ?3, failed = failed + ?4, updated = ?1, "
		"finished = CASE WHEN pending = 1 AND state IN ('queued', "
		"'running') THEN ?1 ELSE finished END, "
		"state = CASE WHEN pending = 1 AND state IN ('queued', "
		"'running') THEN 'done' ELSE state END WHERE seq = ?2",
	[Q_RETRY] = "UPDATE devices SET attempts = attempts + 1, next_at = ?1, "
		"claim_until = 0, claim = NULL, error = ?2, message = ?3, "
		"state = CASE WHEN (SELECT state FROM batches WHERE seq = ?4) = "
		"'cancelled' THEN 3 ELSE 0 END WHERE seq = ?4 AND row = ?5 AND "
		"claim = ?6 AND state = 0",
	[Q_TOUCH] = "UPDATE batches SET updated = ?1 WHERE seq = ?2",
	/* Not those of a cancelled batch: a device claimed when its batch
	 * was cancelled and never recorded keeps state 0, never to be sent. */
	[Q_PENDING] = "SELECT d.provider, COUNT(*) FROM devices d JOIN batches "
		"b ON b.seq = d.seq WHERE d.state = 0 AND b.state IN ('queued', "
		"'running') GROUP BY d.provider",
	[Q_PURGE_DEVICES] = "DELETE FROM devices WHERE seq IN (SELECT seq FROM "
		"batches WHERE finished < ?1)",
	[Q_PURGE_BATCHES] = "DELETE FROM batches WHERE finished < ?1",
};

struct sq_store {
	struct fal_store base;
	sqlite3 *db;
	pthread_mutex_t lock;
	sqlite3_stmt *st[Q__MAX];
};

/* The schema, version by version: migrations[v] upgrades v to v + 1. */
static const char *const migrations[FAL_SQLITE_SCHEMA_VERSION] = {
	"CREATE TABLE batches("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" id TEXT NOT NULL UNIQUE,"
	" action TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" total INTEGER NOT NULL, pending INTEGER NOT NULL,"
	" succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL, finished INTEGER);"
	"CREATE INDEX batches_finished ON batches(finished);"
	"CREATE TABLE devices("
	" seq INTEGER NOT NULL, row INTEGER NOT NULL,"
	" provider TEXT NOT NULL, mac TEXT NOT NULL, url TEXT, sn TEXT, crc TEXT,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL DEFAULT 0,"
	" claim_until INTEGER NOT NULL DEFAULT 0, claim TEXT,"
	" error TEXT, message TEXT, device_pin TEXT,"
	" lookup_state TEXT, lookup_url TEXT,"
	" PRIMARY KEY(seq, row)) WITHOUT ROWID;"
	"CREATE INDEX devices_todo ON devices(provider, seq, row) WHERE state = 0;",
};

static struct sq_store *
sq(struct fal_store *s)
{
	return (struct sq_store *)s;
}

/* The outcome of a failed SQLite call. */
static enum fal_err
db_err(int rc)
{
	return rc == SQLITE_NOMEM ? FAL_ERR_INTERNAL
				  : FAL_ERR_BATCH_STORE_UNAVAILABLE;
}

/* s's statement q, prepared on first use; bind it, step it, then done(). */
static enum fal_err
stmt(struct sq_store *s, enum q q, sqlite3_stmt **st)
{
	int rc = SQLITE_OK;

	if (s->st[q] == NULL)
		rc = sqlite3_prepare_v3(s->db, sql_of[q], -1,
					SQLITE_PREPARE_PERSISTENT, &s->st[q],
					NULL);
	*st = s->st[q];
	return rc == SQLITE_OK ? FAL_OK : db_err(rc);
}

/* Resets st for its next use: rc of the step, or its failure. */
static enum fal_err
done(sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK
	       ? FAL_OK : db_err(rc);
}

/* Runs the parameterless statement q. */
static enum fal_err
exec(struct sq_store *s, enum q q)
{
	sqlite3_stmt *st;
	enum fal_err rc = stmt(s, q, &st);

	return rc == FAL_OK ? done(st, sqlite3_step(st)) : rc;
}

/* Binds v, or NULL when v is NULL or "". */
static void
bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL || v[0] == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Runs q with the int64 parameters p[0..n-1] and no result rows;
 * *changes, when non-NULL, says how many rows it changed.
 */
static enum fal_err
run(struct sq_store *s, enum q q, const long long *p, int n, int *changes)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, q, &st)) != FAL_OK)
		return rc;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, p[i]);
	rc = done(st, sqlite3_step(st));
	if (changes != NULL)
		*changes = rc == FAL_OK ? sqlite3_changes(s->db) : 0;
	return rc;
}

/*
 * Steps the bound st to its end, calling each(st, arg) per row until it
 * returns non-zero, then resets st.  FAL_OK or the failure.
 */
static enum fal_err
each_row(sqlite3_stmt *st, int (*each)(sqlite3_stmt *, void *), void *arg)
{
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (each(st, arg) != 0)
			break;
	return done(st, r);
}

/* A listing's callback (one of the two) and its context, for each_row. */
struct listing {
	fal_batch_cb batch_cb;
	fal_device_cb device_cb;
	void *ctx;
};

/* Fills b from a row of BATCH_COLS starting at column 0. */
static void
read_batch(sqlite3_stmt *st, struct fal_batch *b)
{
	const char *id = col_text(st, 0);

	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", id != NULL ? id : "");
	b->action = fal_batch_action_parse(col_text(st, 1));
	b->state = fal_batch_state_parse(col_text(st, 2));
	b->total = sqlite3_column_int64(st, 3);
	b->pending = sqlite3_column_int64(st, 4);
	b->succeeded = sqlite3_column_int64(st, 5);
	b->failed = sqlite3_column_int64(st, 6);
	b->created_ms = sqlite3_column_int64(st, 7);
	b->updated_ms = sqlite3_column_int64(st, 8);
	b->finished_ms = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 :
			 sqlite3_column_int64(st, 9);
}

/* Reads batch id into out: FAL_OK, FAL_ERR_BATCH_NOT_FOUND or a failure. */
static enum fal_err
load_batch(struct sq_store *s, const char *id, struct fal_batch *out,
	   long long *seq)
{
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = stmt(s, Q_LOAD_BATCH, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (out != NULL)
			read_batch(st, out);
		if (seq != NULL)
			*seq = sqlite3_column_int64(st, 10);
	}
	rc = done(st, r);
	return rc == FAL_OK && r == SQLITE_DONE ? FAL_ERR_BATCH_NOT_FOUND : rc;
}

/* Ends the transaction: COMMIT when rc is FAL_OK, else ROLLBACK. */
static enum fal_err
finish(struct sq_store *s, enum fal_err rc)
{
	if (rc == FAL_OK)
		rc = exec(s, Q_COMMIT);
	if (rc != FAL_OK)
		exec(s, Q_ROLLBACK);
	return rc;
}

/* Inserts the rows of a new batch numbered seq. */
static enum fal_err
insert_devices(struct sq_store *s, long long seq,
	       const struct fal_batch_row *rows, size_t n)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_INSERT_DEVICE, &st)) != FAL_OK)
		return rc;
	for (size_t i = 0; i < n && rc == FAL_OK; i++) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, rows[i].row);
		sqlite3_bind_text(st, 3, fal_provider_name(rows[i].provider),
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rows[i].mac, -1, SQLITE_STATIC);
		bind_opt(st, 5, rows[i].url);
		bind_opt(st, 6, rows[i].sn);
		bind_opt(st, 7, rows[i].crc);
		rc = done(st, sqlite3_step(st));
	}
	return rc;
}

/* The batch row itself; *seq gets its creation order. */
static enum fal_err
insert_batch(struct sq_store *s, const char *id, enum fal_batch_action a,
	     size_t n, long long now_ms, long long *seq)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_INSERT_BATCH, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fal_batch_action_name(a), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)n);
	sqlite3_bind_int64(st, 4, now_ms);
	rc = done(st, sqlite3_step(st));
	*seq = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static enum fal_err
sq_create(struct fal_store *h, enum fal_batch_action a,
	  const struct fal_batch_row *rows, size_t n, long long now_ms,
	  struct fal_batch *out)
{
	struct sq_store *s = sq(h);
	long long seq = 0;
	char id[17];
	enum fal_err rc;

	if (fal_store_new_id(id) != 0)
		return FAL_ERR_INTERNAL;
	pthread_mutex_lock(&s->lock);
	/* Not accepted unless it will survive a power cut (as on PostgreSQL,
	 * where a new batch commits with synchronous_commit on). */
	if ((rc = exec(s, Q_SYNC_FULL)) == FAL_OK &&
	    (rc = exec(s, Q_BEGIN_IMMEDIATE)) == FAL_OK) {
		rc = insert_batch(s, id, a, n, now_ms, &seq);
		if (rc == FAL_OK)
			rc = insert_devices(s, seq, rows, n);
		if (rc == FAL_OK)
			rc = load_batch(s, id, out, NULL);
		rc = finish(s, rc);
	}
	exec(s, Q_SYNC_NORMAL);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static enum fal_err
sq_get(struct fal_store *h, const char *id, struct fal_batch *out)
{
	enum fal_err rc;

	pthread_mutex_lock(&sq(h)->lock);
	rc = load_batch(sq(h), id, out, NULL);
	pthread_mutex_unlock(&sq(h)->lock);
	return rc;
}

/* Fills d from a row of the device listing. */
static void
read_device(sqlite3_stmt *st, struct fal_batch_device *d)
{
	int state = sqlite3_column_int(st, 3);

	d->row = sqlite3_column_int64(st, 0);
	d->provider = fal_provider_lookup(col_text(st, 1));
	d->mac = col_text(st, 2);
	d->state = state == DB_SUCCEEDED ? FAL_DEV_SUCCEEDED :
		   state == DB_FAILED ? FAL_DEV_FAILED : FAL_DEV_PENDING;
	d->error = col_text(st, 4);
	d->message = col_text(st, 5);
	d->attempts = sqlite3_column_int64(st, 6);
	d->device_pin = col_text(st, 7);
	d->lookup_state = col_text(st, 8);
	d->lookup_url = col_text(st, 9);
}

/* each_row's step of a listing: the row read and handed to its callback. */
static int
listed_row(sqlite3_stmt *st, void *arg)
{
	const struct listing *l = arg;
	union {
		struct fal_batch b;
		struct fal_batch_device d;
	} item;

	if (l->batch_cb != NULL) {
		read_batch(st, &item.b);
		return l->batch_cb(l->ctx, &item.b);
	}
	read_device(st, &item.d);
	return l->device_cb(l->ctx, &item.d);
}

/* Runs statement q bound to the int64 p, each(row) per row, locked. */
static enum fal_err
locked_rows(struct sq_store *s, enum q q, const long long *p,
	    int (*each)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	pthread_mutex_lock(&s->lock);
	if ((rc = stmt(s, q, &st)) == FAL_OK) {
		if (p != NULL)
			sqlite3_bind_int64(st, 1, *p);
		rc = each_row(st, each, arg);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static enum fal_err
sq_list(struct fal_store *h, long limit, fal_batch_cb cb, void *ctx)
{
	struct listing l = { cb, NULL, ctx };
	long long lim = limit;

	return locked_rows(sq(h), Q_LIST, &lim, listed_row, &l);
}

/* Lists the devices of batch seq that q selects. */
static enum fal_err
list_devices(struct sq_store *s, long long seq,
	     const struct fal_device_query *q, fal_device_cb cb, void *ctx)
{
	struct listing l = { NULL, cb, ctx };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_DEVICES, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, q->after);
	sqlite3_bind_int(st, 3, q->state);
	sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
	return each_row(st, listed_row, &l);
}

static enum fal_err
sq_devices(struct fal_store *h, const char *id,
	   const struct fal_device_query *q, fal_device_cb cb, void *ctx)
{
	struct sq_store *s = sq(h);
	long long seq;
	enum fal_err rc;

	pthread_mutex_lock(&s->lock);
	/* One snapshot: the batch and its devices as of one moment. */
	if ((rc = exec(s, Q_BEGIN)) == FAL_OK) {
		rc = load_batch(s, id, NULL, &seq);
		if (rc == FAL_OK)
			rc = list_devices(s, seq, q, cb, ctx);
		exec(s, Q_COMMIT);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static enum fal_err
sq_cancel(struct fal_store *h, const char *id, long long now_ms,
	  struct fal_batch *out)
{
	struct sq_store *s = sq(h);
	long long seq, p[2];
	enum fal_err rc;
	int changed = 0;

	pthread_mutex_lock(&s->lock);
	if ((rc = exec(s, Q_BEGIN_IMMEDIATE)) == FAL_OK) {
		rc = load_batch(s, id, NULL, &seq);
		p[0] = now_ms;
		p[1] = seq;
		if (rc == FAL_OK)
			rc = run(s, Q_CANCEL_BATCH, p, 2, &changed);
		if (rc == FAL_OK && changed)
			rc = run(s, Q_CANCEL_DEVICES, p, 2, NULL);
		if (rc == FAL_OK)
			rc = load_batch(s, id, out, NULL);
		rc = finish(s, rc);
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* A device picked for a claim. */
struct pick {
	long long seq, row;
};

/* The picks of a claim: at most max, in (seq, row) order. */
struct picks {
	struct pick *p;
	size_t n, max;
};

/* Inserts (seq, row) into the sorted picks, dropping the last past max. */
static void
pick_add(struct picks *k, long long seq, long long row)
{
	size_t i = k->n;

	if (i == k->max && (k->p[i - 1].seq < seq ||
			    (k->p[i - 1].seq == seq && k->p[i - 1].row < row)))
		return;
	if (i == k->max)
		i--;
	else
		k->n++;
	for (; i > 0 && (k->p[i - 1].seq > seq ||
			 (k->p[i - 1].seq == seq && k->p[i - 1].row > row)); i--)
		k->p[i] = k->p[i - 1];
	k->p[i] = (struct pick){ seq, row };
}

/* Adds the first limit due devices of provider p to the picks. */
static enum fal_err
first_due(struct sq_store *s, enum fal_provider_id p, long long now_ms,
	  long limit, struct picks *k)
{
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = stmt(s, Q_FIRST_DUE, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, fal_provider_name(p), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, limit);
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		pick_add(k, sqlite3_column_int64(st, 0),
			 sqlite3_column_int64(st, 1));
	return done(st, r);
}

/* The earliest due devices, at most room[p] of provider p. */
static enum fal_err
pick(struct sq_store *s, const int room[FAL_PROVIDER__MAX], long long now_ms,
     struct picks *k)
{
	enum fal_err rc = FAL_OK;

	k->n = 0;
	for (int p = 0; p < FAL_PROVIDER__MAX && rc == FAL_OK; p++)
		if (room[p] > 0)
			rc = first_due(s, p, now_ms, (long)(room[p] < (int)k->max
						? room[p] : (int)k->max), k);
	return rc;
}

static void
copy_col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const char *v = col_text(st, i);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* Reads what the call of device (seq, row) needs into job. */
static enum fal_err
read_job(struct sq_store *s, const struct pick *k, struct fal_batch_job *job)
{
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = stmt(s, Q_READ_JOB, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, k->seq);
	sqlite3_bind_int64(st, 2, k->row);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		copy_col(job->batch, sizeof(job->batch), st, 0);
		job->action = fal_batch_action_parse(col_text(st, 1));
		job->provider = fal_provider_lookup(col_text(st, 2));
		copy_col(job->mac, sizeof(job->mac), st, 3);
		copy_col(job->url, sizeof(job->url), st, 4);
		copy_col(job->sn, sizeof(job->sn), st, 5);
		copy_col(job->crc, sizeof(job->crc), st, 6);
		job->attempts = sqlite3_column_int64(st, 7);
		job->row = (long)k->row;
	}
	rc = done(st, r);
	return rc == FAL_OK && r != SQLITE_ROW ? FAL_ERR_BATCH_STORE_UNAVAILABLE
					      : rc;
}

/* Takes the claim on k if nobody took it since it was picked. */
static enum fal_err
take(struct sq_store *s, const struct pick *k, long long now_ms,
     long claim_ms, const char *token, int *taken)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_TAKE, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, now_ms + claim_ms);
	sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, k->seq);
	sqlite3_bind_int64(st, 4, k->row);
	sqlite3_bind_int64(st, 5, now_ms);
	rc = done(st, sqlite3_step(st));
	*taken = rc == FAL_OK && sqlite3_changes(s->db) == 1;
	return rc;
}

/*
 * Claims (inside the write transaction, so that no other process takes
 * them meanwhile) the first due devices k and room allow into jobs[],
 * *n of them, under a fresh token.
 */
static enum fal_err
claim_picks(struct sq_store *s, const int room[FAL_PROVIDER__MAX],
	    struct picks *k, long long now_ms, long claim_ms,
	    struct fal_batch_job *jobs, size_t *n)
{
	long long p[2] = { now_ms, -1 };
	char token[17];
	enum fal_err rc;
	int taken;

	if (fal_store_new_id(token) != 0)
		return FAL_ERR_INTERNAL;
	rc = pick(s, room, now_ms, k);
	for (size_t i = 0; i < k->n && rc == FAL_OK; i++) {
		rc = take(s, &k->p[i], now_ms, claim_ms, token, &taken);
		if (rc != FAL_OK || !taken)
			continue;
		rc = read_job(s, &k->p[i], &jobs[*n]);
		memcpy(jobs[*n].claim, token, 17);
		(*n)++;
		if (rc == FAL_OK && p[1] != k->p[i].seq) {
			p[1] = k->p[i].seq;
			rc = run(s, Q_RUNNING, p, 2, NULL);
		}
	}
	return rc;
}

/* Records a final outcome and counts it in its batch. */
static enum fal_err
record_final(struct sq_store *s, long long seq, const struct fal_batch_job *job,
	     const struct fal_batch_result *r, long long now_ms)
{
	bool ok = r->state == FAL_DEV_SUCCEEDED;
	long long p[4] = { now_ms, seq, ok ? 1 : 0, ok ? 0 : 1 };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_FINAL, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int(st, 1, ok ? DB_SUCCEEDED : DB_FAILED);
	bind_opt(st, 2, r->error);
	bind_opt(st, 3, r->message);
	bind_opt(st, 4, r->device_pin);
	bind_opt(st, 5, r->lookup_state);
	bind_opt(st, 6, r->lookup_url);
	sqlite3_bind_int64(st, 7, seq);
	sqlite3_bind_int64(st, 8, job->row);
	sqlite3_bind_text(st, 9, job->claim, -1, SQLITE_STATIC);
	rc = done(st, sqlite3_step(st));
	/* A claim taken over meanwhile: the new holder records instead. */
	if (rc != FAL_OK || sqlite3_changes(s->db) != 1)
		return rc;
	return run(s, Q_COUNT_FINAL, p, 4, NULL);
}

/* Records a passing failure: the device waits until retry_at_ms. */
static enum fal_err
record_retry(struct sq_store *s, long long seq, const struct fal_batch_job *job,
	     const struct fal_batch_result *r, long long now_ms)
{
	long long p[2] = { now_ms, seq };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = stmt(s, Q_RETRY, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->retry_at_ms);
	bind_opt(st, 2, r->error);
	bind_opt(st, 3, r->message);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_int64(st, 5, job->row);
	sqlite3_bind_text(st, 6, job->claim, -1, SQLITE_STATIC);
	rc = done(st, sqlite3_step(st));
	if (rc != FAL_OK)
		return rc;
	return run(s, Q_TOUCH, p, 2, NULL);
}

/* Records one outcome inside complete's transaction. */
static enum fal_err
record(struct sq_store *s, const struct fal_batch_outcome *o, long long now_ms)
{
	long long seq;
	enum fal_err rc = load_batch(s, o->job->batch, NULL, &seq);

	if (rc == FAL_OK)
		rc = o->result.state == FAL_DEV_PENDING
		     ? record_retry(s, seq, o->job, &o->result, now_ms)
		     : record_final(s, seq, o->job, &o->result, now_ms);
	/* A batch purged meanwhile has nothing left to record. */
	return rc == FAL_ERR_BATCH_NOT_FOUND ? FAL_OK : rc;
}

/*
 * Records the n outcomes, then claims up to max devices, in one write
 * transaction (called with the lock).  FAL_ERR_NOT_FOUND when max > 0 and
 * none was due.
 */
static enum fal_err
sync_locked(struct sq_store *s, const struct fal_batch_outcome *o, size_t n,
	    const int room[FAL_PROVIDER__MAX], size_t max, long long now_ms,
	    long claim_ms, struct fal_batch_job *jobs, size_t *n_jobs)
{
	struct picks k = { NULL, 0, max };
	enum fal_err rc;

	*n_jobs = 0;
	if (max > 0 && (k.p = calloc(max, sizeof(*k.p))) == NULL)
		return FAL_ERR_INTERNAL;
	if ((rc = exec(s, Q_BEGIN_IMMEDIATE)) == FAL_OK) {
		for (size_t i = 0; i < n && rc == FAL_OK; i++)
			rc = record(s, &o[i], now_ms);
		if (rc == FAL_OK && max > 0)
			rc = claim_picks(s, room, &k, now_ms, claim_ms, jobs,
					 n_jobs);
		rc = finish(s, rc);
	}
	free(k.p);
	if (rc != FAL_OK)
		*n_jobs = 0;
	return rc == FAL_OK && max > 0 && *n_jobs == 0 ? FAL_ERR_NOT_FOUND : rc;
}

static enum fal_err
sq_complete_claim(struct fal_store *h, const struct fal_batch_outcome *o,
		  size_t n, const int room[FAL_PROVIDER__MAX], size_t max,
		  long long now_ms, long claim_ms, struct fal_batch_job *jobs,
		  size_t *n_jobs)
{
	struct sq_store *s = sq(h);
	enum fal_err rc;

	pthread_mutex_lock(&s->lock);
	rc = sync_locked(s, o, n, room, max, now_ms, claim_ms, jobs, n_jobs);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static enum fal_err
sq_complete(struct fal_store *h, const struct fal_batch_outcome *o, size_t n,
	    long long now_ms)
{
	size_t none;

	return sq_complete_claim(h, o, n, NULL, 0, now_ms, 0, NULL, &none);
}

static enum fal_err
sq_claim(struct fal_store *h, const int room[FAL_PROVIDER__MAX], size_t max,
	 long long now_ms, long claim_ms, struct fal_batch_job *jobs,
	 size_t *n)
{
	struct sq_store *s = sq(h);
	struct pick one;
	struct picks k = { &one, 0, 1 };
	enum fal_err rc;

	*n = 0;
	if (max == 0)
		return FAL_ERR_NOT_FOUND;
	pthread_mutex_lock(&s->lock);
	/* A look outside the write lock first keeps idle runners off it. */
	rc = pick(s, room, now_ms, &k);
	if (rc == FAL_OK && k.n > 0)
		rc = sync_locked(s, NULL, 0, room, max, now_ms, claim_ms, jobs, n);
	pthread_mutex_unlock(&s->lock);
	return rc == FAL_OK && *n == 0 ? FAL_ERR_NOT_FOUND : rc;
}


/* each_row's step of the pending counts. */
static int
count_row(sqlite3_stmt *st, void *arg)
{
	long *counts = arg;
	enum fal_provider_id p = fal_provider_lookup(col_text(st, 0));

	if (p < FAL_PROVIDER__MAX)
		counts[p] = sqlite3_column_int64(st, 1);
	return 0;
}

static enum fal_err
sq_pending(struct fal_store *h, long counts[FAL_PROVIDER__MAX])
{
	memset(counts, 0, sizeof(long) * FAL_PROVIDER__MAX);
	return locked_rows(sq(h), Q_PENDING, NULL, count_row, counts);
}

static enum fal_err
sq_purge(struct fal_store *h, long long before_ms, long *n)
{
	struct sq_store *s = sq(h);
	enum fal_err rc;
	int changes = 0;

	pthread_mutex_lock(&s->lock);
	if ((rc = exec(s, Q_BEGIN_IMMEDIATE)) == FAL_OK) {
		rc = run(s, Q_PURGE_DEVICES, &before_ms, 1, NULL);
		if (rc == FAL_OK)
			rc = run(s, Q_PURGE_BATCHES, &before_ms, 1, &changes);
		rc = finish(s, rc);
	}
	pthread_mutex_unlock(&s->lock);
	*n = rc == FAL_OK ? changes : 0;
	return rc;
}

static void
sq_close(struct fal_store *h)
{
	struct sq_store *s = sq(h);

	for (int q = 0; q < Q__MAX; q++)
		sqlite3_finalize(s->st[q]);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct fal_store_ops sqlite_ops = {
	.create = sq_create,
	.get = sq_get,
	.list = sq_list,
	.devices = sq_devices,
	.cancel = sq_cancel,
	.claim = sq_claim,
	.complete = sq_complete,
	.complete_claim = sq_complete_claim,
	.pending = sq_pending,
	.purge = sq_purge,
	.close = sq_close,
};

/* Reads PRAGMA user_version into *v. */
static int
schema_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Creates or upgrades the schema under the write lock, so that processes
 * starting together do not race.  0, or -1 with the reason in errbuf.
 */
static int
migrate(sqlite3 *db, char *errbuf, size_t len)
{
	char sql[64];
	int v, rc = -1;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (schema_version(db, &v) != 0)
		goto out;
	if (v > FAL_SQLITE_SCHEMA_VERSION) {
		snprintf(errbuf, len, "schema version %d is newer than this "
			 "program's %d", v, FAL_SQLITE_SCHEMA_VERSION);
		goto out;
	}
	for (; v < FAL_SQLITE_SCHEMA_VERSION; v++)
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			goto out;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = 0;
out:
	sqlite3_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Sets the connection up; 0, or -1 with the reason in errbuf. */
static int
setup(sqlite3 *db, char *errbuf, size_t len)
{
	errbuf[0] = '\0';
	sqlite3_busy_timeout(db, BUSY_MS);
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return migrate(db, errbuf, len);
}

struct fal_store *
fal_store_sqlite_open(const char *path, char *errbuf, size_t len)
{
	struct sq_store *s = NULL;
	sqlite3 *db = NULL;
	char why[256] = "";

	if (path[0] == '\0') {
		snprintf(errbuf, len, "batch_store: \"sqlite:\" needs a path");
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK &&
	    setup(db, why, sizeof(why)) == 0 &&
	    (s = calloc(1, sizeof(*s))) != NULL) {
		s->base.ops = &sqlite_ops;
		s->db = db;
		pthread_mutex_init(&s->lock, NULL);
		return &s->base;
	}
	snprintf(errbuf, len, "batch_store sqlite:%s: %s", path,
		 why[0] != '\0' ? why : db != NULL ? sqlite3_errmsg(db)
						  : "out of memory");
	sqlite3_close(db);
	return NULL;
}
