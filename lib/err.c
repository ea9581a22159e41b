/*
 * err.c - the table of outcomes: HTTP status, wire code and, for the
 * request's own mistakes, the words that explain them to a person; and
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
	const char *words; /* the message when nothing more precise is known */
} errs[FAL_ERR__MAX] = {
	[FAL_OK] = { 200, "ok", NULL },
	[FAL_ERR_UNAUTHORIZED] = { 401, "unauthorized",
		"a valid API token is needed (Authorization: Bearer <token>)" },
	[FAL_ERR_PROVIDER_NOT_SUPPORTED] = { 404, "provider_not_supported",
		"this gateway does not serve that provider: unknown, disabled or not configured" },
	[FAL_ERR_MISSING_MAC] = { 400, "missing_mac_address",
		"the MAC address is missing" },
	[FAL_ERR_MALFORMED_MAC] = { 400, "malformed_mac_address",
		"a MAC address is six pairs of hex digits such as AC-DE-48-23-45-67, and a phone's own (not all-zero, broadcast or multicast) address" },
	[FAL_ERR_REQUEST_TOO_LARGE] = { 413, "request_too_large", NULL },
	[FAL_ERR_MISSING_URL] = { 400, "missing_url",
		"the provisioning URL is missing: send a JSON object with a \"url\" string" },
	[FAL_ERR_UNSUPPORTED_URL_SCHEME] = { 400, "unsupported_url_scheme",
		"the URL must start with ftp://, tftp://, http:// or https://" },
	[FAL_ERR_UNPARSABLE_URL] = { 400, "unable_to_parse_url",
		"the URL is not an absolute URL with a host (no spaces or control characters, at most 2048 bytes)" },
	[FAL_ERR_MALFORMED_SERIAL] = { 400, "malformed_serial_number",
		"the serial number must be 1 to 64 printable ASCII characters" },
	[FAL_ERR_MISSING_CRC] = { 400, "missing_mac-id_crc",
		"Gigaset needs the MAC-ID check code: the 4 characters printed after the MAC on the device label" },
	[FAL_ERR_INVALID_CRC] = { 400, "invalid_mac-id_crc_format",
		"the MAC-ID check code is 4 letters or digits" },
	[FAL_ERR_CONNECTION_FAILED] = { 500, "connection_to_remote_provider_failed", NULL },
	[FAL_ERR_REMOTE_CALL_FAILED] = { 500, "provider_remote_call_failed", NULL },
	[FAL_ERR_READ_RESPONSE_FAILED] = { 500, "read_remote_response_failed", NULL },
	[FAL_ERR_UNKNOWN_RESPONSE] = { 500, "unknown_response_from_provider", NULL },
	[FAL_ERR_MALFORMED_URL] = { 500, "malformed_url", NULL },
	[FAL_ERR_NOT_VALID_MAC] = { 500, "not_valid_mac_address", NULL },
	[FAL_ERR_DEVICE_OWNED] = { 500, "device_owned_by_other_user", NULL },
	[FAL_ERR_UNKNOWN_PROVIDER_ERROR] = { 500, "unknown_provider_error", NULL },
	[FAL_ERR_NOT_FOUND] = { 404, "not_found", NULL },
	[FAL_ERR_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed", NULL },
	/* The client closed its connection: the status only reaches logs
	 * and metrics, as nginx's 499 does. */
	[FAL_ERR_INTERNAL] = { 500, "internal_error", NULL },
	[FAL_ERR_INVALID_BATCH] = { 400, "invalid_batch", NULL },
	[FAL_ERR_DUPLICATE_DEVICE] = { 400, "duplicate_device", NULL },
	[FAL_ERR_BATCH_NOT_FOUND] = { 404, "batch_not_found", NULL },
	[FAL_ERR_BATCH_STORE_UNAVAILABLE] = { 503, "batch_store_unavailable", NULL },
	[FAL_ERR_CLIENT_GONE] = { 499, "client_gone", NULL },  /* nobody reads it */
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

const char *
fal_err_words(enum fal_err e)
{
	return (unsigned)e < FAL_ERR__MAX ? errs[e].words : NULL;
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
