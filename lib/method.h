/*
 * method.h - the HTTP methods the gateway tells apart, and their names:
 * one table, for routing and for the metrics' labels.
 */
#ifndef FAL_METHOD_H
#define FAL_METHOD_H

enum fal_method {
	FAL_METHOD_GET,
	FAL_METHOD_HEAD,
	FAL_METHOD_PUT,
	FAL_METHOD_DELETE,
	FAL_METHOD_POST,
	FAL_METHOD_OTHER,
	FAL_METHOD__MAX
};

/* FAL_METHOD_* of a request method name (case-sensitive, as HTTP says). */
enum fal_method fal_method_parse(const char *method);

/* Name of a method ("PUT"; "OTHER" for FAL_METHOD_OTHER). */
const char *fal_method_name(enum fal_method method);

#endif
