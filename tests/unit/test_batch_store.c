/*
 * test_batch_store.c - both stores through the store interface, the same
 * tests against each (SQLite in a temporary folder, PostgreSQL on a real
 * server tests/pg.sh starts): create, read, list, claims that expire,
 * outcomes counted once, retries, cancel, purge, two handles on one
 * store, threads claiming at once; then each store's own: the schema
 * version, and for PostgreSQL a server restart and a server gone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "../../batch/store.h"
#include "../../batch/store_pg.h"
#include "../../batch/store_sqlite.h"

struct fixture {
	char dir[64];
	char uri[512];
	struct fal_store *s;
};

/* Every vendor of the list may be claimed. */
static const bool all[FAL_PROVIDER__MAX] = {
	[0 ... FAL_PROVIDER__MAX - 1] = true
};

/* The PostgreSQL server of this run: its folder and URI. */
static char pg_dir[256];
static char pg_uri[256];
static char pg_pw[64];

/* Claims one device of a provider allowed[] names. */
static enum fal_err
claim1(struct fal_store *s, const bool allowed[FAL_PROVIDER__MAX],
       long long now_ms, long claim_ms, struct fal_batch_job *job)
{
	int room[FAL_PROVIDER__MAX];
	size_t n = 99;
	enum fal_err rc;

	for (int p = 0; p < FAL_PROVIDER__MAX; p++)
		room[p] = allowed[p] ? 1 : 0;
	rc = s->ops->claim(s, room, 1, now_ms, claim_ms, job, &n);
	assert_int_equal(n, rc == FAL_OK ? 1 : 0);
	return rc;
}

/* Records one outcome. */
static enum fal_err
complete1(struct fal_store *s, const struct fal_batch_job *job,
	  const struct fal_batch_result *r, long long now_ms)
{
	struct fal_batch_outcome o = { job, *r };

	return s->ops->complete(s, &o, 1, now_ms);
}

