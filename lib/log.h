/*
 * log.h - the access log and start-up messages, on the process's standard
 * error, as text or one JSON object per line.  Each line is one write(2),
 * so lines from concurrent workers never interleave.  Nothing logged here
 * ever holds a secret: only method, provider, MAC, status, code, timing.
 */
#ifndef FAL_LOG_H
#define FAL_LOG_H

#include "config.h"
#include "err.h"

/* What the access log says of one request. */
struct fal_log_entry {
	const char *method;     /* as the client sent it, may be NULL */
	int status;
	enum fal_err err;
	const char *provider;   /* NULL when the request named none */
	const char *mac;        /* normalised MAC; NULL or "" when none */
	long vendor_ms;         /* -1 when no vendor was called */
};

/* One line for a served request. */
void fal_log_request(enum fal_log_format fmt, const struct fal_log_entry *e);

/* One free-form line ("level" is "info", "warning" or "error"). */
void fal_log_msg(enum fal_log_format fmt, const char *level,
		 const char *fmt_str, ...)
	__attribute__((format(printf, 3, 4)));

#endif
