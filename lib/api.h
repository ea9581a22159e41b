/*
 * api.h - the HTTP API of SPEC §1, independent of how the request arrived
 * (FastCGI, CGI, a test).  The caller fills a struct fal_request from its
 * environment and writes out the struct fal_response it gets back.
 */
#ifndef FAL_API_H
#define FAL_API_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "http.h"

struct fal_request {
	const char *method;
	const char *request_uri;     /* may be NULL */
	const char *path_info;       /* may be NULL */
	const char *query_string;    /* may be NULL */
	const char *authorization;   /* header value, may be NULL */
	long long content_length;    /* -1 when absent */
	/* Reads up to len body bytes: count, 0 at the end, -1 on error. */
	long (*read_body)(void *ctx, char *buf, size_t len);
	void *body_ctx;
};

struct fal_response {
	int status;
	const char *content_type;  /* NULL when there is no body */
	const char *allow;         /* Allow header (405), else NULL */
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

/* Frees resp's body. */
void fal_response_free(struct fal_response *resp);

#endif
