/*
 * csv.h - reading a CSV body (RFC 4180) record by record, with libcsv:
 * quoted fields with commas, quotes and line breaks, CRLF or LF line ends,
 * a leading UTF-8 byte order mark skipped, spaces kept.  Blank lines are
 * skipped.  A quote left open, or one inside an unquoted field, is an
 * error.
 */
#ifndef FAL_CSV_H
#define FAL_CSV_H

#include <stddef.h>

#include "../lib/err.h"

/* Most fields a record may have. */
#define FAL_CSV_MAX_FIELDS 32

/*
 * Called per record with its n fields (NUL-terminated; a field holding a
 * NUL byte is cut there).  FAL_OK goes on; anything else stops the
 * parse, which returns it.
 */
typedef enum fal_err (*fal_csv_cb)(void *ctx, char *const *fields, size_t n);

/*
 * Parses data (len bytes).  Returns FAL_OK, FAL_ERR_INVALID_BATCH with the
 * reason in msg (malformed CSV, too many fields), FAL_ERR_INTERNAL (out of
 * memory), or what cb returned.
 */
enum fal_err fal_csv_parse(const char *data, size_t len, fal_csv_cb cb,
			   void *ctx, char *msg, size_t msglen);

#endif
