/*
 * csv.c - see csv.h.  libcsv hands over one field at a time through a
 * buffer it reuses, so each record's fields are copied until its end.
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

struct reader {
	fal_csv_cb cb;
	void *ctx;
	char *fields[FAL_CSV_MAX_FIELDS];
	size_t n;
	long records;
	enum fal_err rc;     /* first failure; FAL_OK while going */
	char *msg;
	size_t msglen;
};

static void
drop_fields(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
}

static void
on_field(void *field, size_t len, void *data)
{
	struct reader *r = data;
	char *copy;

	if (r->rc != FAL_OK)
		return;
	if (r->n == FAL_CSV_MAX_FIELDS) {
		snprintf(r->msg, r->msglen, "record %ld has more than %d fields",
			 r->records + 1, FAL_CSV_MAX_FIELDS);
		r->rc = FAL_ERR_INVALID_BATCH;
		return;
	}
	if ((copy = strndup(field != NULL ? field : "", len)) == NULL) {
		r->rc = FAL_ERR_INTERNAL;
		return;
	}
	r->fields[r->n++] = copy;
}

static void
on_record(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (r->rc == FAL_OK) {
		r->records++;
		r->rc = r->cb(r->ctx, r->fields, r->n);
	}
	drop_fields(r);
}

/* Spaces are data (RFC 4180 §2.4): libcsv would trim them by default. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

enum fal_err
fal_csv_parse(const char *data, size_t len, fal_csv_cb cb, void *ctx,
	      char *msg, size_t msglen)
{
	struct reader r = { .cb = cb, .ctx = ctx, .rc = FAL_OK, .msg = msg,
			    .msglen = msglen };
	struct csv_parser p;
	size_t done;

	msg[0] = '\0';
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return FAL_ERR_INTERNAL;
	csv_set_space_func(&p, no_space);
	done = csv_parse(&p, data, len, on_field, on_record, &r);
	if (r.rc == FAL_OK && done != len && csv_error(&p) == CSV_ENOMEM)
		r.rc = FAL_ERR_INTERNAL;
	else if (r.rc == FAL_OK && done != len)
		snprintf(msg, msglen, "malformed CSV in record %ld (a quote "
			 "inside an unquoted field, or text after a closing "
			 "quote)", r.records + 1);
	if (r.rc == FAL_OK && done == len &&
	    csv_fini(&p, on_field, on_record, &r) != 0)
		snprintf(msg, msglen, "malformed CSV in record %ld (a quote "
			 "left open)", r.records + 1);
	if (r.rc == FAL_OK && msg[0] != '\0')
		r.rc = FAL_ERR_INVALID_BATCH;
	drop_fields(&r);
	csv_free(&p);
	return r.rc;
}
