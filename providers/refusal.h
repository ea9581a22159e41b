/*
 * refusal.h - turning a vendor's refusal text into an error code (SPEC §2):
 * each vendor lists its known texts in a table; anything else is
 * unknown_provider_error carrying the vendor's own words.
 */
#ifndef FAL_REFUSAL_H
#define FAL_REFUSAL_H

#include "../lib/err.h"

enum fal_match {
	FAL_MATCH_EXACT,     /* the whole text, as written */
	FAL_MATCH_PREFIX,    /* the text starts with it, as written */
	FAL_MATCH_CONTAINS,  /* it appears anywhere, ignoring case */
	FAL_MATCH_CASELESS,  /* the whole text, ignoring case */
	FAL_MATCH_REGEX      /* a POSIX extended regex the text matches */
};

struct fal_refusal {
	enum fal_match match;
	const char *text;    /* NULL ends a table */
	enum fal_err code;   /* FAL_OK: the refusal counts as success */
};

/* Whether text matches pattern the way match says. */
int fal_text_matches(enum fal_match match, const char *pattern,
		     const char *text);

/* Whether text matches entry r. */
int fal_refusal_matches(const struct fal_refusal *r, const char *text);

/*
 * The entry of table (may be NULL) that text matches first, or NULL.
 */
const struct fal_refusal *fal_refusal_find(const struct fal_refusal *table,
					   const char *text);

/*
 * Maps text through table: the matching entry's code (FAL_OK for a
 * tolerated refusal), else FAL_ERR_UNKNOWN_PROVIDER_ERROR with text as the
 * message.  Sets err unless the result is FAL_OK.
 */
enum fal_err fal_refusal_map(const struct fal_refusal *table, const char *text,
			     struct fal_error *err);

#endif
