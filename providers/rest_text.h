/*
 * rest_text.h - a REST vendor's words, made fit for an error message:
 * picked from a JSON error answer, cut without splitting a character, and
 * with our own secrets blanked should the vendor echo them.
 */
#ifndef FAL_REST_TEXT_H
#define FAL_REST_TEXT_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The string member name of JSON object o, or NULL (absent, not a string). */
const char *fal_rest_json_string(const cJSON *o, const char *name);

/*
 * Copies up to n bytes of s into out (len bytes, NUL-terminated), with
 * control characters turned into spaces, surrounding blanks dropped, and
 * never ending inside a UTF-8 sequence.
 */
void fal_rest_text_copy(char *out, size_t len, const char *s, size_t n);

/* Replaces every occurrence of secret (when non-empty) in msg by "***". */
void fal_rest_redact(char *msg, const char *secret);

#endif
