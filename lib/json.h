/*
 * json.h - parsing a JSON request body with cJSON so that no string is
 * ever cut short unseen: shared by PUT bodies and batch bodies.
 */
#ifndef FAL_JSON_H
#define FAL_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * Parses data (len bytes) as one JSON value with nothing but whitespace
 * after it, with every NUL of its strings turned into U+0001.  Returns the
 * tree, or NULL when data is not JSON or out of memory (*oom says which).
 */
cJSON *fal_json_parse(const char *data, size_t len, int *oom);

#endif
