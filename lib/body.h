/*
 * body.h - the JSON body of PUT /providers/{provider}/{mac} (SPEC §1.1):
 * {"url": "...", "sn": "..."}.
 */
#ifndef FAL_BODY_H
#define FAL_BODY_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

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

/*
 * Parses data (len bytes) as one JSON value with nothing but whitespace
 * after it, with every NUL of its strings turned into U+0001 (so a string
 * is never cut short unseen).  Returns the tree, or NULL when data is not
 * JSON or out of memory (*oom says which).
 */
cJSON *fal_json_parse(const char *data, size_t len, int *oom);

/*
 * FAL_OK when sn is 1-64 printable ASCII characters, else
 * FAL_ERR_MALFORMED_SERIAL (the check of "sn", shared with batches).
 */
enum fal_err fal_sn_check(const char *sn);

/* Frees what fal_body_parse allocated. */
void fal_body_free(struct fal_body *body);

#endif
