/*
 * fuzz_ymcs.c - reading YMCS's JSON answers (SPEC §2.2) with the pure
 * functions of providers/ymcs_json.h: the token answer, error payloads,
 * the answers to addDevicesByMac, devices, delDevices, listDevicePins and
 * listDevices (a lookup, SPEC §2.4).
 *
 * Input: one byte picking the HTTP status, then the answer body.
 *
 * Checked: every reader ends in an outcome the SPEC allows for that
 * answer, with its message valid UTF-8 (it becomes the "message" of our
 * JSON answer); a token is printable ASCII with a positive lifetime; a PIN
 * fits its buffer and is NUL-terminated.
 */
#include "../../lib/err.h"
#include "../../providers/ymcs_json.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

static const long ym_statuses[] = {
	200, 201, 202, 204, 299, 301, 400, 401, 403, 404, 409, 429, 500, 502,
	503, 0, 100, 600
};

/* Whether rc is a failure a vendor answer may produce. */
static bool
ym_vendor_outcome(enum fal_err rc)
{
	switch (rc) {
	case FAL_ERR_REMOTE_CALL_FAILED:
	case FAL_ERR_UNKNOWN_RESPONSE:
	case FAL_ERR_MALFORMED_URL:
	case FAL_ERR_NOT_VALID_MAC:
	case FAL_ERR_DEVICE_OWNED:
	case FAL_ERR_UNKNOWN_PROVIDER_ERROR:
		return true;
	default:
		return false;
	}
}

/* The error a reader returned is the one it set, with a printable message. */
static void
ym_check(enum fal_err rc, const struct fal_error *err)
{
	if (rc == FAL_OK)
		return;
	FUZZ_CHECK(ym_vendor_outcome(rc));
	FUZZ_CHECK(err->code == rc);
	FUZZ_CHECK(memchr(err->message, '\0', sizeof(err->message)) != NULL);
	FUZZ_CHECK(fuzz_utf8_valid(err->message, strlen(err->message)));
}

int
fuzz_ymcs(const uint8_t *data, size_t size)
{
	const size_t nstat = sizeof(ym_statuses) / sizeof(ym_statuses[0]);
	struct fal_error err;
	enum fal_err rc;
	long status;
	const char *body;
	size_t len;
	char *token = NULL, *url = NULL, pin[16];
	enum fal_lookup_state st = FAL_LOOKUP_NOT_REGISTERED;
	long long expires = 0;

	if (size < 1)
		return 0;
	status = ym_statuses[data[0] % nstat];
	body = (const char *)data + 1;
	len = size - 1;

	fal_error_clear(&err);
	rc = fal_ymcs_token_read(status, body, len, &token, &expires, &err);
	ym_check(rc, &err);
	if (rc == FAL_OK) {
		FUZZ_CHECK(status == 200 && token != NULL && token[0] != '\0');
		for (const char *p = token; *p != '\0'; p++)
			FUZZ_CHECK(*p > 0x20 && *p < 0x7f);
		FUZZ_CHECK(expires >= 1);
	} else {
		FUZZ_CHECK(token == NULL);
	}
	free(token);

	fal_error_clear(&err);
	rc = fal_ymcs_error_map(status, body, len, &err);
	FUZZ_CHECK(rc != FAL_OK);
	ym_check(rc, &err);

	fal_error_clear(&err);
	rc = fal_ymcs_add_read(status, body, len, &err);
	ym_check(rc, &err);
	FUZZ_CHECK(rc != FAL_OK || (status >= 200 && status <= 299));

	fal_error_clear(&err);
	rc = fal_ymcs_device_read(status, body, len, &err);
	ym_check(rc, &err);
	FUZZ_CHECK(rc != FAL_OK || status == 200 || status == 201);

	fal_error_clear(&err);
	rc = fal_ymcs_del_read(status, body, len, &err);
	ym_check(rc, &err);
	FUZZ_CHECK(rc != FAL_OK || status == 404 ||
		   (status >= 200 && status <= 299));

	fal_error_clear(&err);
	rc = fal_ymcs_list_read(status, body, len, "acde48234567", &st, &url,
				&err);
	ym_check(rc, &err);
	if (rc == FAL_OK)
		FUZZ_CHECK(url == NULL || (st == FAL_LOOKUP_REGISTERED &&
			   url[0] != '\0' && fuzz_utf8_valid(url, strlen(url))));
	else
		FUZZ_CHECK(url == NULL);
	free(url);

	memset(pin, 'x', sizeof(pin));
	if (fal_ymcs_pin_read(status, body, len, "acde48234567", pin,
			      sizeof(pin)) == 0) {
		FUZZ_CHECK(status == 200);
		FUZZ_CHECK(memchr(pin, '\0', sizeof(pin)) != NULL);
		FUZZ_CHECK(pin[0] != '\0');
	}
	return 0;
}

FUZZ_TARGET(fuzz_ymcs)
