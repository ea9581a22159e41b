/*
 * query.h - query string parameters: Gigaset's MAC-ID check code `crc`
 * (SPEC §1.1) and the plain parameters of the batch routes (SPEC §6).
 */
#ifndef FAL_QUERY_H
#define FAL_QUERY_H

#include "../lib/err.h"

/*
 * Reads the first `crc` parameter of query (may be NULL), percent-decoded.
 * Returns FAL_OK with the 4 alphanumerics upper-cased into out,
 * FAL_ERR_MISSING_CRC when absent or empty, FAL_ERR_INVALID_CRC otherwise.
 */
enum fal_err fal_crc_parse(const char *query, char out[5]);

/*
 * The first parameter called name in query (may be NULL), percent-decoded
 * into a malloc'd string ("" for "name=" or a bare "name").  NULL when it
 * is absent or out of memory (*oom says which; oom may be NULL).
 */
char *fal_query_get(const char *query, const char *name, int *oom);

#endif
