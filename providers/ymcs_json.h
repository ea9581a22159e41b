/*
 * ymcs_json.h - the JSON YMCS reads and writes (SPEC §2.2), as pure
 * functions: request bodies built with cJSON, and the vendor's answers
 * read defensively (wrong types and missing fields are
 * unknown_response_from_provider) and mapped to our error codes.
 */
#ifndef FAL_YMCS_JSON_H
#define FAL_YMCS_JSON_H

#include <stddef.h>

#include "../lib/err.h"
#include "../lib/device.h"

/* Request bodies, malloc'd, or NULL when out of memory. */
char *fal_ymcs_token_body(void);      /* {"grant_type":"client_credentials"} */
char *fal_ymcs_del_body(const char *mac12);
char *fal_ymcs_add_body(const char *mac12, const char *url);
char *fal_ymcs_device_body(const char *mac12, const char *sn, const char *url);
char *fal_ymcs_pins_body(const char *mac12);
/* {"skip":0,"limit":1,"autoCount":false,"filter":{"mac":mac12}} */
char *fal_ymcs_list_body(const char *mac12);

/*
 * Reads a listDevices answer {"data":[...]} (SPEC §2.4): an entry for
 * mac12 is registered, with *url (malloc'd) its uniqueServerUrl, else its
 * serverUrl, else NULL; none is not registered (YMCS lists only the
 * account's own devices).  Another status maps as fal_ymcs_error_map; a
 * 2xx without a data array is unknown_response_from_provider.
 */
enum fal_err fal_ymcs_list_read(long status, const char *body, size_t len,
				const char *mac12,
				enum fal_lookup_state *state, char **url,
				struct fal_error *err);

/*
 * Reads a token answer (status 200): FAL_OK with *token malloc'd and
 * *expires_in in seconds, or the error (set in err) for another status or
 * a token that is missing, empty, not printable ASCII or without a
 * positive expires_in.
 */
enum fal_err fal_ymcs_token_read(long status, const char *body, size_t len,
				 char **token, long long *expires_in,
				 struct fal_error *err);

/*
 * Maps an error answer {"code","error","requestId","message"}: a known
 * code or text to its error, other words to unknown_provider_error with
 * the vendor's text, no words at all to provider_remote_call_failed.
 */
enum fal_err fal_ymcs_error_map(long status, const char *body, size_t len,
				struct fal_error *err);

/*
 * Reads the answer to addDevicesByMac: 2xx with successCount > 0 and no
 * failure is FAL_OK; a failure maps errors[0].errorInfo; 900403 says the
 * account may not use the call and suggests `sn`.
 */
enum fal_err fal_ymcs_add_read(long status, const char *body, size_t len,
			       struct fal_error *err);

/* Reads the answer to POST /v2/rps/devices: 200/201 with a JSON object. */
enum fal_err fal_ymcs_device_read(long status, const char *body, size_t len,
				  struct fal_error *err);

/*
 * Reads the answer to delDevices when deregistering: 2xx and 404 are
 * success unless the failure reported is a known refusal (invalid MAC,
 * other owner); an unknown device is what the client wanted.
 */
enum fal_err fal_ymcs_del_read(long status, const char *body, size_t len,
			       struct fal_error *err);

/*
 * Finds mac12's PIN in a listDevicePins answer (status 200, [{"mac","pin"}])
 * and copies it into pin.  Returns 0, or -1 when there is none usable.
 */
int fal_ymcs_pin_read(long status, const char *body, size_t len,
		      const char *mac12, char *pin, size_t pinlen);

#endif
