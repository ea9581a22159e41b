/* store.c - see store.h: picking the implementation a URI names. */
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/nonce.h"
#include "store_pg.h"
#include "store_sqlite.h"

static const char sqlite_prefix[] = "sqlite:";

const char *
fal_store_kind(const char *uri)
{
	if (uri == NULL)
		return NULL;
	if (strncmp(uri, sqlite_prefix, sizeof(sqlite_prefix) - 1) == 0)
		return "sqlite";
	if (strncmp(uri, "postgresql://", 13) == 0 ||
	    strncmp(uri, "postgres://", 11) == 0)
		return "postgresql";
	return NULL;
}

struct fal_store *
fal_store_open(const char *uri, char *errbuf, size_t len)
{
	const char *kind = fal_store_kind(uri);

	if (kind != NULL && strcmp(kind, "sqlite") == 0)
		return fal_store_sqlite_open(uri + sizeof(sqlite_prefix) - 1,
					     errbuf, len);
	if (kind != NULL && strcmp(kind, "postgresql") == 0)
		return fal_store_pg_open(uri, errbuf, len);
	/* The URI may hold a password: it is not repeated here. */
	snprintf(errbuf, len, "batch_store: expected \"sqlite:PATH\", "
		 "\"postgresql://...\" or \"\"");
	return NULL;
}

void
fal_store_close(struct fal_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

int
fal_store_new_id(char out[17])
{
	return fal_nonce_hex(out, 16);
}

long long
fal_store_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
