/*
 * xmlrpc.h - the XML-RPC codec (over mxml) for the four XML-RPC vendors.
 *
 * They all answer a call with one param, an array [boolean, value]: success
 * and a message.  Building a call and reading an answer are pure functions;
 * fal_xmlrpc_call() adds the POST with Basic auth.
 */
#ifndef FAL_XMLRPC_H
#define FAL_XMLRPC_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "err.h"
#include "http.h"

enum fal_xmlrpc_type {
	FAL_XMLRPC_STRING,        /* <string> */
	FAL_XMLRPC_STRING_ARRAY   /* <array> of <string> */
};

struct fal_xmlrpc_param {
	enum fal_xmlrpc_type type;
	const char *str;             /* FAL_XMLRPC_STRING */
	const char *const *strs;     /* FAL_XMLRPC_STRING_ARRAY */
	size_t n_strs;
};

/*
 * The vendors' answer: [success, message], and the third element that
 * Snom's getPhoneRedirection adds ([true, company, url], SPEC §2.4).
 */
struct fal_xmlrpc_answer {
	bool ok;
	char *message;  /* the second element when a string (typed or not), else "" */
	char *third;    /* the third element as message is read; NULL when absent */
};

/*
 * A methodCall document for method with params, every value escaped;
 * malloc'd, NUL-terminated; NULL when out of memory.
 */
char *fal_xmlrpc_call_new(const char *method,
			  const struct fal_xmlrpc_param *params, size_t n);

/*
 * Reads a methodResponse of len bytes.  FAL_OK with out filled when it is
 * one param holding an array whose first element is a boolean (elements
 * after the third are not read);
 * FAL_ERR_UNKNOWN_RESPONSE for a fault, malformed XML or any other shape.
 */
enum fal_err fal_xmlrpc_answer_parse(const char *xml, size_t len,
				     struct fal_xmlrpc_answer *out);

/*
 * Whether fal_xmlrpc_answer_parse would hand the len bytes at xml to mxml
 * at all: one linear pass refuses, before mxml reads a byte, what could
 * cost it superlinear time (attributes, thousands of nodes, long runs) or
 * could never be a whole document.
 */
bool fal_xmlrpc_answer_screened(const char *xml, size_t len);

/* Frees what fal_xmlrpc_answer_parse allocated. */
void fal_xmlrpc_answer_free(struct fal_xmlrpc_answer *a);

/*
 * POSTs method(params) to rpc_url with Basic auth user/password and
 * reads the answer: FAL_ERR_REMOTE_CALL_FAILED for a status other than 200,
 * else as fal_xmlrpc_answer_parse.  Transport failures as fal_http_do.
 */
enum fal_err fal_xmlrpc_call(struct fal_http *http, const char *rpc_url,
			     const char *user, const char *password,
			     const char *method,
			     const struct fal_xmlrpc_param *params, size_t n,
			     struct fal_xmlrpc_answer *out,
			     struct fal_error *err);

#endif
