/*
 * store_pg.c - see store_pg.h.
 *
 * The tables mirror the SQLite store's (store_sqlite.c): a device's state
 * is 0 pending, 1 succeeded, 2 failed, or 3 pending in a cancelled batch,
 * never to be sent; only state 0 rows are in the claim index.
 *
 * Claims and outcomes are committed with synchronous_commit off, as the
 * SQLite store commits them with synchronous=NORMAL: a commit does not
 * wait for the disk, so runners on many hosts do not queue behind each
 * other's flushes of the batch's counts.  A crash of the PostgreSQL server
 * (not of Falconieri) may forget the last fraction of a second of them;
 * those devices are called again, as after any crash.  A new batch is
 * committed with synchronous_commit on: it survives anything once 202 is
 * answered.
 *
 * Locks are always taken device first, then batch (claim, complete and
 * cancel alike), so that two of them never wait on each other in a circle.
 * A claim is one statement: the first due devices of each provider
 * with room are locked with FOR UPDATE SKIP LOCKED, so runners on other
 * hosts pass over them instead of waiting, and the earliest of them get
 * their expiring claim (the others are let go at its end).  n outcomes
 * are one statement too: the devices' rows and their batches' counts
 * change together, the batches locked in one order.  Both are prepared
 * once per connection (they run for every few devices; the server would
 * otherwise parse and plan them each time) and are their own transaction:
 * one round trip each.
 */
#include "store_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../lib/utf8.h"
#include "../providers/table.h"
#include "pg_pool.h"

/* Device states in the database (see above). */
enum { DB_PENDING, DB_SUCCEEDED, DB_FAILED, DB_CANCELLED };

/* Rows of a device listing fetched at a time. */
#define LIST_CHUNK 1000

/* COPY data sent at a time when a batch is created. */
#define COPY_CHUNK 65536

/* The advisory lock under which the schema is created or upgraded. */
#define SCHEMA_LOCK "7310056726512149504"

struct pg_store {
	struct fal_store base;
	struct fal_pg_pool *pool;
};

/* The schema, version by version: migrations[v] upgrades v to v + 1. */
static const char *const migrations[FAL_PG_SCHEMA_VERSION] = {
	"CREATE TABLE batches("
	" seq BIGSERIAL PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" action TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" total BIGINT NOT NULL, pending BIGINT NOT NULL,"
	" succeeded BIGINT NOT NULL DEFAULT 0, failed BIGINT NOT NULL DEFAULT 0,"
	" created BIGINT NOT NULL, updated BIGINT NOT NULL, finished BIGINT);"
	"CREATE INDEX batches_finished ON batches(finished);"
	"CREATE TABLE devices("
	" seq BIGINT NOT NULL REFERENCES batches ON DELETE CASCADE,"
	" row BIGINT NOT NULL,"
	" provider TEXT NOT NULL, mac TEXT NOT NULL, url TEXT, sn TEXT, crc TEXT,"
	" state SMALLINT NOT NULL DEFAULT 0,"
	" attempts BIGINT NOT NULL DEFAULT 0,"
	" next_at BIGINT NOT NULL DEFAULT 0,"
	" claim_until BIGINT NOT NULL DEFAULT 0, claim TEXT,"
	" error TEXT, message TEXT, device_pin TEXT,"
	" lookup_state TEXT, lookup_url TEXT,"
	" PRIMARY KEY(seq, row));"
	"CREATE INDEX devices_todo ON devices(seq, row) WHERE state = 0;",
	/* Claims look per provider, as the SQLite store does: one provider
	 * whose calls are all in flight is not read past by the others. */
	"DROP INDEX devices_todo;"
	"CREATE INDEX devices_claim ON devices(provider, seq, row) "
	"WHERE state = 0;",
	/* Only a pending device holds a claim (cancel now lets go of an
	 * expired one): complete_sql finds a device by its claim alone. */
	"UPDATE devices SET claim = NULL WHERE claim IS NOT NULL AND state > 0",
};

#define BATCH_COLS "id, action, state, total, pending, succeeded, failed, " \
	"created, updated, finished"

static struct pg_store *
pg(struct fal_store *s)
{
	return (struct pg_store *)s;
}

