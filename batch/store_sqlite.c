/*
 * store_sqlite.c - see store_sqlite.h.
 *
 * One connection per handle, used under the handle's mutex, so the
 * multi-statement transactions below never interleave.  Writes take the
 * database lock with BEGIN IMMEDIATE and wait for other processes up to
 * BUSY_MS.  Commits are synchronous=NORMAL (a crashed or killed process
 * loses nothing committed in WAL mode); a new batch is committed with
 * synchronous=FULL, since it must survive a power cut once accepted.
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

struct sq_store {
	struct fal_store base;
	sqlite3 *db;
	pthread_mutex_t lock;
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

static const char batch_cols[] =
	"id, action, state, total, pending, succeeded, failed, created, "
	"updated, finished";

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

static enum fal_err
exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? FAL_OK : db_err(rc);
}

/* Prepares sql into *st; FAL_OK or the failure. */
static enum fal_err
prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? FAL_OK : db_err(rc);
}

/* Binds s, or NULL when s is NULL or "". */
static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || s[0] == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Steps st once it is bound: SQLITE_ROW, SQLITE_DONE or the failure. */
static enum fal_err
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE || rc == SQLITE_ROW ? FAL_OK : db_err(rc);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Steps st to its end, calling each(st, arg) per row until it returns
 * non-zero, then finalizes st.  FAL_OK or the failure.
 */
