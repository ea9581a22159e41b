/*
 * input.h - the body of POST /batches (SPEC §6.1), JSON or CSV, turned
 * into validated rows: every row checked as the single-device call would
 * be, duplicates found, the first FAL_BATCH_BAD_MAX invalid rows listed.
 */
#ifndef FAL_INPUT_H
#define FAL_INPUT_H

#include <stddef.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "batch.h"

/* Most invalid rows an answer lists. */
#define FAL_BATCH_BAD_MAX 100

/* An invalid row: its 1-based number and its code. */
struct fal_bad_row {
	long row;
	enum fal_err code;
};

struct fal_batch_input {
	enum fal_batch_action action;
	struct fal_batch_row *rows;   /* n valid rows, in the order given */
	size_t n, cap;
	long seen;                    /* rows read, valid or not */
	struct fal_bad_row bad[FAL_BATCH_BAD_MAX];
	size_t n_bad;                 /* listed in bad[] */
	long invalid;                 /* invalid rows in all */
	char message[256];            /* why, for invalid_batch without rows */
};

/* The body kinds POST /batches takes. */
enum fal_batch_format {
	FAL_BATCH_JSON,
	FAL_BATCH_CSV
};

/*
 * Parses and checks data (len bytes).  action_name is the CSV body's
 * `action` query parameter (NULL: register); JSON bodies carry their own.
 * Returns FAL_OK (in->n > 0 valid rows), FAL_ERR_INVALID_BATCH (with
 * bad[] when rows are invalid, else message), FAL_ERR_REQUEST_TOO_LARGE
 * (over FAL_BATCH_MAX_DEVICES) or FAL_ERR_INTERNAL.  in must be freed
 * either way.
 */
enum fal_err fal_batch_input_parse(const struct fal_config *cfg,
				   enum fal_batch_format format,
				   const char *action_name,
				   const char *data, size_t len,
				   struct fal_batch_input *in);

/* Frees in's rows. */
void fal_batch_input_free(struct fal_batch_input *in);

#endif