/* Fills b from row i of a result of BATCH_COLS. */
static void
read_batch(const PGresult *r, int i, struct fal_batch *b)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->id, sizeof(b->id), "%s", PQgetvalue(r, i, 0));
	b->action = fal_batch_action_parse(PQgetvalue(r, i, 1));
	b->state = fal_batch_state_parse(PQgetvalue(r, i, 2));
	b->total = (long)fal_pg_ll(r, i, 3);
	b->pending = (long)fal_pg_ll(r, i, 4);
	b->succeeded = (long)fal_pg_ll(r, i, 5);
	b->failed = (long)fal_pg_ll(r, i, 6);
	b->created_ms = fal_pg_ll(r, i, 7);
	b->updated_ms = fal_pg_ll(r, i, 8);
	b->finished_ms = PQgetisnull(r, i, 9) ? -1 : fal_pg_ll(r, i, 9);
}

/* Reads batch id into out (when not NULL) and its seq (when not NULL). */
static enum fal_err
load_batch(PGconn *c, const char *id, struct fal_batch *out, long long *seq)
{
	struct fal_pg_params p = { 0 };
	PGresult *r;
	enum fal_err rc;

	fal_pg_text(&p, id);
	rc = fal_pg_exec(c, "SELECT " BATCH_COLS ", seq FROM batches "
			 "WHERE id = $1", &p, &r);
	if (rc != FAL_OK)
		return rc;
	if (PQntuples(r) == 1) {
		if (out != NULL)
			read_batch(r, 0, out);
		if (seq != NULL)
			*seq = fal_pg_ll(r, 0, 10);
	} else {
		rc = FAL_ERR_BATCH_NOT_FOUND;
	}
	PQclear(r);
	return rc;
}

/* Ends the transaction: COMMIT when rc is FAL_OK, else ROLLBACK. */
static enum fal_err
finish(PGconn *c, enum fal_err rc, bool *unsure)
{
	if (rc == FAL_OK) {
		*unsure = true;
		rc = fal_pg_cmd(c, "COMMIT", NULL, NULL);
		*unsure = rc != FAL_OK;
	}
	if (rc != FAL_OK)
		fal_pg_cmd(c, "ROLLBACK", NULL, NULL);
	return rc;
}

/* Appends s to buf at *n, escaped for COPY's text format (NULL: \N). */
static void
copy_field(char *buf, size_t *n, const char *s, bool last)
{
	if (s == NULL || s[0] == '\0') {
		memcpy(buf + *n, "\\N", 2);
		*n += 2;
	}
	for (; s != NULL && *s != '\0'; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" :
				  *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;

		if (esc != NULL) {
			memcpy(buf + *n, esc, 2);
			*n += 2;
		} else {
			buf[(*n)++] = *s;
		}
	}
	buf[(*n)++] = last ? '\n' : '\t';
}

/* The most one device's COPY line takes: every byte escaped. */
static size_t
copy_line_max(const struct fal_batch_row *row)
{
	return 2 * (64 + strlen(row->mac) + (row->url ? strlen(row->url) : 0) +
		    (row->sn ? strlen(row->sn) : 0) + sizeof(row->crc));
}