static enum fal_err
each_row(sqlite3_stmt *st, int (*each)(sqlite3_stmt *, void *), void *arg)
{
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (each(st, arg) != 0)
			break;
	sqlite3_finalize(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? FAL_OK : db_err(r);
}

/* A listing's callback and its context, for each_row. */
struct listing {
	void *cb;
	void *ctx;
};

/* Fills b from a row of batch_cols starting at column 0. */
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
load_batch(sqlite3 *db, const char *id, struct fal_batch *out, long long *seq)
{
	static const char sql[] = "SELECT id, action, state, total, pending, "
		"succeeded, failed, created, updated, finished, seq "
		"FROM batches WHERE id = ?";
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		if (out != NULL)
			read_batch(st, out);
		if (seq != NULL)
			*seq = sqlite3_column_int64(st, 10);
		rc = FAL_OK;
	} else {
		rc = r == SQLITE_DONE ? FAL_ERR_BATCH_NOT_FOUND : db_err(r);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Ends the transaction: COMMIT when rc is FAL_OK, else ROLLBACK. */
static enum fal_err
finish(sqlite3 *db, enum fal_err rc)
{
	if (rc == FAL_OK)
		rc = exec(db, "COMMIT");
	if (rc != FAL_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Inserts the rows of a new batch numbered seq. */
static enum fal_err
insert_devices(sqlite3 *db, long long seq, const struct fal_batch_row *rows,
	       size_t n)
{
	static const char sql[] = "INSERT INTO devices(seq, row, provider, "
		"mac, url, sn, crc) VALUES(?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	for (size_t i = 0; i < n && rc == FAL_OK; i++) {
		sqlite3_bind_int64(st, 2, rows[i].row);
		sqlite3_bind_text(st, 3, fal_provider_name(rows[i].provider),
				  -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, rows[i].mac, -1, SQLITE_STATIC);
		bind_opt(st, 5, rows[i].url);
		bind_opt(st, 6, rows[i].sn);
		bind_opt(st, 7, rows[i].crc);
		rc = step_done(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The batch row itself; *seq gets its creation order. */
static enum fal_err
insert_batch(sqlite3 *db, const char *id, enum fal_batch_action a, size_t n,
	     long long now_ms, long long *seq)
{
	static const char sql[] = "INSERT INTO batches(id, action, state, "
		"total, pending, created, updated) VALUES(?, ?, 'queued', ?, ?, ?, ?)";
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fal_batch_action_name(a), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)n);
	sqlite3_bind_int64(st, 4, (long long)n);
	sqlite3_bind_int64(st, 5, now_ms);
	sqlite3_bind_int64(st, 6, now_ms);
	rc = step_done(st);
	sqlite3_finalize(st);
	*seq = sqlite3_last_insert_rowid(db);
	return rc;
}

static enum fal_err
sq_create(struct fal_store *s, enum fal_batch_action a,
	  const struct fal_batch_row *rows, size_t n, long long now_ms,
	  struct fal_batch *out)
{
	sqlite3 *db = sq(s)->db;
	long long seq = 0;
	char id[17];
	enum fal_err rc;

	if (fal_store_new_id(id) != 0)
		return FAL_ERR_INTERNAL;
	pthread_mutex_lock(&sq(s)->lock);
	exec(db, "PRAGMA synchronous = FULL");
	rc = exec(db, "BEGIN IMMEDIATE");
	if (rc == FAL_OK) {
		rc = insert_batch(db, id, a, n, now_ms, &seq);
		if (rc == FAL_OK)
			rc = insert_devices(db, seq, rows, n);
		if (rc == FAL_OK)
			rc = load_batch(db, id, out, NULL);
		rc = finish(db, rc);
	}
	exec(db, "PRAGMA synchronous = NORMAL");
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
}

static enum fal_err
sq_get(struct fal_store *s, const char *id, struct fal_batch *out)
{
	enum fal_err rc;

	pthread_mutex_lock(&sq(s)->lock);
	rc = load_batch(sq(s)->db, id, out, NULL);
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
}

/* each_row's step of a batch listing. */
static int
batch_row(sqlite3_stmt *st, void *arg)
{
	const struct listing *l = arg;
	struct fal_batch b;

	read_batch(st, &b);
	return ((fal_batch_cb)l->cb)(l->ctx, &b);
}

static enum fal_err
sq_list(struct fal_store *s, long limit, fal_batch_cb cb, void *ctx)
{
	struct listing l = { (void *)cb, ctx };
	char sql[200];
	sqlite3_stmt *st;
	enum fal_err rc;

	snprintf(sql, sizeof(sql), "SELECT %s FROM batches ORDER BY seq DESC "
		 "LIMIT ?", batch_cols);
	pthread_mutex_lock(&sq(s)->lock);
	if ((rc = prep(sq(s)->db, sql, &st)) == FAL_OK) {
		sqlite3_bind_int64(st, 1, limit);
		rc = each_row(st, batch_row, &l);
	}
	pthread_mutex_unlock(&sq(s)->lock);
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

/* each_row's step of a device listing. */
static int
device_row(sqlite3_stmt *st, void *arg)
{
	const struct listing *l = arg;
	struct fal_batch_device d;

	read_device(st, &d);
	return ((fal_device_cb)l->cb)(l->ctx, &d);
}

/* Lists the devices of batch seq that q selects. */
static enum fal_err
list_devices(sqlite3 *db, long long seq, const struct fal_device_query *q,
	     fal_device_cb cb, void *ctx)
{
	static const char sql[] = "SELECT row, provider, mac, state, error, "
		"message, attempts, device_pin, lookup_state, lookup_url "
		"FROM devices WHERE seq = ?1 AND row > ?2 AND (?3 < 0 OR "
		"state = ?3 OR (?3 = 0 AND state = 3)) ORDER BY row LIMIT ?4";
	struct listing l = { (void *)cb, ctx };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, q->after);
	sqlite3_bind_int(st, 3, q->state);
	sqlite3_bind_int64(st, 4, q->limit > 0 ? q->limit : -1);
	return each_row(st, device_row, &l);
}

static enum fal_err
sq_devices(struct fal_store *s, const char *id,
	   const struct fal_device_query *q, fal_device_cb cb, void *ctx)
{
	sqlite3 *db = sq(s)->db;
	long long seq;
	enum fal_err rc;

	pthread_mutex_lock(&sq(s)->lock);
	/* One snapshot: the batch and its devices as of one moment. */
	if ((rc = exec(db, "BEGIN")) == FAL_OK) {
		rc = load_batch(db, id, NULL, &seq);
		if (rc == FAL_OK)
			rc = list_devices(db, seq, q, cb, ctx);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
}

/* Runs sql with the int64 parameters p[0..n-1]; *changes when non-NULL. */
static enum fal_err
run(sqlite3 *db, const char *sql, const long long *p, int n, int *changes)
{
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	for (int i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, p[i]);
	rc = step_done(st);
	sqlite3_finalize(st);
	if (changes != NULL)
		*changes = sqlite3_changes(db);
	return rc;
}

static enum fal_err
sq_cancel(struct fal_store *s, const char *id, long long now_ms,
	  struct fal_batch *out)
{
	sqlite3 *db = sq(s)->db;
	long long seq, p[2];
	enum fal_err rc;
	int changed = 0;

	pthread_mutex_lock(&sq(s)->lock);
	if ((rc = exec(db, "BEGIN IMMEDIATE")) == FAL_OK) {
		rc = load_batch(db, id, NULL, &seq);
		p[0] = now_ms;
		p[1] = seq;
		if (rc == FAL_OK)
			rc = run(db, "UPDATE batches SET state = 'cancelled', "
				 "updated = ?1, finished = ?1 WHERE seq = ?2 AND "
				 "state IN ('queued', 'running')", p, 2, &changed);
		/* Devices in flight keep state 0 so that their outcome is
		 * still recorded; the claim query skips cancelled batches. */
		if (rc == FAL_OK && changed)
			rc = run(db, "UPDATE devices SET state = 3 WHERE seq = ?2 "
				 "AND state = 0 AND claim_until <= ?1", p, 2, NULL);
		if (rc == FAL_OK)
			rc = load_batch(db, id, out, NULL);
		rc = finish(db, rc);
	}
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
}

/*
 * The first due device of provider p: *seq and *row, FAL_ERR_NOT_FOUND
 * when there is none.
 */
static enum fal_err
first_due(sqlite3 *db, enum fal_provider_id p, long long now_ms,
	  long long *seq, long long *row)
{
	static const char sql[] = "SELECT d.seq, d.row FROM devices d "
		"JOIN batches b ON b.seq = d.seq WHERE d.state = 0 AND "
		"d.provider = ?1 AND d.next_at <= ?2 AND d.claim_until <= ?2 "
		"AND b.state IN ('queued', 'running') ORDER BY d.seq, d.row LIMIT 1";
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_text(st, 1, fal_provider_name(p), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		*row = sqlite3_column_int64(st, 1);
	} else {
		rc = r == SQLITE_DONE ? FAL_ERR_NOT_FOUND : db_err(r);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The earliest due device among the allowed providers. */
static enum fal_err
pick(sqlite3 *db, const bool allowed[FAL_PROVIDER__MAX], long long now_ms,
     long long *seq, long long *row)
{
	enum fal_err rc, best = FAL_ERR_NOT_FOUND;
	long long s, r;

	for (int p = 0; p < FAL_PROVIDER__MAX; p++) {
		if (!allowed[p])
			continue;
		rc = first_due(db, p, now_ms, &s, &r);
		if (rc == FAL_ERR_NOT_FOUND)
			continue;
		if (rc != FAL_OK)
			return rc;
		if (best != FAL_OK || s < *seq || (s == *seq && r < *row)) {
			*seq = s;
			*row = r;
			best = FAL_OK;
		}
	}
	return best;
}

static void
copy_col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const char *v = col_text(st, i);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* Reads what the call of device (seq, row) needs into job. */
static enum fal_err
read_job(sqlite3 *db, long long seq, long long row, struct fal_batch_job *job)
{
	static const char sql[] = "SELECT b.id, b.action, d.provider, d.mac, "
		"d.url, d.sn, d.crc, d.attempts FROM devices d JOIN batches b "
		"ON b.seq = d.seq WHERE d.seq = ? AND d.row = ?";
	sqlite3_stmt *st;
	enum fal_err rc;
	int r;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, row);
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		copy_col(job->batch, sizeof(job->batch), st, 0);
		job->action = fal_batch_action_parse(col_text(st, 1));
		job->provider = fal_provider_lookup(col_text(st, 2));
		copy_col(job->mac, sizeof(job->mac), st, 3);
		copy_col(job->url, sizeof(job->url), st, 4);
		copy_col(job->sn, sizeof(job->sn), st, 5);
		copy_col(job->crc, sizeof(job->crc), st, 6);
		job->attempts = sqlite3_column_int64(st, 7);
		job->row = (long)row;
	} else {
		rc = db_err(r);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Takes the claim on (seq, row) if nobody took it since it was picked. */
static enum fal_err
take(sqlite3 *db, long long seq, long long row, long long now_ms,
     long claim_ms, const char *token, int *taken)
{
	static const char sql[] = "UPDATE devices SET claim_until = ?1, "
		"claim = ?2 WHERE seq = ?3 AND row = ?4 AND state = 0 AND "
		"claim_until <= ?5 AND next_at <= ?5";
	sqlite3_stmt *st;
	enum fal_err rc;
	long long p[2] = { now_ms, seq };

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, now_ms + claim_ms);
	sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_int64(st, 4, row);
	sqlite3_bind_int64(st, 5, now_ms);
	rc = step_done(st);
	sqlite3_finalize(st);
	*taken = rc == FAL_OK && sqlite3_changes(db) == 1;
	if (*taken)
		rc = run(db, "UPDATE batches SET state = 'running', updated = ?1 "
			 "WHERE seq = ?2 AND state = 'queued'", p, 2, NULL);
	return rc;
}

static enum fal_err
sq_claim(struct fal_store *s, const bool allowed[FAL_PROVIDER__MAX],
	 long long now_ms, long claim_ms, struct fal_batch_job *job)
{
	sqlite3 *db = sq(s)->db;
	long long seq = 0, row = 0;
	enum fal_err rc = FAL_ERR_NOT_FOUND;
	int taken = 0;
	char token[17];

	if (fal_store_new_id(token) != 0)
		return FAL_ERR_INTERNAL;
	pthread_mutex_lock(&sq(s)->lock);
	/* Reading first keeps idle runners off the write lock; another
	 * process may take the device in between, hence the loop. */
	for (int tries = 0; tries < 8 && !taken; tries++) {
		if ((rc = pick(db, allowed, now_ms, &seq, &row)) != FAL_OK)
			break;
		if ((rc = exec(db, "BEGIN IMMEDIATE")) != FAL_OK)
			break;
		rc = take(db, seq, row, now_ms, claim_ms, token, &taken);
		if (rc == FAL_OK && taken)
			rc = read_job(db, seq, row, job);
		if (rc == FAL_OK && taken)
			memcpy(job->claim, token, sizeof(token));
		rc = finish(db, rc);
	}
	pthread_mutex_unlock(&sq(s)->lock);
	if (rc == FAL_OK && !taken)
		rc = FAL_ERR_NOT_FOUND;
	return rc;
}

/* Records a final outcome and counts it in its batch. */
static enum fal_err
record_final(sqlite3 *db, long long seq, const struct fal_batch_job *job,
	     const struct fal_batch_result *r, long long now_ms)
{
	static const char sql[] = "UPDATE devices SET state = ?1, "
		"attempts = attempts + 1, claim_until = 0, claim = NULL, "
		"error = ?2, message = ?3, device_pin = ?4, lookup_state = ?5, "
		"lookup_url = ?6 WHERE seq = ?7 AND row = ?8 AND claim = ?9 "
		"AND state = 0";
	bool ok = r->state == FAL_DEV_SUCCEEDED;
	long long p[4] = { now_ms, seq, ok ? 1 : 0, ok ? 0 : 1 };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
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
	rc = step_done(st);
	sqlite3_finalize(st);
	/* A claim taken over meanwhile: the new holder records instead. */
	if (rc != FAL_OK || sqlite3_changes(db) != 1)
		return rc;
	return run(db, "UPDATE batches SET pending = pending - 1, "
		   "succeeded = succeeded + ?3, failed = failed + ?4, updated = ?1, "
		   "finished = CASE WHEN pending = 1 AND state IN ('queued', "
		   "'running') THEN ?1 ELSE finished END, "
		   "state = CASE WHEN pending = 1 AND state IN ('queued', "
		   "'running') THEN 'done' ELSE state END WHERE seq = ?2",
		   p, 4, NULL);
}

/* Records a passing failure: the device waits until retry_at_ms. */
static enum fal_err
record_retry(sqlite3 *db, long long seq, const struct fal_batch_job *job,
	     const struct fal_batch_result *r, long long now_ms)
{
	static const char sql[] = "UPDATE devices SET attempts = attempts + 1, "
		"next_at = ?1, claim_until = 0, claim = NULL, error = ?2, "
		"message = ?3, state = CASE WHEN (SELECT state FROM batches WHERE "
		"seq = ?4) = 'cancelled' THEN 3 ELSE 0 END WHERE seq = ?4 AND "
		"row = ?5 AND claim = ?6 AND state = 0";
	long long p[2] = { now_ms, seq };
	sqlite3_stmt *st;
	enum fal_err rc;

	if ((rc = prep(db, sql, &st)) != FAL_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->retry_at_ms);
	bind_opt(st, 2, r->error);
	bind_opt(st, 3, r->message);
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_int64(st, 5, job->row);
	sqlite3_bind_text(st, 6, job->claim, -1, SQLITE_STATIC);
	rc = step_done(st);
	sqlite3_finalize(st);
	if (rc != FAL_OK)
		return rc;
	return run(db, "UPDATE batches SET updated = ?1 WHERE seq = ?2",
		   p, 2, NULL);
}

static enum fal_err
sq_complete(struct fal_store *s, const struct fal_batch_job *job,
	    const struct fal_batch_result *r, long long now_ms)
{
	sqlite3 *db = sq(s)->db;
	long long seq;
	enum fal_err rc;

	pthread_mutex_lock(&sq(s)->lock);
	if ((rc = exec(db, "BEGIN IMMEDIATE")) == FAL_OK) {
		rc = load_batch(db, job->batch, NULL, &seq);
		if (rc == FAL_OK)
			rc = r->state == FAL_DEV_PENDING
			     ? record_retry(db, seq, job, r, now_ms)
			     : record_final(db, seq, job, r, now_ms);
		/* A batch purged meanwhile has nothing left to record. */
		if (rc == FAL_ERR_BATCH_NOT_FOUND)
			rc = FAL_OK;
		rc = finish(db, rc);
	}
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
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
sq_pending(struct fal_store *s, long counts[FAL_PROVIDER__MAX])
{
	static const char sql[] = "SELECT provider, COUNT(*) FROM devices "
		"WHERE state = 0 GROUP BY provider";
	sqlite3_stmt *st;
	enum fal_err rc;

	memset(counts, 0, sizeof(long) * FAL_PROVIDER__MAX);
	pthread_mutex_lock(&sq(s)->lock);
	if ((rc = prep(sq(s)->db, sql, &st)) == FAL_OK)
		rc = each_row(st, count_row, counts);
	pthread_mutex_unlock(&sq(s)->lock);
	return rc;
}

static enum fal_err
sq_purge(struct fal_store *s, long long before_ms, long *n)
{
	sqlite3 *db = sq(s)->db;
	enum fal_err rc;
	int changes = 0;

	pthread_mutex_lock(&sq(s)->lock);
	if ((rc = exec(db, "BEGIN IMMEDIATE")) == FAL_OK) {
		rc = run(db, "DELETE FROM devices WHERE seq IN (SELECT seq FROM "
			 "batches WHERE finished < ?1)", &before_ms, 1, NULL);
		if (rc == FAL_OK)
			rc = run(db, "DELETE FROM batches WHERE finished < ?1",
				 &before_ms, 1, &changes);
		rc = finish(db, rc);
	}
	pthread_mutex_unlock(&sq(s)->lock);
	*n = rc == FAL_OK ? changes : 0;
	return rc;
}

static void
sq_close(struct fal_store *s)
{
	sqlite3_close(sq(s)->db);
	pthread_mutex_destroy(&sq(s)->lock);
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
