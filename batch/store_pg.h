/*
 * store_pg.h - the batch store in PostgreSQL (SPEC §6.6 `postgresql://…`,
 * a libpq connection URI): any number of processes on any number of hosts
 * share one database.  Devices are claimed with SELECT … FOR UPDATE SKIP
 * LOCKED; the schema is created or upgraded at open under an advisory
 * lock; each handle keeps a small pool of connections and reconnects with
 * backoff when the server goes away.
 */
#ifndef FAL_STORE_PG_H
#define FAL_STORE_PG_H

#include <stddef.h>

#include "store.h"

/* The schema version this program writes (table falconieri_schema). */
#define FAL_PG_SCHEMA_VERSION 3

/* Connections one handle keeps at most. */
#define FAL_PG_POOL 4

/*
 * Opens the database uri names (connecting once, so that an unreachable
 * server stops the program at start); NULL with the reason in errbuf,
 * which never holds the URI or its password.
 */
struct fal_store *fal_store_pg_open(const char *uri, char *errbuf, size_t len);

#endif
