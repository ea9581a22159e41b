/*
 * log.h - the access log and start-up messages, on the process's standard
 * error, as text or one JSON object per line.  Each line is one write(2),
 * so lines from concurrent workers never interleave.  Nothing logged here
 * ever holds a secret: only method, provider, MAC, status, code, timing.
 */
#ifndef FAL_LOG_H
#define FAL_LOG_H

#include "api.h"
#include "config.h"

/* One line for a served request. */
void fal_log_request(enum fal_log_format fmt, const char *method,
		     const struct fal_response *resp);

/* One free-form line ("level" is "info", "warning" or "error"). */
void fal_log_msg(enum fal_log_format fmt, const char *level,
		 const char *fmt_str, ...)
	__attribute__((format(printf, 3, 4)));

#endif
