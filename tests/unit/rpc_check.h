/*
 * rpc_check.h - what the XML-RPC provider tests share: reading a recorded
 * request body back with mxml (never comparing it as text), checking one
 * recorded call, and scripting a vendor's [boolean, message] answer.
 *
 * Built into the tests' archive (libfaltest.a) with the scripted
 * transport, and linked into every test like it.
 */
#ifndef RPC_CHECK_H
#define RPC_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mxml.h>

#include "../../lib/url.h"
#include "../../providers/table.h"
#include "fake_http.h"

#define RPC_MAX_PARAMS 8
#define RPC_MAX_ITEMS 16

/* One param: a <string>, or an <array> of <string>s. */
struct rpc_value {
	bool is_array;
	char *str;
	char *items[RPC_MAX_ITEMS];
	size_t n_items;
};

/* A methodCall as the vendor reads it. */
struct rpc_call {
	char *method;
	struct rpc_value params[RPC_MAX_PARAMS];
	size_t n_params;
};

/* The first child element of parent called name, or NULL. */
mxml_node_t *rpc_child(mxml_node_t *parent, const char *name);

/* The text of element e, entities decoded ("" when empty); malloc'd. */
char *rpc_text(mxml_node_t *e);

/* The <string> of a <value>, or NULL when it holds no <string>. */
char *rpc_string_of(mxml_node_t *value);

/* Reads one <value> into v; 0, or -1 when it is neither shape. */
int rpc_value_read(mxml_node_t *value, struct rpc_value *v);

/* Frees what rpc_call_parse allocated. */
void rpc_call_free(struct rpc_call *c);

/*
 * Parses a methodCall document into out; 0, or -1 when it is not one
 * (out is then freed).
 */
int rpc_call_parse(const char *xml, struct rpc_call *out);

/*
 * Checks recorded request i: a POST of text/xml to the vendor's rpc_url
 * with Basic auth user/password, calling method with the n string params
 * that follow.
 */
void rpc_expect_call(size_t i, const struct fal_provider_conf *conf,
		const char *method, size_t n, ...);

/* Queues a 200 answer [ok, message] as the vendors send it. */
void rpc_push_answer(bool ok, const char *message);

/* Queues a success answer. */
void rpc_push_ok(void);

/* Queues a refusal answer with the vendor's text. */
void rpc_push_refusal(const char *text);

/* A configured vendor, one call's context and the device it is about. */
struct rpc_env {
	struct fal_provider_conf conf;
	struct fal_error err;
	struct fal_outcome out;
	struct fal_call call;
	struct fal_device dev;
	char vendor_url[FAL_URL_MAX + 1];  /* dev.url, as the API makes it */
};

/* Sets up e for the device mac and url, with no request made or queued. */
void rpc_env_init(struct rpc_env *e, const char *mac, const char *url);

/*
 * Checks that a provider function answered want, that e's error says the
 * same, and that exactly ncalls requests were made.
 */
void rpc_expect_result(const struct rpc_env *e, enum fal_err got, enum fal_err want,
		  size_t ncalls);

/* A provider's do_register or do_deregister. */
typedef enum fal_err (*rpc_fn)(struct fal_call *, const struct fal_device *);

/* A vendor refusal text and what it must become. */
struct rpc_case {
	const char *text;
	enum fal_err want;
};

/*
 * For each case: answers the first n_ok calls of fn with success and the
 * next with the case's refusal (any later call with success), then checks
 * the outcome.  A failure must stop at the refusal and carry the vendor's
 * text as its message.
 */
void rpc_expect_refusals(struct rpc_env *e, rpc_fn fn, size_t n_ok,
		    const struct rpc_case *cases, size_t n);

/* Ways a vendor answer goes wrong below the refusal level. */
enum rpc_failure {
	RPC_HTTP_500,   /* HTTP status other than 200 */
	RPC_CONNECT,    /* DNS, connect, TLS or timeout */
	RPC_CUT,        /* answer cut off */
	RPC_GARBAGE,    /* 200, but not XML-RPC */
	RPC_FAULT       /* 200, an XML-RPC fault */
};

/* Queues one answer failing as f. */
void rpc_push_failure(enum rpc_failure f);

/*
 * Answers the first n_ok calls of fn with success, the next as f, any
 * later one with success, and checks that fn answers want, stopping at the
 * failure when want is one.
 */
void rpc_expect_failure(struct rpc_env *e, rpc_fn fn, size_t n_ok,
		   enum rpc_failure f, enum fal_err want);

/*
 * Checks that the call after n_ok successful ones counts every failure:
 * its delivery, its status and its shape.
 */
void rpc_expect_failures(struct rpc_env *e, rpc_fn fn, size_t n_ok);

/* A lookup answer [ok, text] and what it must become. */
struct rpc_lookup_case {
	bool ok;
	const char *text;
	enum fal_err want;
	enum fal_lookup_state state;   /* when want is FAL_OK */
};

/* A provider's do_lookup. */
rpc_fn rpc_lookup_of(enum fal_provider_id id);

/*
 * For each case: answers the lookup's call with [ok, text] (any later
 * call fails with HTTP 500), then checks the outcome, that a failure
 * carries the vendor's text, and that no URL is reported.  A registered
 * device may cost more_if_registered further calls.
 */
void rpc_expect_lookups(struct rpc_env *e, rpc_fn fn,
		   const struct rpc_lookup_case *cases, size_t n,
		   size_t more_if_registered);

/* Checks that the lookup's one call counts every failure below refusals. */
void rpc_expect_lookup_failures(struct rpc_env *e, rpc_fn fn);

#endif
