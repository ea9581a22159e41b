/*
 * query.h - the query string of a device request: Gigaset's MAC-ID check
 * code `crc` (SPEC §1.1).
 */
#ifndef FAL_QUERY_H
#define FAL_QUERY_H

#include "err.h"

/*
 * Reads the first `crc` parameter of query (may be NULL), percent-decoded.
 * Returns FAL_OK with the 4 alphanumerics upper-cased into out,
 * FAL_ERR_MISSING_CRC when absent or empty, FAL_ERR_INVALID_CRC otherwise.
 */
enum fal_err fal_crc_parse(const char *query, char out[5]);

#endif
