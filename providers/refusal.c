/* refusal.c - see refusal.h. */
#include "refusal.h"

#include <regex.h>
#include <string.h>
#include <strings.h>

/*
 * Whether text matches the extended regex re (anchor it to match the whole
 * text).  Compiled per call: refusals are rare, and a table stays plain
 * data.  A pattern that does not compile matches nothing.
 */
static int
regex_matches(const char *re, const char *text)
{
	regex_t rx;
	int ok;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

int
fal_text_matches(enum fal_match match, const char *pattern, const char *text)
{
	switch (match) {
	case FAL_MATCH_EXACT:
		return strcmp(text, pattern) == 0;
	case FAL_MATCH_PREFIX:
		return strncmp(text, pattern, strlen(pattern)) == 0;
	case FAL_MATCH_CONTAINS:
		return strcasestr(text, pattern) != NULL;
	case FAL_MATCH_CASELESS:
		return strcasecmp(text, pattern) == 0;
	case FAL_MATCH_REGEX:
		return regex_matches(pattern, text);
	}
	return 0;
}

int
fal_refusal_matches(const struct fal_refusal *r, const char *text)
{
	return fal_text_matches(r->match, r->text, text);
}

const struct fal_refusal *
fal_refusal_find(const struct fal_refusal *table, const char *text)
{
	for (; table != NULL && table->text != NULL; table++)
		if (fal_refusal_matches(table, text))
			return table;
	return NULL;
}

enum fal_err
fal_refusal_map(const struct fal_refusal *table, const char *text,
		struct fal_error *err)
{
	const struct fal_refusal *r = fal_refusal_find(table, text);

	if (r == NULL)
		return fal_error_set(err, FAL_ERR_UNKNOWN_PROVIDER_ERROR,
				     "%s", text);
	if (r->code == FAL_OK)
		return FAL_OK;
	return fal_error_set(err, r->code, "%s", text);
}
