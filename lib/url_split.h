/*
 * url_split.h - the parts of a provisioning URL, for vendors that want the
 * server and the path apart (Fanvil's addMaterialServer, SPEC §2.1).
 * libcurl's URL API reads the URL; nothing is decoded or re-encoded.
 */
#ifndef FAL_URL_SPLIT_H
#define FAL_URL_SPLIT_H

#include "err.h"

/* A URL in pieces; every string is malloc'd. */
struct fal_url_parts {
	char *scheme;    /* lower-case: "https" */
	char *hostport;  /* host, plus ":port" when the URL names one */
	char *path;      /* as written, "/" when the URL has none */
	char *query;     /* after '?', without it; NULL when there is no '?' */
};

/*
 * Splits url (already accepted by fal_url_check) into out.  Returns
 * FAL_OK, FAL_ERR_UNPARSABLE_URL when curl cannot read it or finds no
 * host, or FAL_ERR_INTERNAL when out of memory; out holds nothing to free
 * unless FAL_OK.  User info and fragment are not kept.
 */
enum fal_err fal_url_split(const char *url, struct fal_url_parts *out);

/* Frees what fal_url_split allocated and zeroes parts. */
void fal_url_parts_free(struct fal_url_parts *parts);

#endif
