/*
 * err.c - the table of outcomes: HTTP status and wire code of each; and
 * the one place where a message is made safe to pass on.
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "secret.h"
#include "utf8.h"

static const struct {
	int status;
	const char *code;
} errs[FAL_ERR__MAX] = {
	{ 200, "ok" },                                    /* FAL_OK */
	{ 401, "unauthorized" },                          /* FAL_ERR_UNAUTHORIZED */
	{ 404, "provider_not_supported" },                /* FAL_ERR_PROVIDER_NOT_SUPPORTED */
	{ 400, "missing_mac_address" },                   /* FAL_ERR_MISSING_MAC */
	{ 400, "malformed_mac_address" },                 /* FAL_ERR_MALFORMED_MAC */
	{ 413, "request_too_large" },                     /* FAL_ERR_REQUEST_TOO_LARGE */
	{ 400, "missing_url" },                           /* FAL_ERR_MISSING_URL */
	{ 400, "unsupported_url_scheme" },                /* FAL_ERR_UNSUPPORTED_URL_SCHEME */
	{ 400, "unable_to_parse_url" },                   /* FAL_ERR_UNPARSABLE_URL */
	{ 400, "malformed_serial_number" },               /* FAL_ERR_MALFORMED_SERIAL */
	{ 400, "missing_mac-id_crc" },                    /* FAL_ERR_MISSING_CRC */
	{ 400, "invalid_mac-id_crc_format" },             /* FAL_ERR_INVALID_CRC */
	{ 500, "connection_to_remote_provider_failed" },  /* FAL_ERR_CONNECTION_FAILED */
	{ 500, "provider_remote_call_failed" },           /* FAL_ERR_REMOTE_CALL_FAILED */
	{ 500, "read_remote_response_failed" },           /* FAL_ERR_READ_RESPONSE_FAILED */
	{ 500, "unknown_response_from_provider" },        /* FAL_ERR_UNKNOWN_RESPONSE */
	{ 500, "malformed_url" },                         /* FAL_ERR_MALFORMED_URL */
	{ 500, "not_valid_mac_address" },                 /* FAL_ERR_NOT_VALID_MAC */
	{ 500, "device_owned_by_other_user" },            /* FAL_ERR_DEVICE_OWNED */
	{ 500, "unknown_provider_error" },                /* FAL_ERR_UNKNOWN_PROVIDER_ERROR */
	{ 404, "not_found" },                             /* FAL_ERR_NOT_FOUND */
	{ 405, "method_not_allowed" },                    /* FAL_ERR_METHOD_NOT_ALLOWED */
	{ 500, "internal_error" },                        /* FAL_ERR_INTERNAL */
	{ 400, "invalid_batch" },                         /* FAL_ERR_INVALID_BATCH */
	{ 400, "duplicate_device" },                      /* FAL_ERR_DUPLICATE_DEVICE */
	{ 404, "batch_not_found" },                       /* FAL_ERR_BATCH_NOT_FOUND */
	{ 503, "batch_store_unavailable" },               /* FAL_ERR_BATCH_STORE_UNAVAILABLE */
};

int
fal_err_status(enum fal_err e)
{
	return (unsigned)e < FAL_ERR__MAX ? errs[e].status : 500;
}

const char *
fal_err_code(enum fal_err e)
{
	return (unsigned)e < FAL_ERR__MAX ? errs[e].code : "internal_error";
}

/*
 * Sets err's message to the n bytes at text made safe to pass on: every
 * registered secret masked first, on the whole text, so that a cut can
 * never leave part of one; then valid UTF-8 (a vendor's bytes end up in
 * a JSON answer), cut at a character boundary to fit.
 */
static void
set_message(struct fal_error *err, const char *text, size_t n)
{
	size_t len;
	char *clean = fal_secret_redacted(text, n, &len);

	/* Out of memory: no message beats an unredacted one. */
	if (clean == NULL)
		return;
	fal_utf8_copy(err->message, sizeof(err->message), clean, len);
	OPENSSL_cleanse(clean, len);
	free(clean);
}

enum fal_err
fal_error_set(struct fal_error *err, enum fal_err code, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	err->code = code;
	err->message[0] = '\0';
	if (fmt == NULL)
		return code;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return code;
	set_message(err, text, (size_t)n);
	OPENSSL_cleanse(text, (size_t)n);
	free(text);
	return code;
}

void
fal_error_clear(struct fal_error *err)
{
	err->code = FAL_OK;
	err->message[0] = '\0';
}
