/*
 * err.h - the closed set of outcomes of a request.
 *
 * Every failure is an enum fal_err value; one table (err.c) gives its HTTP
 * status and its stable wire code, so neither is ever typed twice.  A
 * struct fal_error carries the code plus an optional human message (curl's
 * words, the vendor's own text) that never drives logic.
 */
#ifndef FAL_ERR_H
#define FAL_ERR_H

#include <stddef.h>

enum fal_err {
	FAL_OK,                        /* 200 */
	FAL_ERR_UNAUTHORIZED,          /* 401 unauthorized */
	FAL_ERR_PROVIDER_NOT_SUPPORTED,/* 404 provider_not_supported */
	FAL_ERR_MISSING_MAC,           /* 400 missing_mac_address */
	FAL_ERR_MALFORMED_MAC,         /* 400 malformed_mac_address */
	FAL_ERR_REQUEST_TOO_LARGE,     /* 413 request_too_large */
	FAL_ERR_MISSING_URL,           /* 400 missing_url */
	FAL_ERR_UNSUPPORTED_URL_SCHEME,/* 400 unsupported_url_scheme */
	FAL_ERR_UNPARSABLE_URL,        /* 400 unable_to_parse_url */
	FAL_ERR_MALFORMED_SERIAL,      /* 400 malformed_serial_number */
	FAL_ERR_MISSING_CRC,           /* 400 missing_mac-id_crc */
	FAL_ERR_INVALID_CRC,           /* 400 invalid_mac-id_crc_format */
	FAL_ERR_CONNECTION_FAILED,     /* 500 connection_to_remote_provider_failed */
	FAL_ERR_REMOTE_CALL_FAILED,    /* 500 provider_remote_call_failed */
	FAL_ERR_READ_RESPONSE_FAILED,  /* 500 read_remote_response_failed */
	FAL_ERR_UNKNOWN_RESPONSE,      /* 500 unknown_response_from_provider */
	FAL_ERR_MALFORMED_URL,         /* 500 malformed_url */
	FAL_ERR_NOT_VALID_MAC,         /* 500 not_valid_mac_address */
	FAL_ERR_DEVICE_OWNED,          /* 500 device_owned_by_other_user */
	FAL_ERR_UNKNOWN_PROVIDER_ERROR,/* 500 unknown_provider_error */
	FAL_ERR_NOT_FOUND,             /* 404 not_found */
	FAL_ERR_METHOD_NOT_ALLOWED,    /* 405 method_not_allowed */
	FAL_ERR_INTERNAL,              /* 500 internal_error (out of memory) */
	FAL_ERR_INVALID_BATCH,         /* 400 invalid_batch */
	FAL_ERR_DUPLICATE_DEVICE,      /* 400 duplicate_device (a batch row) */
	FAL_ERR_BATCH_NOT_FOUND,       /* 404 batch_not_found */
	FAL_ERR_BATCH_STORE_UNAVAILABLE,/* 503 batch_store_unavailable */
	FAL_ERR_CLIENT_GONE,           /* 499 client_gone (nobody reads it) */
	FAL_ERR__MAX
};

/* Room for a human message: curl's words or a vendor's text, truncated. */
#define FAL_ERROR_MESSAGE_MAX 512

struct fal_error {
	enum fal_err code;
	char message[FAL_ERROR_MESSAGE_MAX]; /* "" when there is none */
};

/* HTTP status of an outcome (200 for FAL_OK). */
int fal_err_status(enum fal_err e);

/* Stable wire code of an outcome ("ok" for FAL_OK). */
const char *fal_err_code(enum fal_err e);

/*
 * The words that explain a mistake in the request itself (a bad MAC, URL,
 * serial, check code, token or provider) to a person, for an answer that
 * has no more precise message; NULL for the other outcomes.
 */
const char *fal_err_words(enum fal_err e);

/*
 * Sets err to code with a printf-style message (fmt may be NULL); returns
 * code.  The message is the formatted text with every secret of
 * secret.h masked, as valid UTF-8, then cut to fit (in that order).
 */
enum fal_err fal_error_set(struct fal_error *err, enum fal_err code,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Resets err to FAL_OK with no message. */
void fal_error_clear(struct fal_error *err);

#endif
