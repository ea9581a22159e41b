/* xmlrpc_memo.c - see xmlrpc_memo.h. */
#include "xmlrpc_memo.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Answers longer than this, or with a longer message or third element,
 * are not kept: a success answer is a few hundred bytes, and the memo
 * lives in each thread's static storage (no allocation to free when an
 * idle worker thread ends).
 */
#define MEMO_ANSWER_MAX 512
#define MEMO_TEXT_MAX 256

/* The last answer this thread read successfully, and what it held. */
struct memo {
	size_t len;  /* of xml; 0: nothing kept */
	char xml[MEMO_ANSWER_MAX];
	bool ok;
	bool has_third;
	char message[MEMO_TEXT_MAX];
	char third[MEMO_TEXT_MAX];
};

/* One per thread: a worker's calls follow one another, never overlap. */
static _Thread_local struct memo memo;

/* Copies s into out (size MEMO_TEXT_MAX); false when it does not fit. */
static bool
keep_text(char *out, const char *s)
{
	size_t n = strlen(s);

	if (n >= MEMO_TEXT_MAX)
		return false;
	memcpy(out, s, n + 1);
	return true;
}

/* Remembers the answer xml (len bytes) read as a; when it fits. */
static void
keep(const char *xml, size_t len, const struct fal_xmlrpc_answer *a)
{
	memo.len = 0;
	if (len == 0 || len > MEMO_ANSWER_MAX ||
	    !keep_text(memo.message, a->message) ||
	    (a->third != NULL && !keep_text(memo.third, a->third)))
		return;
	memcpy(memo.xml, xml, len);
	memo.ok = a->ok;
	memo.has_third = a->third != NULL;
	memo.len = len;
}

/* Fills out from the memo; false when out of memory (out left empty). */
static bool
recall(struct fal_xmlrpc_answer *out)
{
	out->ok = memo.ok;
	out->message = strdup(memo.message);
	out->third = memo.has_third ? strdup(memo.third) : NULL;
	if (out->message == NULL || (memo.has_third && out->third == NULL)) {
		fal_xmlrpc_answer_free(out);
		return false;
	}
	return true;
}

enum fal_err
fal_xmlrpc_answer_read(const char *xml, size_t len,
		       struct fal_xmlrpc_answer *out)
{
	enum fal_err rc;

	if (xml != NULL && len > 0 && len == memo.len &&
	    memcmp(xml, memo.xml, len) == 0 && recall(out))
		return FAL_OK;
	rc = fal_xmlrpc_answer_parse(xml, len, out);
	if (rc == FAL_OK)
		keep(xml, len, out);
	return rc;
}
