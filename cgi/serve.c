/* serve.c - see serve.h. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "../api/api.h"
#include "../lib/log.h"

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

/* Writes the header block and, unless head_only, the body. */
static void
write_response(const struct fal_io *io, const struct fal_response *resp,
	       int head_only)
{
	char head[1024];
	int n;

	n = snprintf(head, sizeof(head),
		     "Status: %d %s\r\nContent-Length: %zu\r\n%s%s%s%s%s%s%s%s%s%s\r\n",
		     resp->status, reason(resp->status), resp->body_len,
		     resp->content_type ? "Content-Type: " : "",
		     resp->content_type ? resp->content_type : "",
		     resp->content_type ? "\r\n" : "",
		     resp->allow ? "Allow: " : "",
		     resp->allow ? resp->allow : "",
		     resp->allow ? "\r\n" : "",
		     resp->location ? "Location: " : "",
		     resp->location ? resp->location : "",
		     resp->location ? "\r\n" : "",
		     resp->status == 401 ? "WWW-Authenticate: Bearer\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return;
	if (io->write(io->ctx, head, (size_t)n) != 0)
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
