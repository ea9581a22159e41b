/* serve.c - see serve.h. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "../api/api.h"
#include "../lib/log.h"
#include "../lib/strbuf.h"

/* Reason phrases of the statuses the API answers. */
static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 499: return "Client Closed Request";  /* nobody reads it */
	case 503: return "Service Unavailable";
	default:  return "Internal Server Error";
	}
}

static const char *
param(const struct fal_io *io, const char *name)
{
	return FCGX_GetParam(name, io->envp);
}

/* CONTENT_LENGTH as a number; -1 when absent or not a number. */
static long long
content_length(const char *s)
{
	char *end;
	long long n;

	if (s == NULL || *s == '\0')
		return -1;
	n = strtoll(s, &end, 10);
	return *end == '\0' && n >= 0 ? n : -1;
}

/* Appends the header line "name: value\r\n" when value is not NULL. */
static void
put_header(struct fal_strbuf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	fal_strbuf_put(b, name);
	fal_strbuf_put(b, ": ");
	fal_strbuf_put(b, value);
	fal_strbuf_put(b, "\r\n");
}

/* Writes the header block and, unless head_only, the body. */
static void
write_response(const struct fal_io *io, const struct fal_response *resp,
	       int head_only)
{
	char head[1024];
	struct fal_strbuf b = fal_strbuf_init(head, sizeof(head));

	fal_strbuf_put(&b, "Status: ");
	fal_strbuf_num(&b, resp->status);
	fal_strbuf_put(&b, " ");
	fal_strbuf_put(&b, reason(resp->status));
	fal_strbuf_put(&b, "\r\nContent-Length: ");
	fal_strbuf_num(&b, (long long)resp->body_len);
	fal_strbuf_put(&b, "\r\n");
	put_header(&b, "Content-Type", resp->content_type);
	put_header(&b, "Allow", resp->allow);
	put_header(&b, "Location", resp->location);
	if (resp->status == 401)
		fal_strbuf_put(&b, "WWW-Authenticate: Bearer\r\n");
	fal_strbuf_put(&b, "\r\n");
	if (b.overflow)
		return;
	if (io->write(io->ctx, head, b.len) != 0)
		return;
	if (!head_only && resp->body_len > 0)
		io->write(io->ctx, resp->body, resp->body_len);
}

void
fal_serve(const struct fal_config *cfg, struct fal_http *http,
	  const struct fal_io *io, const struct fal_batch_routes *batches)
{
	struct fal_response resp;
	struct fal_log_entry entry;
	const char *method = param(io, "REQUEST_METHOD");
	struct fal_request req = {
		.method = method,
		.request_uri = param(io, "REQUEST_URI"),
		.path_info = param(io, "PATH_INFO"),
		.query_string = param(io, "QUERY_STRING"),
		.authorization = param(io, "HTTP_AUTHORIZATION"),
		.content_type = param(io, "CONTENT_TYPE"),
		.accept = param(io, "HTTP_ACCEPT"),
		.content_length = content_length(param(io, "CONTENT_LENGTH")),
		.read_body = io->read,
		.body_ctx = io->ctx,
		.batches = batches,
		.client_gone = io->gone,
		.client_gone_ctx = io->ctx,
	};

	fal_api_handle(cfg, http, &req, &resp);
	write_response(io, &resp, method != NULL && strcmp(method, "HEAD") == 0);
	entry = (struct fal_log_entry){ method, resp.status, resp.err,
					resp.provider, resp.mac, resp.vendor_ms };
	fal_log_request(cfg->log_format, &entry);
	fal_response_free(&resp);
}
