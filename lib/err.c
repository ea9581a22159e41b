/* err.c - the table of outcomes: HTTP status and wire code of each. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
 * Drops the UTF-8 sequence a cut at len split, if any: a vendor's text
 * cut to fit the message would otherwise end in half a character, and
 * the JSON answer carrying it would not be valid UTF-8.
 */
static void
cut_utf8_tail(char *s, size_t len)
{
	size_t i = len, need;

	while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
		return;
	i--;
	need = ((unsigned char)s[i] & 0xe0) == 0xc0 ? 2 :
	       ((unsigned char)s[i] & 0xf0) == 0xe0 ? 3 :
	       ((unsigned char)s[i] & 0xf8) == 0xf0 ? 4 : 1;
	if (len - i < need)
		s[i] = '\0';
}

enum fal_err
fal_error_set(struct fal_error *err, enum fal_err code, const char *fmt, ...)
{
	va_list ap;
	int n;

	err->code = code;
	err->message[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
		if (n >= (int)sizeof(err->message))
			cut_utf8_tail(err->message, sizeof(err->message) - 1);
	}
	return code;
}

void
fal_error_clear(struct fal_error *err)
{
	err->code = FAL_OK;
	err->message[0] = '\0';
}

void
fal_error_redact(struct fal_error *err, const char *secret)
{
	static const char mask[] = "***";
	size_t slen, mlen = sizeof(mask) - 1;
	char *p = err->message;

	if (secret == NULL || (slen = strlen(secret)) == 0)
		return;
	while ((p = strstr(p, secret)) != NULL) {
		/* A mask longer than the secret would not fit: star it instead. */
		if (slen < mlen) {
			memset(p, '*', slen);
			p += slen;
			continue;
		}
		memcpy(p, mask, mlen);
		memmove(p + mlen, p + slen, strlen(p + slen) + 1);
		p += mlen;
	}
}