/* Sends the rows of a new batch numbered seq with COPY. */
static enum fal_err
copy_devices(PGconn *c, long long seq, const struct fal_batch_row *rows,
	     size_t n)
{
	char *buf = malloc(COPY_CHUNK + 2 * (FAL_URL_MAX + 256));
	size_t len = 0;
	bool ok;
	PGresult *r;

	if (buf == NULL)
		return FAL_ERR_INTERNAL;
	r = PQexec(c, "COPY devices(seq, row, provider, mac, url, sn, crc) "
		   "FROM STDIN");
	ok = r != NULL && PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	for (size_t i = 0; ok && i < n; i++) {
		len += (size_t)snprintf(buf + len, 64, "%lld\t%ld\t%s\t", seq,
					rows[i].row,
					fal_provider_name(rows[i].provider));
		copy_field(buf, &len, rows[i].mac, false);
		copy_field(buf, &len, rows[i].url, false);
		copy_field(buf, &len, rows[i].sn, false);
		copy_field(buf, &len, rows[i].crc, true);
		if (i + 1 == n || len + copy_line_max(&rows[i + 1]) > COPY_CHUNK) {
			ok = PQputCopyData(c, buf, (int)len) == 1;
			len = 0;
		}
	}
	free(buf);
	if (PQputCopyEnd(c, ok ? NULL : "cancelled") != 1)
		ok = false;
	while ((r = PQgetResult(c)) != NULL) {
		ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	return ok ? FAL_OK : FAL_ERR_BATCH_STORE_UNAVAILABLE;
}

struct create_args {
	enum fal_batch_action action;
	const struct fal_batch_row *rows;
	size_t n;
	long long now_ms;
	struct fal_batch *out;
	char id[17];
};

static enum fal_err
create_fn(PGconn *c, void *arg, bool *unsure)
{
	struct create_args *a = arg;
	struct fal_pg_params p = { 0 };
	PGresult *r;
	enum fal_err rc;
	long long seq;

	/* A new batch must survive a power cut once accepted. */
	if ((rc = fal_pg_cmd(c, "BEGIN", NULL, NULL)) != FAL_OK ||
	    (rc = fal_pg_cmd(c, "SET LOCAL synchronous_commit = on", NULL,
			     NULL)) != FAL_OK)
		return finish(c, rc, unsure);
	fal_pg_text(&p, a->id);
	fal_pg_text(&p, fal_batch_action_name(a->action));
	fal_pg_int(&p, (long long)a->n);
	fal_pg_int(&p, a->now_ms);
	rc = fal_pg_exec(c, "INSERT INTO batches(id, action, state, total, "
			 "pending, created, updated) VALUES($1, $2, 'queued', "
			 "$3, $3, $4, $4) RETURNING seq", &p, &r);
	if (rc == FAL_OK) {
		seq = fal_pg_ll(r, 0, 0);
		PQclear(r);
		rc = copy_devices(c, seq, a->rows, a->n);
	}
	if (rc == FAL_OK)
		rc = load_batch(c, a->id, a->out, NULL);
	return finish(c, rc, unsure);
}

static enum fal_err
pg_create(struct fal_store *s, enum fal_batch_action a,
	  const struct fal_batch_row *rows, size_t n, long long now_ms,
	  struct fal_batch *out)
{
	struct create_args args = { a, rows, n, now_ms, out, "" };

	if (fal_store_new_id(args.id) != 0)
		return FAL_ERR_INTERNAL;
	return fal_pg_run(pg(s)->pool, create_fn, &args);
}

struct get_args {
	const char *id;
	struct fal_batch *out;
};

static enum fal_err
get_fn(PGconn *c, void *arg, bool *unsure)
{
	struct get_args *a = arg;

	(void)unsure;
	return load_batch(c, a->id, a->out, NULL);
}

static enum fal_err
pg_get(struct fal_store *s, const char *id, struct fal_batch *out)
{
	struct get_args args = { id, out };

	return fal_pg_run(pg(s)->pool, get_fn, &args);
}

struct list_args {
	long limit;
	fal_batch_cb cb;
	void *ctx;
};

static enum fal_err
list_fn(PGconn *c, void *arg, bool *unsure)
{
	struct list_args *a = arg;
	struct fal_pg_params p = { 0 };
	struct fal_batch b;
	PGresult *r;
	enum fal_err rc;

	(void)unsure;
	fal_pg_int(&p, a->limit);
	rc = fal_pg_exec(c, "SELECT " BATCH_COLS " FROM batches ORDER BY seq "
			 "DESC LIMIT $1", &p, &r);
	if (rc != FAL_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		read_batch(r, i, &b);
		if (a->cb(a->ctx, &b) != 0)
			break;
	}
	PQclear(r);
	return FAL_OK;
}

static enum fal_err
pg_list(struct fal_store *s, long limit, fal_batch_cb cb, void *ctx)
{
	struct list_args args = { limit, cb, ctx };

	return fal_pg_run(pg(s)->pool, list_fn, &args);
}

/* Fills d from row i of the device listing. */
static void
read_device(const PGresult *r, int i, struct fal_batch_device *d)
{
	int state = (int)fal_pg_ll(r, i, 3);

	d->row = (long)fal_pg_ll(r, i, 0);
	d->provider = fal_provider_lookup(fal_pg_str(r, i, 1));
	d->mac = fal_pg_str(r, i, 2);
	d->state = state == DB_SUCCEEDED ? FAL_DEV_SUCCEEDED :
		   state == DB_FAILED ? FAL_DEV_FAILED : FAL_DEV_PENDING;
	d->error = fal_pg_str(r, i, 4);
	d->message = fal_pg_str(r, i, 5);
	d->attempts = (long)fal_pg_ll(r, i, 6);
	d->device_pin = fal_pg_str(r, i, 7);
	d->lookup_state = fal_pg_str(r, i, 8);
	d->lookup_url = fal_pg_str(r, i, 9);
}

struct devices_args {
	const char *id;
	const struct fal_device_query *q;
	fal_device_cb cb;
	void *ctx;
};

/*
 * Lists, a chunk at a time so that a 100,000-device batch is never held
 * in memory whole, the devices of batch seq after *after; *left devices
 * at most (-1: all).  1 when the listing goes on, 0 when it ended.
 */
static int
list_chunk(PGconn *c, long long seq, const struct devices_args *a,
	   long *after, long *left, enum fal_err *rc)
{
	struct fal_pg_params p = { 0 };
	struct fal_batch_device d;
	long want = *left >= 0 && *left < LIST_CHUNK ? *left : LIST_CHUNK;
	PGresult *r;
	int i, n;

	fal_pg_int(&p, seq);
	fal_pg_int(&p, *after);
	fal_pg_int(&p, a->q->state);
	fal_pg_int(&p, want);
	*rc = fal_pg_exec(c, "SELECT row, provider, mac, state, error, message, "
			  "attempts, device_pin, lookup_state, lookup_url FROM "
			  "devices WHERE seq = $1 AND row > $2 AND ($3 < 0 OR "
			  "state = $3 OR ($3 = 0 AND state = 3)) ORDER BY row "
			  "LIMIT $4", &p, &r);
	if (*rc != FAL_OK)
		return 0;
	n = PQntuples(r);
	for (i = 0; i < n; i++) {
		read_device(r, i, &d);
		*after = d.row;
		if (a->cb(a->ctx, &d) != 0)
			break;
	}
	PQclear(r);
	if (*left >= 0)
		*left -= i;
	return i == n && n == want && *left != 0;
}

static enum fal_err
devices_fn(PGconn *c, void *arg, bool *unsure)
{
	struct devices_args *a = arg;
	long after = a->q->after, left = a->q->limit > 0 ? a->q->limit : -1;
	long long seq;
	enum fal_err rc;

	/* One snapshot: the batch and its devices as of one moment.  Once
	 * a chunk has gone to the callback (into the answer), a lost
	 * connection must fail the listing: run again, it would repeat
	 * those rows. */
	rc = fal_pg_cmd(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			NULL, NULL);
	if (rc != FAL_OK)
		return rc;
	rc = load_batch(c, a->id, NULL, &seq);
	while (rc == FAL_OK && list_chunk(c, seq, a, &after, &left, &rc))
		*unsure = true;
	fal_pg_cmd(c, "COMMIT", NULL, NULL);
	return rc;
}

static enum fal_err
pg_devices(struct fal_store *s, const char *id,
	   const struct fal_device_query *q, fal_device_cb cb, void *ctx)
{
	struct devices_args args = { id, q, cb, ctx };

	return fal_pg_run(pg(s)->pool, devices_fn, &args);
}

struct cancel_args {
	const char *id;
	long long now_ms;
	struct fal_batch *out;
};

static enum fal_err
cancel_fn(PGconn *c, void *arg, bool *unsure)
{
	struct cancel_args *a = arg;
	struct fal_pg_params p = { 0 };
	enum fal_err rc;
	long long seq = 0;

	if ((rc = fal_pg_cmd(c, "BEGIN", NULL, NULL)) != FAL_OK)
		return rc;
	rc = load_batch(c, a->id, NULL, &seq);
	fal_pg_int(&p, a->now_ms);
	fal_pg_int(&p, seq);
	/* Devices in flight keep state 0 so that their outcome is still
	 * recorded; the claim skips cancelled batches. */
	if (rc == FAL_OK)
		rc = fal_pg_cmd(c, "UPDATE devices SET state = 3, claim = NULL "
				"WHERE seq = $2 "
				"AND state = 0 AND claim_until <= $1 AND EXISTS("
				"SELECT 1 FROM batches WHERE seq = $2 AND state "
				"IN ('queued', 'running'))", &p, NULL);
	if (rc == FAL_OK)
		rc = fal_pg_cmd(c, "UPDATE batches SET state = 'cancelled', "
				"updated = $1, finished = $1 WHERE seq = $2 AND "
				"state IN ('queued', 'running')", &p, NULL);
	if (rc == FAL_OK)
		rc = load_batch(c, a->id, a->out, NULL);
	return finish(c, rc, unsure);
}

static enum fal_err
pg_cancel(struct fal_store *s, const char *id, long long now_ms,
	  struct fal_batch *out)
{
	struct cancel_args args = { id, now_ms, out };

	return fal_pg_run(pg(s)->pool, cancel_fn, &args);
}

struct claim_args {
	const int *room;
	size_t max;
	long long now_ms;
	long claim_ms;
	struct fal_batch_job *jobs;
	size_t n;
	char token[17];
};

/* The providers with room, and their room, as two array literals. */
static void
room_arrays(const int room[FAL_PROVIDER__MAX], size_t max, char *names,
	    char *rooms, size_t len)
{
	size_t a = (size_t)snprintf(names, len, "{");
	size_t b = (size_t)snprintf(rooms, len, "{");

	for (int p = 0; p < FAL_PROVIDER__MAX; p++) {
		long r = room[p] < (long)max ? room[p] : (long)max;

		if (r <= 0 || a >= len || b >= len)
			continue;
		a += (size_t)snprintf(names + a, len - a, "%s%s", a > 1 ? "," : "",
				      fal_provider_name(p));
		b += (size_t)snprintf(rooms + b, len - b, "%s%ld", b > 1 ? "," : "",
				      r);
	}
	if (a < len)
		snprintf(names + a, len - a, "}");
	if (b < len)
		snprintf(rooms + b, len - b, "}");
}

static void
copy_col(char *dst, size_t len, const PGresult *r, int i, int col)
{
	const char *v = fal_pg_str(r, i, col);

	snprintf(dst, len, "%s", v != NULL ? v : "");
}

/* Fills job from row i of the claim's answer. */
static void
read_job(const PGresult *r, int i, const char *token,
	 struct fal_batch_job *job)
{
	copy_col(job->batch, sizeof(job->batch), r, i, 0);
	job->action = fal_batch_action_parse(fal_pg_str(r, i, 1));
	job->row = (long)fal_pg_ll(r, i, 2);
	job->provider = fal_provider_lookup(fal_pg_str(r, i, 3));
	copy_col(job->mac, sizeof(job->mac), r, i, 4);
	copy_col(job->url, sizeof(job->url), r, i, 5);
	copy_col(job->sn, sizeof(job->sn), r, i, 6);
	copy_col(job->crc, sizeof(job->crc), r, i, 7);
	job->attempts = (long)fal_pg_ll(r, i, 8);
	memcpy(job->claim, token, 17);
}

/* The statements every connection prepares (see statements[]). */
enum { STMT_CLAIM, STMT_COMPLETE };

/*
 * A chunk's claim in one statement (STMT_CLAIM): c locks the first due
 * devices of each provider with room (at most its room each; FOR UPDATE
 * SKIP LOCKED, so that runners elsewhere pass over them) and keeps the
 * first $4 in (batch, row) order; u writes their claim (found by the
 * ctid of the version locked: no join for the planner to get wrong); s
 * starts their batches.  The devices locked but not kept are let go
 * unclaimed when it ends.  The provider is a range and leads the ORDER
 * BY so that only the index devices_claim (pending devices only) gives
 * that order: with the equality, a planner whose statistics still see
 * every device pending (a new table, a fresh batch) walks the primary key
 * past every device already done, at each claim.
 */
static const char claim_sql[] =
	"WITH c AS MATERIALIZED (SELECT x.id, x.seq, x.row FROM unnest("
	"$1::text[], $2::int[]) AS q(provider, room), LATERAL (SELECT d.ctid AS "
	"id, d.seq, d.row FROM devices d JOIN batches b ON b.seq = d.seq WHERE "
	"d.state = 0 AND d.provider >= q.provider AND d.provider <= q.provider "
	"AND d.next_at <= $3 AND d.claim_until <= $3 AND b.state IN ('queued', "
	"'running') ORDER BY d.provider, d.seq, d.row LIMIT q.room FOR UPDATE "
	"OF d SKIP LOCKED) x ORDER BY x.seq, x.row LIMIT $4), "
	"u AS (UPDATE devices d SET claim_until = $5, claim = $6 FROM c WHERE "
	"d.ctid = c.id RETURNING d.seq, d.row, d.provider, d.mac, d.url, d.sn, "
	"d.crc, d.attempts), "
	"s AS (UPDATE batches b SET state = 'running', updated = $3 WHERE "
	"b.state = 'queued' AND b.seq IN (SELECT seq FROM u)) "
	"SELECT b.id, b.action, u.row, u.provider, u.mac, u.url, u.sn, u.crc, "
	"u.attempts FROM u JOIN batches b ON b.seq = u.seq ORDER BY u.seq, u.row";

/*
 * n outcomes in one statement (STMT_COMPLETE): t reads them from one JSON
 * array (what complete_json writes); d records those whose claim still
 * holds (a claim taken over meanwhile changes nothing: the new holder
 * records instead, and a device no longer pending holds no claim);
 * k counts the final ones per batch and locks those batches in seq order
 * (so that two runners recording outcomes of the same batches never wait
 * on each other in a circle), and the batches' counts change with them.
 * A second run finds the claims gone and changes nothing.
 *
 * The plan must find each device by its key: scanning the pending ones
 * costs the whole batch at every commit.  So t gives the whole key,
 * (seq, r), from one relation, and its LIMIT $3 (n) tells the planner how
 * few outcomes come (json_to_recordset says 100, and 100 key lookups look
 * dearer than one scan); and d does not test state = 0, which would offer
 * devices_claim: a planner whose statistics see few pending devices (a
 * new batch not analyzed yet) scanned all of them.
 */
static const char complete_sql[] =
	"WITH t AS (SELECT j.*, b.seq, b.state AS bstate FROM "
	"json_to_recordset($1::json) AS j(batch text, r bigint, claim text, "
	"st int, next_at bigint, error text, message text, pin text, lstate "
	"text, lurl text) JOIN batches b ON b.id = j.batch LIMIT $3), "
	"d AS (UPDATE devices v SET state = CASE WHEN t.st <> 0 THEN t.st "
	"WHEN t.bstate = 'cancelled' THEN 3 ELSE 0 END, attempts = v.attempts "
	"+ 1, next_at = CASE WHEN t.st = 0 THEN t.next_at ELSE v.next_at END, "
	"claim_until = 0, claim = NULL, error = t.error, message = t.message, "
	"device_pin = CASE WHEN t.st = 0 THEN v.device_pin ELSE t.pin END, "
	"lookup_state = CASE WHEN t.st = 0 THEN v.lookup_state ELSE t.lstate "
	"END, lookup_url = CASE WHEN t.st = 0 THEN v.lookup_url ELSE t.lurl "
	"END FROM t WHERE v.seq = t.seq AND v.row = t.r AND v.claim = t.claim "
	"RETURNING v.seq, t.st), "
	"k AS (SELECT b.seq, a.ok, a.bad FROM batches b JOIN (SELECT seq, "
	"count(*) FILTER (WHERE st = 1) AS ok, count(*) FILTER (WHERE st = 2) "
	"AS bad FROM d GROUP BY seq) a ON a.seq = b.seq ORDER BY b.seq FOR "
	"UPDATE OF b) "
	"UPDATE batches b SET pending = b.pending - k.ok - k.bad, succeeded = "
	"b.succeeded + k.ok, failed = b.failed + k.bad, updated = $2, "
	"finished = CASE WHEN b.pending = k.ok + k.bad AND k.ok + k.bad > 0 "
	"AND b.state IN ('queued', 'running') THEN $2 ELSE b.finished END, "
	"state = CASE WHEN b.pending = k.ok + k.bad AND k.ok + k.bad > 0 AND "
	"b.state IN ('queued', 'running') THEN 'done' ELSE b.state END "
	"FROM k WHERE b.seq = k.seq";

static const struct fal_pg_stmt statements[] = {
	[STMT_CLAIM] = { "fal_claim", claim_sql },
	[STMT_COMPLETE] = { "fal_complete", complete_sql },
	{ NULL, NULL }
};

static enum fal_err
claim_fn(PGconn *c, void *arg, bool *unsure)
{
	struct claim_args *a = arg;
	struct fal_pg_params p = { 0 };
	char names[256], rooms[256];
	PGresult *r;
	enum fal_err rc;

	/* A claim whose answer was lost simply expires. */
	(void)unsure;
	a->n = 0;
	room_arrays(a->room, a->max, names, rooms, sizeof(rooms));
	fal_pg_text(&p, names);
	fal_pg_text(&p, rooms);
	fal_pg_int(&p, a->now_ms);
	fal_pg_int(&p, (long long)a->max);
	fal_pg_int(&p, a->now_ms + a->claim_ms);
	fal_pg_text(&p, a->token);
	if ((rc = fal_pg_exec_stmt(c, &statements[STMT_CLAIM], &p, &r)) != FAL_OK)
		return rc;
	a->n = (size_t)PQntuples(r) < a->max ? (size_t)PQntuples(r) : a->max;
	for (size_t i = 0; i < a->n; i++)
		read_job(r, (int)i, a->token, &a->jobs[i]);
	PQclear(r);
	return FAL_OK;
}

static enum fal_err
pg_claim(struct fal_store *s, const int room[FAL_PROVIDER__MAX], size_t max,
	 long long now_ms, long claim_ms, struct fal_batch_job *jobs,
	 size_t *n)
{
	struct claim_args args = { room, max, now_ms, claim_ms, jobs, 0, "" };
	enum fal_err rc;

	*n = 0;
	if (max == 0)
		return FAL_ERR_NOT_FOUND;
	if (fal_store_new_id(args.token) != 0)
		return FAL_ERR_INTERNAL;
	rc = fal_pg_run(pg(s)->pool, claim_fn, &args);
	*n = args.n;
	return rc == FAL_OK && *n == 0 ? FAL_ERR_NOT_FOUND : rc;
}

/*
 * Adds key: s to obj unless s is NULL or "" (SQL NULL then), as valid
 * UTF-8: the server refuses the whole array for one bad byte (a vendor's
 * text), and every outcome of the group would be lost with it.  Only bad
 * text is copied: this runs for every field of every outcome.
 */
static bool
add_opt(cJSON *obj, const char *key, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;
	char *clean;
	bool ok;

	if (n == 0)
		return true;
	if (fal_utf8_valid(s, n))
		return cJSON_AddStringToObject(obj, key, s) != NULL;
	if ((clean = malloc(n + 1)) == NULL)
		return false;
	fal_utf8_copy(clean, n + 1, s, n);
	ok = cJSON_AddStringToObject(obj, key, clean) != NULL;
	free(clean);
	return ok;
}

/* Adds key: n as a string (exact, whatever its size). */
static bool
add_int(cJSON *obj, const char *key, long long n)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", n);
	return cJSON_AddStringToObject(obj, key, num) != NULL;
}

