/*
 * hawk.h - Hawk request authentication (HMAC-SHA256) as GRAPE and SRAPS
 * want it (SPEC §2.3): the header
 *
 *   Hawk id="…", ts="…", nonce="…", hash="…", mac="…"
 *
 * where hash covers the payload and mac covers the request line, host,
 * port and hash.  We never send ext; fal_hawk_mac() accepts one only so
 * that the published protocol examples can be checked.
 */
#ifndef FAL_HAWK_H
#define FAL_HAWK_H

#include <stddef.h>

/* Room for base64 of a SHA-256 digest, with its NUL. */
#define FAL_HAWK_B64_LEN 45

struct fal_hawk_creds {
	const char *id;
	const char *key;
};

/* Everything a request's mac covers but the key. */
struct fal_hawk_artifacts {
	long long ts;           /* Unix seconds */
	const char *nonce;
	const char *method;     /* upper-case */
	const char *resource;   /* path?query as sent */
	const char *host;       /* lower-case */
	unsigned port;
	const char *hash;       /* payload hash, or NULL for none */
	const char *ext;        /* NULL or "" for none */
};

/* Where a request goes, as Hawk names it. */
struct fal_hawk_target {
	char *host;             /* lower-case, "[...]" for IPv6 */
	unsigned port;          /* 443 or 80 by scheme when not in the URL */
	char *resource;         /* path, plus "?query" when there is one */
};

/*
 * base64(sha256("hawk.1.payload\n<type>\n<body>\n")) into out, with type
 * the content type lower-cased and stripped of its parameters; NULL type
 * and body are both empty.  Returns 0, or -1 when OpenSSL fails.
 */
int fal_hawk_payload_hash(const char *content_type, const char *body,
			  size_t len, char out[FAL_HAWK_B64_LEN]);

/*
 * base64(hmac-sha256(key, normalized header string of a)) into out.
 * Returns 0, or -1 when OpenSSL fails.
 */
int fal_hawk_mac(const char *key, const struct fal_hawk_artifacts *a,
		 char out[FAL_HAWK_B64_LEN]);

/*
 * Splits an absolute http(s) URL into what Hawk signs.  Returns 0, or -1
 * when url is not one (or out of memory); free t either way.
 */
int fal_hawk_target_parse(const char *url, struct fal_hawk_target *t);

/* Frees what fal_hawk_target_parse allocated. */
void fal_hawk_target_free(struct fal_hawk_target *t);

/* Whether s can be placed inside a header's quotes (id, nonce). */
int fal_hawk_quotable(const char *s);

/*
 * The Authorization value for method on url with body (NULL for none) of
 * the given content type, signed at ts with nonce.  malloc'd, or NULL when
 * url cannot be parsed, id or nonce cannot be quoted, or out of memory.
 */
char *fal_hawk_header_at(const struct fal_hawk_creds *c, const char *method,
			 const char *url, const char *content_type,
			 const char *body, size_t len, long long ts,
			 const char *nonce);

/* As fal_hawk_header_at, now and with a fresh random nonce. */
char *fal_hawk_header(const struct fal_hawk_creds *c, const char *method,
		      const char *url, const char *content_type,
		      const char *body, size_t len);

#endif
