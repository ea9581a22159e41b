/*
 * row.h - checking one device of a batch exactly as the single-device call
 * would check it (SPEC §1.1's checks after the token, in their order),
 * with lib/'s validators.
 */
#ifndef FAL_ROW_H
#define FAL_ROW_H

#include <stdbool.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "batch.h"

/* A device as the client wrote it; NULL when absent. */
struct fal_raw_row {
	const char *provider;
	const char *mac;
	const char *url;
	const char *sn;
	const char *crc;
	bool mac_bad;   /* present but not a string (JSON) */
	bool sn_bad;
	bool crc_bad;
};

/*
 * Checks raw for action and fills out (url and sn strdup'd).  Returns
 * FAL_OK, the §1.1 code of the first failed check, or FAL_ERR_INTERNAL.
 */
enum fal_err fal_row_check(const struct fal_config *cfg,
			   enum fal_batch_action action,
			   const struct fal_raw_row *raw,
			   struct fal_batch_row *out);

/* Frees what fal_row_check allocated. */
void fal_row_free(struct fal_batch_row *row);

#endif
