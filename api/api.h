/*
 * api.h - the HTTP API of SPEC §1, independent of how the request arrived
 * (FastCGI, CGI, a test).  The caller fills a struct fal_request from its
 * environment and writes out the struct fal_response it gets back.
 */
#ifndef FAL_API_H
#define FAL_API_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "../lib/config.h"
#include "../lib/err.h"
#include "../lib/http.h"
#include "route.h"

struct fal_request;
struct fal_response;

/*
 * The §6 routes, answered above this library (api/batches.c) and handed
 * down by the program; a request without them answers /batches with
 * not_found (batch_store "").
 */
struct fal_batch_routes {
	/* Answers a FAL_ROUTE_BATCH* route the token check has let through. */
	void (*handle)(void *ctx, const struct fal_route *route,
		       enum fal_method method, const struct fal_request *req,
		       struct fal_response *resp);
	/* The batch figures of /metrics (malloc'd text), NULL on failure. */
	char *(*metrics)(void *ctx);
	void *ctx;
};

struct fal_request {
	const char *method;
	const char *request_uri;     /* may be NULL */
	const char *path_info;       /* may be NULL */
	const char *query_string;    /* may be NULL */
	const char *authorization;   /* header value, may be NULL */
	const char *content_type;    /* may be NULL */
	const char *accept;          /* may be NULL */
	long long content_length;    /* -1 when absent */
	/* Reads up to len body bytes: count, 0 at the end, -1 on error. */
	long (*read_body)(void *ctx, char *buf, size_t len);
	void *body_ctx;
	const struct fal_batch_routes *batches;  /* NULL: batches off */
	/* True when the client has gone: checked before each vendor call,
	 * which is then not made (client_gone).  May be NULL. */
	bool (*client_gone)(void *ctx);
	void *client_gone_ctx;
};

struct fal_response {
	int status;
	const char *content_type;  /* NULL when there is no body */
	const char *allow;         /* Allow header (405), else NULL */
	char *location;            /* Location header (malloc'd), or NULL */
	char *body;                /* malloc'd, or NULL */
	size_t body_len;
	/* What the access log says of the request. */
	enum fal_err err;
	const char *provider;      /* static name, or NULL */
	char mac[18];              /* normalised MAC, or "" */
	long vendor_ms;            /* time spent calling the vendor, -1 if none */
};

/*
 * Answers req into resp (always: errors become their JSON answer).
 * http is the calling worker's client.
 */
void fal_api_handle(const struct fal_config *cfg, struct fal_http *http,
		    const struct fal_request *req, struct fal_response *resp);

/*
 * Reads the body into *out (malloc'd, NUL-terminated, *len bytes):
 * FAL_OK, FAL_ERR_REQUEST_TOO_LARGE without reading when Content-Length
 * is over max (or after max + 1 bytes when it is absent),
 * FAL_ERR_INTERNAL.  *out is NULL when there is no body.
 */
enum fal_err fal_request_body(const struct fal_request *req, size_t max,
			      char **out, size_t *len);

/* Gives resp a JSON body printed from root (consumed); 0 or -1 (OOM). */
int fal_response_json(struct fal_response *resp, int status, cJSON *root);

/* Answers {"error": code[, "message": text]} with the code's status. */
void fal_response_error(struct fal_response *resp, const struct fal_error *err);

/* Frees resp's body and Location. */
void fal_response_free(struct fal_response *resp);

#endif