/* One outcome as the complete statement's t reads it. */
static bool
outcome_json(cJSON *arr, const struct fal_batch_outcome *o)
{
	const struct fal_batch_result *r = &o->result;
	cJSON *obj = cJSON_CreateObject();
	int st = r->state == FAL_DEV_PENDING ? DB_PENDING :
		 r->state == FAL_DEV_SUCCEEDED ? DB_SUCCEEDED : DB_FAILED;

	if (obj == NULL || !cJSON_AddItemToArray(arr, obj))
		return cJSON_Delete(obj), false;
	return add_opt(obj, "batch", o->job->batch) &&
	       add_int(obj, "r", o->job->row) &&
	       add_opt(obj, "claim", o->job->claim) && add_int(obj, "st", st) &&
	       add_int(obj, "next_at", r->retry_at_ms) &&
	       add_opt(obj, "error", r->error) &&
	       add_opt(obj, "message", r->message) &&
	       add_opt(obj, "pin", r->device_pin) &&
	       add_opt(obj, "lstate", r->lookup_state) &&
	       add_opt(obj, "lurl", r->lookup_url);
}

/* The n outcomes as one JSON array (the caller's to free), or NULL. */
static char *
complete_json(const struct fal_batch_outcome *o, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	char *out = NULL;
	size_t i;

	for (i = 0; arr != NULL && i < n; i++)
		if (!outcome_json(arr, &o[i]))
			break;
	if (arr != NULL && i == n)
		out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return out;
}

