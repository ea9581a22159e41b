/*
 * store_sqlite.h - the batch store in an embedded SQLite database (SPEC
 * §6.6 `sqlite:PATH`): WAL mode, so any number of processes on one host
 * share the file; the schema created or upgraded at open.
 */
#ifndef FAL_STORE_SQLITE_H
#define FAL_STORE_SQLITE_H

#include <stddef.h>

#include "store.h"

/* The schema version this program writes (PRAGMA user_version). */
#define FAL_SQLITE_SCHEMA_VERSION 1

/* Opens (creating) the database at path; NULL with the reason in errbuf. */
struct fal_store *fal_store_sqlite_open(const char *path, char *errbuf,
					size_t len);

#endif
