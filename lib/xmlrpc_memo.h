/*
 * xmlrpc_memo.h - a vendor answer read once per worker thread.
 *
 * A vendor answers every successful call with the same bytes (Snom:
 * [true, ""]), and reading them with mxml costs more than a third of
 * the CPU Falconieri spends on a successful register outside libcurl.
 * fal_xmlrpc_answer_read() gives what fal_xmlrpc_answer_parse() gives,
 * answered from the last answer this thread read when the bytes are the
 * same: parsing is a pure function of the bytes.
 */
#ifndef FAL_XMLRPC_MEMO_H
#define FAL_XMLRPC_MEMO_H

#include <stddef.h>

#include "err.h"
#include "xmlrpc.h"

/* As fal_xmlrpc_answer_parse(xml, len, out); free out the same way. */
enum fal_err fal_xmlrpc_answer_read(const char *xml, size_t len,
				    struct fal_xmlrpc_answer *out);

#endif