struct complete_args {
	const char *json;
	long long now_ms;
	size_t n;
};

static enum fal_err
complete_fn(PGconn *c, void *arg, bool *unsure)
{
	struct complete_args *a = arg;
	struct fal_pg_params p = { 0 };

	/* Idempotent (see complete_sql): a lost answer may be run again. */
	(void)unsure;
	fal_pg_text(&p, a->json);
	fal_pg_int(&p, a->now_ms);
	fal_pg_int(&p, (long long)a->n);
	return fal_pg_exec_stmt(c, &statements[STMT_COMPLETE], &p, NULL);
}

static enum fal_err
pg_complete(struct fal_store *s, const struct fal_batch_outcome *o, size_t n,
	    long long now_ms)
{
	struct complete_args args = { NULL, now_ms, n };
	enum fal_err rc;

	if (n == 0)
		return FAL_OK;
	if ((args.json = complete_json(o, n)) == NULL)
		return FAL_ERR_INTERNAL;
	rc = fal_pg_run(pg(s)->pool, complete_fn, &args);
	cJSON_free((void *)args.json);
	return rc;
}

static enum fal_err
pending_fn(PGconn *c, void *arg, bool *unsure)
{
	long *counts = arg;
	PGresult *r;
	enum fal_err rc;

	(void)unsure;
	/* Not those of a cancelled batch (see the SQLite store's). */
	rc = fal_pg_exec(c, "SELECT d.provider, COUNT(*) FROM devices d JOIN "
			 "batches b ON b.seq = d.seq WHERE d.state = 0 AND "
			 "b.state IN ('queued', 'running') GROUP BY d.provider",
			 NULL, &r);
	if (rc != FAL_OK)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		enum fal_provider_id p = fal_provider_lookup(fal_pg_str(r, i, 0));

		if (p < FAL_PROVIDER__MAX)
			counts[p] = (long)fal_pg_ll(r, i, 1);
	}
	PQclear(r);
	return FAL_OK;
}

