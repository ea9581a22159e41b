/* method.c - see method.h. */
#include "method.h"

#include <string.h>

static const char *const methods[FAL_METHOD__MAX] = {
	"GET",     /* FAL_METHOD_GET */
	"HEAD",    /* FAL_METHOD_HEAD */
	"PUT",     /* FAL_METHOD_PUT */
	"DELETE",  /* FAL_METHOD_DELETE */
	"POST",    /* FAL_METHOD_POST */
	"OTHER",   /* FAL_METHOD_OTHER: never parsed, named in metrics */
};

const char *
fal_method_name(enum fal_method method)
{
	return (unsigned)method < FAL_METHOD__MAX ? methods[method] : "OTHER";
}

enum fal_method
fal_method_parse(const char *method)
{
	int m;

	for (m = 0; method != NULL && m < FAL_METHOD_OTHER; m++)
		if (strcmp(method, methods[m]) == 0)
			return (enum fal_method)m;
	return FAL_METHOD_OTHER;
}
