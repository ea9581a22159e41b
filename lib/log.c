/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "strbuf.h"

#define LINE_MAX_LEN 2048

/*
 * "2026-11-27T01:02:03Z" into buf.  Each thread formats a second once:
 * a worker logs many requests a second, and gmtime_r and strftime cost
 * more than the rest of the line.
 */
static void
timestamp(char *buf, size_t len)
{
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char text[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;

	if (now != last || text[0] == '\0') {
		text[0] = '\0';
		if (gmtime_r(&now, &tm) != NULL &&
		    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			last = now;
	}
	n = strlen(text) < len ? strlen(text) : len - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
}

/* Writes line (newline appended) with one write(2). */
static void
emit(char *line, size_t len)
{
	if (len > LINE_MAX_LEN - 1)
		len = LINE_MAX_LEN - 1;
	line[len++] = '\n';
	(void)!write(STDERR_FILENO, line, len);
}

/* Copies s into out, control characters made '?', so a line stays a line. */
static void
sanitize(const char *s, char *out, size_t outlen)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < outlen; s++)
		out[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[i] = '\0';
}

/* Emits a JSON object as one line; consumes obj. */
static void
emit_json(cJSON *obj)
{
	char line[LINE_MAX_LEN];

	if (obj != NULL && cJSON_PrintPreallocated(obj, line, sizeof(line) - 1, 0))
		emit(line, strlen(line));
	cJSON_Delete(obj);
}

void
fal_log_request(enum fal_log_format fmt, const struct fal_log_entry *e)
{
	const char *mac = e->mac != NULL ? e->mac : "";
	char ts[32], m[16], line[LINE_MAX_LEN];
	struct fal_strbuf b;

	timestamp(ts, sizeof(ts));
	sanitize(e->method, m, sizeof(m));
	if (fmt == FAL_LOG_JSON) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "time", ts);
		cJSON_AddStringToObject(o, "method", m);
		/* Every key on every line, null when it does not apply, so
		 * each line has the same shape as the text format's. */
		if (e->provider != NULL)
			cJSON_AddStringToObject(o, "provider", e->provider);
		else
			cJSON_AddNullToObject(o, "provider");
		if (mac[0] != '\0')
			cJSON_AddStringToObject(o, "mac", mac);
		else
			cJSON_AddNullToObject(o, "mac");
		cJSON_AddNumberToObject(o, "status", e->status);
		cJSON_AddStringToObject(o, "code", fal_err_code(e->err));
		if (e->vendor_ms >= 0)
			cJSON_AddNumberToObject(o, "vendor_ms", e->vendor_ms);
		else
			cJSON_AddNullToObject(o, "vendor_ms");
		emit_json(o);
		return;
	}
	b = fal_strbuf_init(line, sizeof(line));
	fal_strbuf_put(&b, ts);
	fal_strbuf_put(&b, " method=");
	fal_strbuf_put(&b, m);
	fal_strbuf_put(&b, " provider=");
	fal_strbuf_put(&b, e->provider ? e->provider : "-");
	fal_strbuf_put(&b, " mac=");
	fal_strbuf_put(&b, mac[0] ? mac : "-");
	fal_strbuf_put(&b, " status=");
	fal_strbuf_num(&b, e->status);
	fal_strbuf_put(&b, " code=");
	fal_strbuf_put(&b, fal_err_code(e->err));
	fal_strbuf_put(&b, " vendor_ms=");
	fal_strbuf_num(&b, e->vendor_ms);
	emit(line, b.len);
}

void
fal_log_msg(enum fal_log_format fmt, const char *level, const char *fmt_str, ...)
{
	char ts[32], msg[LINE_MAX_LEN - 64], clean[sizeof(msg)], line[LINE_MAX_LEN];
	va_list ap;
	int n;

	timestamp(ts, sizeof(ts));
	va_start(ap, fmt_str);
	vsnprintf(msg, sizeof(msg), fmt_str, ap);
	va_end(ap);
	sanitize(msg, clean, sizeof(clean));
	if (fmt == FAL_LOG_JSON) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "time", ts);
		cJSON_AddStringToObject(o, "level", level);
		cJSON_AddStringToObject(o, "message", clean);
		emit_json(o);
		return;
	}
	n = snprintf(line, sizeof(line), "%s %s: %s", ts, level, clean);
	if (n > 0)
		emit(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
