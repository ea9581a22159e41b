/*
 * hawk_json.h - the JSON of the GRAPE/SRAPS protocol (SPEC §2.3), as pure
 * functions: the endpoint body we PUT, the discovery documents we read
 * (never trusted to be well-formed), and the mapping of error answers.
 */
#ifndef FAL_HAWK_JSON_H
#define FAL_HAWK_JSON_H

#include <stddef.h>

#include "../lib/err.h"
#include "../lib/device.h"

/*
 * {"mac":mac12,"autoprovisioning_enabled":true,"settings_manager":
 * {uuid:{"value":url,"attrs":{"perm":"RW"}}}} and nothing else;
 * malloc'd, or NULL when out of memory.
 */
char *fal_hawk_endpoint_body(const char *mac12, const char *uuid,
			     const char *url);

/*
 * Looks for param_name in one page of settings (a JSON array of
 * {"uuid","param_name"}).  FAL_OK with *uuid malloc'd when found, FAL_OK
 * with *uuid NULL when not on this page; FAL_ERR_UNKNOWN_RESPONSE when
 * the page is not an array or the setting's uuid is not a non-empty
 * string; FAL_ERR_INTERNAL when out of memory.
 */
enum fal_err fal_hawk_settings_find(const char *body, size_t len,
				    const char *param_name, char **uuid);

/*
 * The string links.<name> of a JSON document, malloc'd into *link.
 * FAL_OK, FAL_ERR_UNKNOWN_RESPONSE (absent, empty, wrong type) or
 * FAL_ERR_INTERNAL.
 */
enum fal_err fal_hawk_link_read(const char *body, size_t len,
				const char *name, char **link);

/*
 * Maps an answer the dialogue did not expect.  Status >= 400: the text is
 * the JSON "message", "error" or "detail" string, else the raw body;
 * taken_mac_or_forbidden, or both "permission" and "endpoint" (any case),
 * is device_owned_by_other_user, other text unknown_provider_error, no
 * text provider_remote_call_failed.  Other statuses are
 * provider_remote_call_failed.
 */
enum fal_err fal_hawk_error_map(long status, const char *body, size_t len,
				struct fal_error *err);

/*
 * Reads the answer to GET {endpoints}{mac12} (SPEC §2.4): 200 with a JSON
 * object is registered, *url (malloc'd) its settings_manager.<uuid>.value
 * or NULL when that is absent or empty; 404 is not registered; an error
 * that fal_hawk_error_map makes device_owned_by_other_user is registered
 * elsewhere; any other answer fails as fal_hawk_error_map says (a 200
 * that is no JSON object: unknown_response_from_provider).
 */
enum fal_err fal_hawk_lookup_read(long status, const char *body, size_t len,
				  const char *uuid,
				  enum fal_lookup_state *state, char **url,
				  struct fal_error *err);

#endif
