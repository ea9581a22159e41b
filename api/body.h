/*
 * body.h - the JSON body of PUT /providers/{provider}/{mac} (SPEC §1.1):
 * {"url": "...", "sn": "..."}.
 */
#ifndef FAL_BODY_H
#define FAL_BODY_H

#include <stddef.h>

#include "../lib/err.h"

/* Largest accepted body; one byte more is request_too_large. */
#define FAL_BODY_MAX (64 * 1024)

struct fal_body {
	char *url;             /* non-empty string, or NULL */
	char *sn;              /* the sn string when valid, else NULL */
	enum fal_err sn_err;   /* FAL_OK (absent or valid) or FAL_ERR_MALFORMED_SERIAL */
};

/*
 * Parses data (len bytes, not NUL-terminated).  Returns FAL_OK with out->url
 * set, FAL_ERR_MISSING_URL when data is empty, not a JSON object, or has no
 * non-empty string "url", or FAL_ERR_INTERNAL when out of memory.  "sn",
 * when present, must be a string of 1-64 printable ASCII characters,
 * otherwise out->sn_err says so (it is only an error for ymcs).
 */
enum fal_err fal_body_parse(const char *data, size_t len, struct fal_body *out);

/* Frees what fal_body_parse allocated. */
void fal_body_free(struct fal_body *body);

#endif
