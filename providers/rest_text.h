/*
 * rest_text.h - reading a REST vendor's JSON answers, and its words made
 * fit for an error message: picked from a JSON error answer, valid UTF-8
 * (it ends up in our JSON answer).
 */
#ifndef FAL_REST_TEXT_H
#define FAL_REST_TEXT_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * The most values a vendor's JSON answer may hold: pages of settings and
 * lists of errors hold dozens.  More is refused before cJSON builds them,
 * to bound the CPU one answer costs.
 */
#define FAL_REST_JSON_VALUES_MAX 16384

/*
 * A vendor's answer body as JSON, or NULL (no body, not JSON, more than
 * FAL_REST_JSON_VALUES_MAX values).
 */
cJSON *fal_rest_json_parse(const char *body, size_t len);

/* The string member name of JSON object o, or NULL (absent, not a string). */
const char *fal_rest_json_string(const cJSON *o, const char *name);

/*
 * Copies up to n bytes of s into out (len bytes, NUL-terminated) as
 * valid UTF-8, every secret of secret.h masked before anything is cut:
 * control characters become spaces, bytes that start no
 * character '?', surrounding blanks are dropped, and a character that
 * does not fit whole is left out.
 */
void fal_rest_text_copy(char *out, size_t len, const char *s, size_t n);

/*
 * The URL a vendor reports for a lookup, fit for our JSON answer: the
 * string member name of JSON object o, copied whole as fal_rest_text_copy
 * does, into *url (malloc'd); NULL when absent, not a string or empty.
 * Returns 0, or -1 when out of memory.
 */
int fal_rest_json_url(const cJSON *o, const char *name, char **url);

#endif
