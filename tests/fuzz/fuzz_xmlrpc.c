/*
 * fuzz_xmlrpc.c - reading a vendor's XML-RPC answer (SPEC §2.1) with
 * fal_xmlrpc_answer_parse(): the input is the answer body as it came off
 * the wire, any bytes and any length up to the 1 MiB cap.
 *
 * Checked: the parse either succeeds with a message or fails with
 * unknown_response_from_provider and nothing to free; the message has no
 * NUL inside what it claims (it is a C string the refusal tables match);
 * and a call document built around the input as a string parameter is
 * read back as an XML-RPC document, which it must be whatever the bytes
 * (fal_xmlrpc_call_new escapes them).
 */
#include "../../lib/xmlrpc.h"
#include "fuzz_common.h"
#include "fuzz_targets.h"

/*
 * Whether the input is text XML carries unchanged: UTF-8 without C0
 * controls but tab and newline (XML turns CR into LF), and without U+FEFF,
 * which mxml drops wherever it stands as if it were a byte order mark.
 */
static bool
xr_xml_text(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (data[i] < 0x20 && data[i] != '\t' && data[i] != '\n')
			return false;
	if (memmem(data, size, "\xef\xbb\xbf", 3) != NULL)
		return false;
	return fuzz_utf8_valid((const char *)data, size);
}

/*
 * Builds a call with the input as its string parameter, then wraps the
 * same escaped text as an answer's message: parsing must give the input
 * back byte for byte.
 */
static void
xr_round_trip(const uint8_t *data, size_t size)
{
	static const char head[] = "<methodResponse><params><param><value>"
				   "<array><data><value><boolean>0</boolean>"
				   "</value><value><string>";
	static const char tail[] = "</string></value></data></array></value>"
				   "</param></params></methodResponse>";
	struct fal_xmlrpc_param p = { .type = FAL_XMLRPC_STRING };
	struct fal_xmlrpc_answer a;
	char *text, *call, *start, *end, *doc;
	size_t n;

	if (!xr_xml_text(data, size) || (text = malloc(size + 1)) == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	p.str = text;
	call = fal_xmlrpc_call_new("fuzz.method", &p, 1);
	FUZZ_CHECK(call != NULL);
	/* The escaped parameter sits between <string> and </string>. */
	start = strstr(call, "<string>");
	end = strstr(call, "</string>");
	FUZZ_CHECK(start != NULL && end != NULL && end >= start + 8);
	start += 8;
	n = (size_t)(end - start);
	doc = malloc(sizeof(head) + n + sizeof(tail));
	FUZZ_CHECK(doc != NULL);
	memcpy(doc, head, sizeof(head) - 1);
	memcpy(doc + sizeof(head) - 1, start, n);
	memcpy(doc + sizeof(head) - 1 + n, tail, sizeof(tail));
	FUZZ_CHECK(fal_xmlrpc_answer_parse(doc, strlen(doc), &a) == FAL_OK);
	FUZZ_CHECK(!a.ok && a.message != NULL);
	FUZZ_CHECK(strcmp(a.message, text) == 0);
	fal_xmlrpc_answer_free(&a);
	free(doc);
	free(call);
	free(text);
}

int
fuzz_xmlrpc(const uint8_t *data, size_t size)
{
	struct fal_xmlrpc_answer a;
	enum fal_err rc;

	rc = fal_xmlrpc_answer_parse((const char *)data, size, &a);
	FUZZ_CHECK(rc == FAL_OK || rc == FAL_ERR_UNKNOWN_RESPONSE);
	if (rc == FAL_OK) {
		FUZZ_CHECK(a.message != NULL);
		FUZZ_CHECK(a.ok == true || a.ok == false);
	} else {
		FUZZ_CHECK(a.message == NULL && !a.ok);
	}
	fal_xmlrpc_answer_free(&a);
	xr_round_trip(data, size);
	return 0;
}

FUZZ_TARGET(fuzz_xmlrpc)