static enum fal_err
pg_pending(struct fal_store *s, long counts[FAL_PROVIDER__MAX])
{
	memset(counts, 0, sizeof(long) * FAL_PROVIDER__MAX);
	return fal_pg_run(pg(s)->pool, pending_fn, counts);
}

struct purge_args {
	long long before_ms;
	long n;
};

static enum fal_err
purge_fn(PGconn *c, void *arg, bool *unsure)
{
	struct purge_args *a = arg;
	struct fal_pg_params p = { 0 };

	(void)unsure;
	fal_pg_int(&p, a->before_ms);
	/* The devices go with their batch (ON DELETE CASCADE). */
	return fal_pg_cmd(c, "DELETE FROM batches WHERE finished < $1", &p,
			  &a->n);
}

static enum fal_err
pg_purge(struct fal_store *s, long long before_ms, long *n)
{
	struct purge_args args = { before_ms, 0 };
	enum fal_err rc = fal_pg_run(pg(s)->pool, purge_fn, &args);

	*n = rc == FAL_OK ? args.n : 0;
	return rc;
}

static void
pg_close(struct fal_store *s)
{
	fal_pg_pool_close(pg(s)->pool);
	free(s);
}

static const struct fal_store_ops pg_ops = {
	.create = pg_create,
	.get = pg_get,
	.list = pg_list,
	.devices = pg_devices,
	.cancel = pg_cancel,
	.claim = pg_claim,
	.complete = pg_complete,
	.pending = pg_pending,
	.purge = pg_purge,
	.close = pg_close,
};

