/*
 * route.h - which resource a request names (SPEC §1, §1.7): PATH_INFO when
 * the server set it, else REQUEST_URI's path less base_path.  Segments are
 * percent-decoded after the path is split on '/'.
 */
#ifndef FAL_ROUTE_H
#define FAL_ROUTE_H

#include "../lib/method.h"

enum fal_route_kind {
	FAL_ROUTE_NOT_FOUND,
	FAL_ROUTE_HEALTH,     /* /health/check */
	FAL_ROUTE_PROVIDERS,  /* /providers, /providers/ */
	FAL_ROUTE_DEVICE,     /* /providers/{provider}[/{mac}] */
	FAL_ROUTE_METRICS,    /* /metrics */
	FAL_ROUTE_BATCHES,    /* /batches, /batches/ */
	FAL_ROUTE_BATCH,      /* /batches/{id} */
	FAL_ROUTE_BATCH_DEVICES, /* /batches/{id}/devices */
	FAL_ROUTE__MAX
};


struct fal_route {
	enum fal_route_kind kind;
	char *provider;  /* FAL_ROUTE_DEVICE: decoded segment, else NULL */
	char *mac;       /* FAL_ROUTE_DEVICE: decoded segment, "" when absent */
	char *batch;     /* FAL_ROUTE_BATCH*: the decoded id segment, else NULL */
	char *buf_;      /* owns provider, mac and batch */
};

/*
 * Fills out from the request.  path_info wins when non-empty; otherwise the
 * path of request_uri (query removed) must start with base_path ("" or
 * "/prefix"), which is removed.  Returns 0, or -1 when out of memory.
 */
int fal_route_parse(const char *request_uri, const char *path_info,
		    const char *base_path, struct fal_route *out);

/* Frees what fal_route_parse allocated. */
void fal_route_free(struct fal_route *route);

/* Whether the route answers that method. */
int fal_route_allows(enum fal_route_kind kind, enum fal_method method);

/* The Allow header value of a route ("GET, PUT, DELETE"). */
const char *fal_route_allow_header(enum fal_route_kind kind);

#endif