static int
setup_sqlite(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/fal-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->uri, sizeof(f->uri), "sqlite:%s/b.db", f->dir);
	f->s = fal_store_open(f->uri, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

/*
 * The test server through its Unix socket, which trusts local users: no
 * SCRAM key derivation, which takes seconds a connect under valgrind.
 * The password stays in the URI, where no message may show it.
 */
static void
local_uri(char *uri, size_t len)
{
	snprintf(uri, len, "postgresql://fal:%s@/postgres?host=%s&port=%d",
		 pg_pw, pg_dir, atoi(strrchr(pg_uri, ':') + 1));
}

/* Runs sql on the test server directly (not through the store). */
static void
pg_sql(const char *sql)
{
	char uri[512];
	PGconn *c;
	PGresult *r;

	local_uri(uri, sizeof(uri));
	c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* Each test starts from an empty database. */
static int
setup_pg(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	pg_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	snprintf(f->dir, sizeof(f->dir), "/tmp/fal-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	local_uri(f->uri, sizeof(f->uri));
	f->s = fal_store_open(f->uri, err, sizeof(err));
	if (f->s == NULL)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	fal_store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Creates a batch of n snom (and every 3rd yealink) devices. */
static void
create(struct fal_store *s, size_t n, long long now, struct fal_batch *b)
{
	struct fal_batch_row *rows = calloc(n, sizeof(*rows));

	for (size_t i = 0; i < n; i++) {
		rows[i].row = (long)i + 1;
		rows[i].provider = i % 3 == 2 ? FAL_YEALINK : FAL_SNOM;
		snprintf(rows[i].mac, sizeof(rows[i].mac), "AC-DE-48-00-%02X-%02X",
			 (unsigned)(i >> 8) & 0xff, (unsigned)i & 0xff);
		rows[i].url = "https://pbx/p/";
	}
	assert_int_equal(s->ops->create(s, FAL_BATCH_REGISTER, rows, n, now, b),
			 FAL_OK);
	free(rows);
}

static const struct fal_batch_result ok = { .state = FAL_DEV_SUCCEEDED };

static void
test_create_and_get(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;

	create(f->s, 5, 1000, &b);
	assert_int_equal(strlen(b.id), 16);
	assert_int_equal(strspn(b.id, "0123456789abcdef"), 16);
	assert_int_equal(b.state, FAL_BATCH_QUEUED);
	assert_int_equal(b.total, 5);
	assert_int_equal(b.pending, 5);
	assert_int_equal(b.finished_ms, -1);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_memory_equal(&b, &g, sizeof(b));
	assert_int_equal(f->s->ops->get(f->s, "0000000000000000", &g),
			 FAL_ERR_BATCH_NOT_FOUND);
}

static int
count_batch(void *ctx, const struct fal_batch *b)
{
	char *ids = ctx;

	strcat(ids, b->id);
	strcat(ids, " ");
	return 0;
}

static void
test_list_newest_first(void **state)
{
	struct fixture *f = *state;
	struct fal_batch a, b;
	char ids[256] = "", want[256];

	create(f->s, 1, 1000, &a);
	create(f->s, 1, 2000, &b);
	assert_int_equal(f->s->ops->list(f->s, 10, count_batch, ids), FAL_OK);
	snprintf(want, sizeof(want), "%s %s ", b.id, a.id);
	assert_string_equal(ids, want);
	ids[0] = '\0';
	assert_int_equal(f->s->ops->list(f->s, 1, count_batch, ids), FAL_OK);
	snprintf(want, sizeof(want), "%s ", b.id);
	assert_string_equal(ids, want);
}

/* Claims go by row; a claimed device is not claimed again until expiry. */
static void
test_claims_expire(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j1, j2, j3;

	create(f->s, 2, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j1), FAL_OK);
	assert_int_equal(j1.row, 1);
	assert_string_equal(j1.batch, b.id);
	assert_string_equal(j1.mac, "AC-DE-48-00-00-00");
	assert_string_equal(j1.url, "https://pbx/p/");
	assert_int_equal(j1.attempts, 0);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j2), FAL_OK);
	assert_int_equal(j2.row, 2);
	assert_int_equal(claim1(f->s, all, 2100, 500, &j3),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_RUNNING);
	/* Past the claim: row 1 is claimed again, by a new token. */
	assert_int_equal(claim1(f->s, all, 2500, 500, &j3), FAL_OK);
	assert_int_equal(j3.row, 1);
	assert_string_not_equal(j3.claim, j1.claim);
	/* The old holder's outcome is not recorded; the new one's is. */
	assert_int_equal(complete1(f->s, &j1, &ok, 2600), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 0);
	assert_int_equal(complete1(f->s, &j3, &ok, 2600), FAL_OK);
	assert_int_equal(complete1(f->s, &j3, &ok, 2600), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 1);
	assert_int_equal(g.pending, 1);
	assert_int_equal(complete1(f->s, &j2, &ok, 2700), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_DONE);
	assert_int_equal(g.pending, 0);
	assert_int_equal(g.succeeded, 2);
	assert_int_equal(g.finished_ms, 2700);
}

/* Only allowed providers are claimed; batches go by creation. */
static void
test_claim_order_and_providers(void **state)
{
	struct fixture *f = *state;
	struct fal_batch a, b;
	struct fal_batch_job j;
	bool only_yealink[FAL_PROVIDER__MAX] = { false };

	create(f->s, 3, 1000, &a);
	create(f->s, 3, 1001, &b);
	only_yealink[FAL_YEALINK] = true;
	assert_int_equal(claim1(f->s, only_yealink, 2000, 500, &j), FAL_OK);
	assert_string_equal(j.batch, a.id);
	assert_int_equal(j.row, 3);
	assert_int_equal(j.provider, FAL_YEALINK);
	assert_int_equal(claim1(f->s, only_yealink, 2000, 500, &j), FAL_OK);
	assert_string_equal(j.batch, b.id);
	assert_int_equal(j.row, 3);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_string_equal(j.batch, a.id);
	assert_int_equal(j.row, 1);
}

static int
dump_device(void *ctx, const struct fal_batch_device *d)
{
	char *out = ctx;
	size_t len = strlen(out);

	snprintf(out + len, 512 - len, "%ld:%s:%s:%ld:%s:%s;", d->row,
		 fal_dev_state_name(d->state), d->error ? d->error : "-",
		 d->attempts, d->message ? d->message : "-",
		 d->device_pin ? d->device_pin : "-");
	return 0;
}

/*
 * A chunk claim: the first due devices in (batch, row) order, at most
 * room[p] of provider p and max in all, in one call; their outcomes are
 * recorded together, and one no longer holding its claim is skipped.
 */
static void
test_claim_chunk(void **state)
{
	struct fixture *f = *state;
	struct fal_batch a, b, g;
	struct fal_batch_job j[16], late;
	struct fal_batch_outcome o[4];
	int room[FAL_PROVIDER__MAX] = { 0 };
	size_t n = 0;

	create(f->s, 6, 1000, &a);    /* rows 3 and 6 yealink */
	create(f->s, 3, 1001, &b);    /* row 3 yealink */
	room[FAL_SNOM] = 3;
	room[FAL_YEALINK] = 8;
	assert_int_equal(f->s->ops->claim(f->s, room, 5, 2000, 500, j, &n), FAL_OK);
	assert_int_equal(n, 5);
	assert_string_equal(j[0].batch, a.id);
	assert_int_equal(j[0].row, 1);
	assert_int_equal(j[1].row, 2);
	assert_int_equal(j[2].row, 3);
	assert_int_equal(j[2].provider, FAL_YEALINK);
	assert_int_equal(j[3].row, 4);
	assert_int_equal(j[4].row, 6);   /* row 5 is a fourth snom */
	assert_int_equal(j[4].provider, FAL_YEALINK);
	assert_string_equal(j[4].batch, a.id);
	/* The rest: a's row 5, then b's three. */
	assert_int_equal(f->s->ops->claim(f->s, room, 8, 2000, 500, j + 5, &n),
			 FAL_OK);
	assert_int_equal(n, 4);
	assert_int_equal(j[5].row, 5);
	assert_string_equal(j[6].batch, b.id);
	assert_int_equal(j[6].row, 1);
	assert_int_equal(j[8].row, 3);
	assert_string_equal(j[8].claim, j[6].claim);
	assert_int_equal(f->s->ops->claim(f->s, room, 8, 2000, 500, &late, &n),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(n, 0);
	/* Row 1's claim expires and is taken again before row 1 reports. */
	assert_int_equal(claim1(f->s, all, 2600, 500, &late), FAL_OK);
	assert_int_equal(late.row, 1);
	for (int i = 0; i < 4; i++)
		o[i] = (struct fal_batch_outcome){ &j[i], ok };
	assert_int_equal(f->s->ops->complete(f->s, o, 4, 2700), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, a.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 3);
	assert_int_equal(g.pending, 3);
	assert_int_equal(g.state, FAL_BATCH_RUNNING);
}

/*
 * complete_claim: the outcomes are recorded and the next due devices
 * claimed in one call, which sees its own outcomes (a device waiting for
 * its retry is not claimed again).
 */
static void
test_complete_claim(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j[3];
	struct fal_batch_result retry = {
		.state = FAL_DEV_PENDING, .retry_at_ms = 5000,
		.error = "connection_to_remote_provider_failed" };
	struct fal_batch_result fail = {
		.state = FAL_DEV_FAILED, .error = "device_owned_by_other_user" };
	struct fal_batch_outcome o;
	int room[FAL_PROVIDER__MAX] = { [FAL_SNOM] = 2 };
	size_t n = 99;

	assert_non_null(f->s->ops->complete_claim);
	create(f->s, 3, 1000, &b);    /* row 3 yealink */
	assert_int_equal(claim1(f->s, all, 2000, 500, &j[0]), FAL_OK);
	o = (struct fal_batch_outcome){ &j[0], retry };
	assert_int_equal(f->s->ops->complete_claim(f->s, &o, 1, room, 2, 2100,
						   500, &j[1], &n), FAL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(j[1].row, 2);
	room[FAL_YEALINK] = 2;
	o = (struct fal_batch_outcome){ &j[1], ok };
	assert_int_equal(f->s->ops->complete_claim(f->s, &o, 1, room, 2, 2200,
						   500, &j[2], &n), FAL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(j[2].row, 3);
	assert_int_equal(j[2].provider, FAL_YEALINK);
	o = (struct fal_batch_outcome){ &j[2], fail };
	assert_int_equal(f->s->ops->complete_claim(f->s, &o, 1, room, 2, 2300,
						   500, j, &n),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(n, 0);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 1);
	assert_int_equal(g.failed, 1);
	assert_int_equal(g.pending, 1);
	assert_int_equal(claim1(f->s, all, 5000, 500, &j[0]), FAL_OK);
	assert_int_equal(j[0].row, 1);
	assert_int_equal(j[0].attempts, 1);
}

/* A passing failure waits until retry_at; a final one is counted. */
static void
test_retry_then_fail(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j;
	struct fal_batch_result retry = {
		.state = FAL_DEV_PENDING, .retry_at_ms = 5000,
		.error = "connection_to_remote_provider_failed",
		.message = "Connection refused" };
	struct fal_batch_result fail = {
		.state = FAL_DEV_FAILED, .error = "device_owned_by_other_user" };
	struct fal_batch_result pin = { .state = FAL_DEV_SUCCEEDED,
					.device_pin = "123456" };
	struct fal_device_query q = { .state = -1 };
	char out[512] = "";

	create(f->s, 2, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &retry, 2100), FAL_OK);
	/* Row 1 waits: row 2 comes first. */
	assert_int_equal(claim1(f->s, all, 2200, 500, &j), FAL_OK);
	assert_int_equal(j.row, 2);
	assert_int_equal(complete1(f->s, &j, &pin, 2300), FAL_OK);
	assert_int_equal(claim1(f->s, all, 4999, 500, &j),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(claim1(f->s, all, 5000, 500, &j), FAL_OK);
	assert_int_equal(j.row, 1);
	assert_int_equal(j.attempts, 1);
	assert_int_equal(complete1(f->s, &j, &fail, 5100), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_DONE);
	assert_int_equal(g.failed, 1);
	assert_int_equal(g.succeeded, 1);
	assert_int_equal(f->s->ops->devices(f->s, b.id, &q, dump_device, out), FAL_OK);
	assert_string_equal(out, "1:failed:device_owned_by_other_user:2:-:-;"
			    "2:succeeded:-:1:-:123456;");
}

/* Filters and paging of the device listing. */
static void
test_devices_paging(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b;
	struct fal_batch_job j;
	struct fal_device_query q = { .state = -1, .after = 1, .limit = 2 };
	char out[512] = "";

	create(f->s, 5, 1000, &b);
	assert_int_equal(f->s->ops->devices(f->s, b.id, &q, dump_device, out), FAL_OK);
	assert_string_equal(out, "2:pending:-:0:-:-;3:pending:-:0:-:-;");
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &ok, 2000), FAL_OK);
	q = (struct fal_device_query){ .state = FAL_DEV_SUCCEEDED };
	out[0] = '\0';
	assert_int_equal(f->s->ops->devices(f->s, b.id, &q, dump_device, out), FAL_OK);
	assert_string_equal(out, "1:succeeded:-:1:-:-;");
	q = (struct fal_device_query){ .state = FAL_DEV_PENDING, .limit = 1 };
	out[0] = '\0';
	assert_int_equal(f->s->ops->devices(f->s, b.id, &q, dump_device, out), FAL_OK);
	assert_string_equal(out, "2:pending:-:0:-:-;");
	assert_int_equal(f->s->ops->devices(f->s, "ffffffffffffffff", &q,
					    dump_device, out), FAL_ERR_BATCH_NOT_FOUND);
}

/* Cancel: pending devices are never claimed; calls in flight are recorded. */
static void
test_cancel(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j, none;
	struct fal_device_query q = { .state = FAL_DEV_PENDING };
	char out[512] = "";

	create(f->s, 3, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(f->s->ops->cancel(f->s, b.id, 2100, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_CANCELLED);
	assert_int_equal(g.finished_ms, 2100);
	assert_int_equal(claim1(f->s, all, 9000, 500, &none),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(complete1(f->s, &j, &ok, 2200), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_CANCELLED);
	assert_int_equal(g.succeeded, 1);
	assert_int_equal(g.pending, 2);
	assert_int_equal(f->s->ops->devices(f->s, b.id, &q, dump_device, out), FAL_OK);
	assert_string_equal(out, "2:pending:-:0:-:-;3:pending:-:0:-:-;");
	assert_int_equal(f->s->ops->cancel(f->s, "ffffffffffffffff", 1, &g),
			 FAL_ERR_BATCH_NOT_FOUND);
}

/*
 * A device whose claim expired is cancelled like any pending one, and its
 * old holder's late outcome is then not recorded (PostgreSQL finds the
 * device by its claim alone: cancel must let go of it).
 */
static void
test_cancel_expired_claim(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j;

	create(f->s, 2, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(f->s->ops->cancel(f->s, b.id, 2600, &g), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &ok, 2700), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_CANCELLED);
	assert_int_equal(g.succeeded, 0);
	assert_int_equal(g.pending, 2);
}

/* A done batch stays done when cancelled. */
static void
test_cancel_done(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j;

	create(f->s, 1, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &ok, 2000), FAL_OK);
	assert_int_equal(f->s->ops->cancel(f->s, b.id, 3000, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_DONE);
	assert_int_equal(g.finished_ms, 2000);
}

static void
test_pending_and_purge(void **state)
{
	struct fixture *f = *state;
	struct fal_batch a, b, g;
	struct fal_batch_job j;
	long counts[FAL_PROVIDER__MAX], n;

	create(f->s, 1, 1000, &a);
	create(f->s, 6, 1000, &b);
	assert_int_equal(f->s->ops->pending(f->s, counts), FAL_OK);
	assert_int_equal(counts[FAL_SNOM], 5);
	assert_int_equal(counts[FAL_YEALINK], 2);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &ok, 2000), FAL_OK);
	assert_int_equal(f->s->ops->purge(f->s, 2000, &n), FAL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(f->s->ops->purge(f->s, 2001, &n), FAL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(f->s->ops->get(f->s, a.id, &g), FAL_ERR_BATCH_NOT_FOUND);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
}

/* Two handles (two processes) on one store see each other's work. */
static void
test_shared_store(void **state)
{
	struct fixture *f = *state;
	struct fal_store *other;
	struct fal_batch b, g;
	struct fal_batch_job j1, j2;
	char err[256];

	assert_non_null(other = fal_store_open(f->uri, err, sizeof(err)));
	create(f->s, 2, 1000, &b);
	assert_int_equal(claim1(other, all, 2000, 500, &j1), FAL_OK);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j2), FAL_OK);
	assert_int_not_equal(j1.row, j2.row);
	assert_int_equal(complete1(other, &j1, &ok, 2000), FAL_OK);
	assert_int_equal(complete1(f->s, &j2, &ok, 2000), FAL_OK);
	assert_int_equal(other->ops->get(other, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_DONE);
	fal_store_close(other);
}

/* WAL mode, the schema version, and a newer schema refused. */
static void
test_sqlite_schema_version(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[128], err[256];

	snprintf(path, sizeof(path), "%s/b.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), FAL_SQLITE_SCHEMA_VERSION);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(fal_store_open(f->uri, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99"));
}

static void
test_open_errors(void **state)
{
	char err[256];

	(void)state;
	assert_null(fal_store_open("sqlite:/nonexistent-dir/x/b.db", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent-dir/x/b.db"));
	assert_null(fal_store_open("mysql://u:secret@h/db", err, sizeof(err)));
	assert_null(strstr(err, "secret"));
	/* Nobody listens on port 1: the reason names no password. */
	assert_null(fal_store_open("postgresql://u:secret@127.0.0.1:1/db",
				   err, sizeof(err)));
	assert_non_null(strstr(err, "batch_store postgresql: "));
	assert_null(strstr(err, "secret"));
	assert_string_equal(fal_store_kind("postgresql://h/db"), "postgresql");
	assert_string_equal(fal_store_kind("sqlite:/x"), "sqlite");
	assert_null(fal_store_kind(""));
}

/* Claims device after device until none is left, completing each. */
struct claimer {
	struct fal_store *s;
	int claimed[400];
};

static void *
claim_all(void *arg)
{
	struct claimer *c = arg;
	struct fal_batch_job j;

	while (claim1(c->s, all, fal_store_now_ms(), 60000, &j) == FAL_OK) {
		c->claimed[j.row - 1]++;
		assert_int_equal(complete1(c->s, &j, &ok,
						     fal_store_now_ms()), FAL_OK);
	}
	return NULL;
}

/* Eight threads on two handles: every device claimed exactly once. */
static void
test_concurrent_claims(void **state)
{
	struct fixture *f = *state;
	struct fal_store *other;
	struct claimer c[8];
	pthread_t t[8];
	struct fal_batch b, g;
	char err[256];

	assert_non_null(other = fal_store_open(f->uri, err, sizeof(err)));
	create(f->s, 400, fal_store_now_ms(), &b);
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 8; i++) {
		c[i].s = i % 2 ? other : f->s;
		assert_int_equal(pthread_create(&t[i], NULL, claim_all, &c[i]), 0);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for (int row = 0; row < 400; row++) {
		int n = 0;

		for (int i = 0; i < 8; i++)
			n += c[i].claimed[row];
		assert_int_equal(n, 1);
	}
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.state, FAL_BATCH_DONE);
	assert_int_equal(g.succeeded, 400);
	fal_store_close(other);
}

/* A newer schema in the database is refused, naming its version. */
static void
test_pg_schema_version(void **state)
{
	struct fixture *f = *state;
	char err[256];

	pg_sql("UPDATE falconieri_schema SET version = 99");
	assert_null(fal_store_open(f->uri, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 99"));
	assert_null(strstr(err, pg_pw));
}

/* Returns the first column of sql's first row on the test server. */
static void
pg_value(const char *sql, char *out, size_t len)
{
	char uri[512];
	PGconn *c;
	PGresult *r;

	local_uri(uri, sizeof(uri));
	c = PQconnectdb(uri);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
}

/*
 * A version 1 database (its claim index on (seq, row)) with a batch in it
 * is upgraded at open: the version and the index change, a cancelled
 * device's stale claim goes, the batch stays and runs.
 */
static void
test_pg_schema_upgrade(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j;
	char v[64], err[256];

	create(f->s, 2, 1000, &b);
	fal_store_close(f->s);
	/* Version 2 let a cancelled device keep an expired claim. */
	pg_sql("DROP INDEX devices_claim; CREATE INDEX devices_todo ON "
	       "devices(seq, row) WHERE state = 0; UPDATE falconieri_schema "
	       "SET version = 1; UPDATE devices SET state = 3, claim = 'old' "
	       "WHERE row = 2");
	if ((f->s = fal_store_open(f->uri, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	pg_value("SELECT version FROM falconieri_schema", v, sizeof(v));
	assert_int_equal(atoi(v), FAL_PG_SCHEMA_VERSION);
	pg_value("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM "
		 "pg_indexes WHERE tablename = 'devices'", v, sizeof(v));
	assert_string_equal(v, "devices_claim,devices_pkey");
	pg_value("SELECT count(*) FROM devices WHERE claim IS NOT NULL", v,
		 sizeof(v));
	assert_string_equal(v, "0");
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(complete1(f->s, &j, &ok, 2000), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 1);
}

/* Several handles opened at once create the schema once, without error. */
struct opener {
	const char *uri;
	char err[256];
	bool ok;
};

static void *
open_close(void *arg)
{
	struct opener *o = arg;
	struct fal_store *s = fal_store_open(o->uri, o->err, sizeof(o->err));

	o->ok = s != NULL;
	fal_store_close(s);
	return NULL;
}

static void
test_pg_schema_race(void **state)
{
	struct fixture *f = *state;
	struct opener o[6];
	pthread_t t[6];

	fal_store_close(f->s);
	f->s = NULL;
	pg_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	for (int i = 0; i < 6; i++) {
		o[i] = (struct opener){ .uri = f->uri };
		assert_int_equal(pthread_create(&t[i], NULL, open_close, &o[i]), 0);
	}
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 6; i++)
		if (!o[i].ok)
			fail_msg("open %d: %s", i, o[i].err);
	f->s = fal_store_open(f->uri, (char[256]){ 0 }, 256);
	assert_non_null(f->s);
}

static int
pg_ctl(const char *what)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "sh tests/pg.sh %s %s", what, pg_dir);
	return system(cmd);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A restart drops every pooled connection: the next calls reconnect and
 * succeed.  While the server is down, calls fail at once with
 * batch_store_unavailable; once it is back, they succeed again.
 */
static void
test_pg_restart_and_down(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	long long t0;
	int i;

	create(f->s, 3, 1000, &b);
	assert_int_equal(pg_ctl("restart"), 0);
	for (i = 0; i < FAL_PG_POOL + 1; i++)
		assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(pg_ctl("down"), 0);
	for (i = 0; i < 20; i++) {
		t0 = mono_ms();
		assert_int_equal(f->s->ops->get(f->s, b.id, &g),
				 FAL_ERR_BATCH_STORE_UNAVAILABLE);
		assert_true(mono_ms() - t0 < 1000);
	}
	assert_int_equal(pg_ctl("up"), 0);
	t0 = mono_ms();
	while (f->s->ops->get(f->s, b.id, &g) != FAL_OK) {
		assert_true(mono_ms() - t0 < 5000);
		usleep(50 * 1000);
	}
	assert_int_equal(g.total, 3);
}


/* Counts listed rows; at row 1000 kills the listing's connection. */
static int
count_and_kill(void *ctx, const struct fal_batch_device *d)
{
	long *n = ctx;

	if (++*n == 1000 && d->row == 1000)
		pg_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		       "WHERE application_name = 'falconieri' AND state LIKE "
		       "'idle in transaction%'");
	return 0;
}

/*
 * A connection lost between two chunks of a listing: the rows already
 * handed to the callback (written into the answer) are not handed again;
 * the listing fails instead of being run again from the start.
 */
static void
test_pg_devices_reconnect_no_dup(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b;
	struct fal_device_query q = { .state = -1 };
	long n = 0;
	enum fal_err rc;

	create(f->s, 1500, 1000, &b);
	rc = f->s->ops->devices(f->s, b.id, &q, count_and_kill, &n);
	/* Either the listing fails, or each row comes once. */
	if (rc == FAL_OK)
		assert_int_equal(n, 1500);
}

/*
 * A device claimed when its batch is cancelled, whose outcome never comes
 * (its runner died, dropped it from its queue, or could not commit): it
 * is never sent, and pending() (falconieri_batch_pending) does not count
 * it.
 */
static void
test_cancel_claimed_then_lost(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j, none;
	long counts[FAL_PROVIDER__MAX];

	create(f->s, 1, 1000, &b);
	assert_int_equal(claim1(f->s, all, 2000, 500, &j), FAL_OK);
	assert_int_equal(f->s->ops->cancel(f->s, b.id, 2100, &g), FAL_OK);
	assert_int_equal(claim1(f->s, all, 9000, 500, &none),
			 FAL_ERR_NOT_FOUND);
	assert_int_equal(f->s->ops->pending(f->s, counts), FAL_OK);
	assert_int_equal(counts[FAL_SNOM], 0);
}

/*
 * An outcome whose text is not valid UTF-8 (a vendor's) is recorded with
 * the others of its group: PostgreSQL would refuse the whole JSON array.
 */
static void
test_complete_bad_utf8(void **state)
{
	struct fixture *f = *state;
	struct fal_batch b, g;
	struct fal_batch_job j[2];
	struct fal_batch_outcome o[2];
	int room[FAL_PROVIDER__MAX] = { [FAL_SNOM] = 2 };
	size_t n = 0;

	create(f->s, 2, 1000, &b);
	assert_int_equal(f->s->ops->claim(f->s, room, 2, 2000, 500, j, &n),
			 FAL_OK);
	assert_int_equal(n, 2);
	o[0] = (struct fal_batch_outcome){ &j[0], ok };
	o[1] = (struct fal_batch_outcome){ &j[1], ok };
	o[1].result.lookup_state = "registered";
	o[1].result.lookup_url = "https://pbx/\xc3";
	assert_int_equal(f->s->ops->complete(f->s, o, 2, 2100), FAL_OK);
	assert_int_equal(f->s->ops->get(f->s, b.id, &g), FAL_OK);
	assert_int_equal(g.succeeded, 2);
}

/* A free TCP port on 127.0.0.1. */
static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Starts the test server: its folder and URI from tests/pg.sh. */
static int
pg_start(void)
{
	char cmd[64];
	FILE *p;
	int ok;

	snprintf(cmd, sizeof(cmd), "sh tests/pg.sh start %d", free_port());
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	ok = fgets(pg_dir, sizeof(pg_dir), p) != NULL &&
	     fgets(pg_uri, sizeof(pg_uri), p) != NULL;
	if (pclose(p) != 0 || !ok)
		return -1;
	pg_dir[strcspn(pg_dir, "\n")] = '\0';
	pg_uri[strcspn(pg_uri, "\n")] = '\0';
	/* postgresql://fal:PASSWORD@127.0.0.1:PORT/postgres */
	if (sscanf(pg_uri, "postgresql://fal:%63[^@]@", pg_pw) != 1)
		return -1;
	return 0;
}

#define BOTH(t) \
	cmocka_unit_test_setup_teardown(t, setup_sqlite, teardown), \
	cmocka_unit_test_setup_teardown(t, setup_pg, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_create_and_get),
		BOTH(test_list_newest_first),
		BOTH(test_claims_expire),
		BOTH(test_claim_order_and_providers),
		BOTH(test_claim_chunk),
		/* PostgreSQL has no complete_claim yet (store.h: optional). */
		cmocka_unit_test_setup_teardown(test_complete_claim, setup_sqlite, teardown),
		BOTH(test_retry_then_fail),
		BOTH(test_devices_paging),
		BOTH(test_cancel),
		BOTH(test_cancel_expired_claim),
		BOTH(test_cancel_done),
		BOTH(test_pending_and_purge),
		BOTH(test_shared_store),
		BOTH(test_concurrent_claims),
		cmocka_unit_test_setup_teardown(test_sqlite_schema_version, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_pg_schema_version, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_pg_schema_upgrade, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_pg_schema_race, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_pg_restart_and_down, setup_pg, teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test_setup_teardown(test_pg_devices_reconnect_no_dup, setup_pg, teardown),
		BOTH(test_cancel_claimed_then_lost),
		BOTH(test_complete_bad_utf8),
	};
	char cmd[300];
	int rc;

	if (pg_start() != 0) {
		fprintf(stderr, "cannot start PostgreSQL (tests/pg.sh)\n");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "sh tests/pg.sh stop %s", pg_dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