/* The schema version in the database: 0 before the first. */
static enum fal_err
schema_version(PGconn *c, int *v)
{
	PGresult *r;
	enum fal_err rc;

	rc = fal_pg_cmd(c, "CREATE TABLE IF NOT EXISTS falconieri_schema("
			"version INTEGER NOT NULL)", NULL, NULL);
	if (rc == FAL_OK)
		rc = fal_pg_exec(c, "SELECT version FROM falconieri_schema",
				 NULL, &r);
	if (rc != FAL_OK)
		return rc;
	*v = PQntuples(r) > 0 ? (int)fal_pg_ll(r, 0, 0) : 0;
	PQclear(r);
	if (*v == 0)
		rc = fal_pg_cmd(c, "DELETE FROM falconieri_schema; INSERT INTO "
				"falconieri_schema VALUES(0)", NULL, NULL);
	return rc;
}

/*
 * Creates or upgrades the schema under an advisory lock held until the
 * transaction ends, so that processes starting together do not race.
 */
static enum fal_err
migrate(PGconn *c, void *arg, bool *unsure)
{
	struct fal_pg_msg *msg = arg;
	struct fal_pg_params p = { 0 };
	enum fal_err rc;
	int v = 0;

	rc = fal_pg_cmd(c, "BEGIN", NULL, NULL);
	if (rc == FAL_OK)
		rc = fal_pg_cmd(c, "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ")",
				NULL, NULL);
	if (rc == FAL_OK)
		rc = schema_version(c, &v);
	if (rc == FAL_OK && v > FAL_PG_SCHEMA_VERSION) {
		snprintf(msg->buf, msg->len, "schema version %d is newer than "
			 "this program's %d", v, FAL_PG_SCHEMA_VERSION);
		rc = FAL_ERR_BATCH_STORE_UNAVAILABLE;
	}
	for (; rc == FAL_OK && v < FAL_PG_SCHEMA_VERSION; v++)
		rc = fal_pg_cmd(c, migrations[v], NULL, NULL);
	fal_pg_int(&p, v);
	if (rc == FAL_OK)
		rc = fal_pg_cmd(c, "UPDATE falconieri_schema SET version = $1",
				&p, NULL);
	return finish(c, rc, unsure);
}

/*
 * Each connection's settings.  A prepared statement is otherwise planned
 * again for its parameters at each run while that plan looks cheaper
 * than the generic one (with n outcomes it always does): 0.3 ms a run,
 * more than the run itself.  The other statements here are key lookups,
 * which the generic plan serves as well.
 */
#define SESSION_SQL "SELECT set_config('synchronous_commit', 'off', false), " \
	"set_config('plan_cache_mode', 'force_generic_plan', false)"

struct fal_store *
fal_store_pg_open(const char *uri, char *errbuf, size_t len)
{
	struct pg_store *s = calloc(1, sizeof(*s));
	char why[512];

	if (s != NULL &&
	    (s->pool = fal_pg_pool_open(uri, FAL_PG_POOL, SESSION_SQL,
					statements, migrate, why,
					sizeof(why))) != NULL) {
		s->base.ops = &pg_ops;
		return &s->base;
	}
	/* libpq's reason names the host, never the password. */
	snprintf(errbuf, len, "batch_store postgresql: %s",
		 s != NULL ? why : "out of memory");
	free(s);
	return NULL;
}
