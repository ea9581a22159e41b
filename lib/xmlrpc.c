/*
 * xmlrpc.c - the XML-RPC codec over mxml 3.x, and the POST that carries it.
 *
 * Only the subset the four vendors speak: calls whose params are strings or
 * arrays of strings, answers that are one array [boolean, value].
 */
#include "xmlrpc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <mxml.h>

#include "xmlrpc_memo.h"

/*
 * Set by the mxml error callback of this thread.  mxml 3.x keeps its
 * settings (error callback, wrap margin, entity callbacks) per thread, in
 * pthread-specific data: installing the callback once, from whichever
 * thread ran first, would leave every other worker printing vendor garbage
 * to stderr.  So it is installed before each parse (one store), and it
 * doubles as the error signal: mxml may report an error and still return
 * a partial tree.
 */
static _Thread_local bool mxml_failed;

/* Swallows mxml's complaint about a bad document and remembers it. */
static void
mxml_error_quiet(const char *msg)
{
	(void)msg;
	mxml_failed = true;
}

/*
 * Appends <name>text</name> to parent.  mxml escapes & < > and " in text
 * it saves, which is all XML 1.0 requires of character data (' needs no
 * escape outside attributes).  Characters XML cannot carry at all (C0
 * controls) or would normalise (CR) never occur in what the vendors get:
 * MACs, validated URLs and fixed words.  Returns the element, NULL when
 * out of memory or text is NULL.
 */
static mxml_node_t *
add_text(mxml_node_t *parent, const char *name, const char *text)
{
	mxml_node_t *e;

	if (text == NULL || (e = mxmlNewElement(parent, name)) == NULL)
		return NULL;
	return mxmlNewOpaque(e, text) != NULL ? e : NULL;
}

/*
 * Appends <value><string>s</string></value> to parent; 0, or -1.  *text,
 * when text is not NULL, is set to the text node of s.
 */
static int
add_string_value(mxml_node_t *parent, const char *s, mxml_node_t **text)
{
	mxml_node_t *v, *e;

	if ((v = mxmlNewElement(parent, "value")) == NULL ||
	    (e = add_text(v, "string", s)) == NULL)
		return -1;
	if (text != NULL)
		*text = mxmlGetFirstChild(e);
	return 0;
}

/*
 * Appends <param><value>…</value></param> for p to params; 0, or -1.
 * *text, when text is not NULL, is set to the text node of a string p.
 */
static int
add_param(mxml_node_t *params, const struct fal_xmlrpc_param *p,
	  mxml_node_t **text)
{
	mxml_node_t *param, *v, *data;
	size_t i;

	if ((param = mxmlNewElement(params, "param")) == NULL)
		return -1;
	if (p->type == FAL_XMLRPC_STRING)
		return add_string_value(param, p->str, text);
	if (p->type != FAL_XMLRPC_STRING_ARRAY)
		return -1;
	if ((v = mxmlNewElement(param, "value")) == NULL ||
	    (v = mxmlNewElement(v, "array")) == NULL ||
	    (data = mxmlNewElement(v, "data")) == NULL)
		return -1;
	if (p->n_strs > 0 && p->strs == NULL)
		return -1;
	for (i = 0; i < p->n_strs; i++)
		if (add_string_value(data, p->strs[i], NULL) < 0)
			return -1;
	return 0;
}

/*
 * The methodCall document for method with params, or NULL.  texts, when
 * not NULL, receives the text node of each string param.
 */
static mxml_node_t *
call_doc(const char *method, const struct fal_xmlrpc_param *params,
	 size_t n, mxml_node_t **texts)
{
	mxml_node_t *doc, *call, *ps;
	size_t i;

	doc = mxmlNewElement(MXML_NO_PARENT, "?xml version=\"1.0\"?");
	if (doc == NULL)
		return NULL;
	if ((call = mxmlNewElement(doc, "methodCall")) == NULL ||
	    add_text(call, "methodName", method) == NULL ||
	    (ps = mxmlNewElement(call, "params")) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (add_param(ps, &params[i], texts != NULL ? &texts[i] : NULL) < 0)
			goto fail;
	return doc;
fail:
	mxmlDelete(doc);
	return NULL;
}

/* String params a kept call document holds at most. */
#define KEPT_PARAMS_MAX 4

/*
 * A worker thread's last call document, kept to be filled again with the
 * next call's strings: building the tree (a dozen nodes allocated, then
 * freed) cost as much as writing it out.  Only calls whose params are all
 * strings (every register, check and removal but Fanvil's list) are kept.
 */
struct kept_call {
	mxml_node_t *doc;
	char *method;
	size_t n;
	mxml_node_t *text[KEPT_PARAMS_MAX];  /* of each param */
};

static pthread_once_t kept_once = PTHREAD_ONCE_INIT;
static pthread_key_t kept_key;
static bool kept_usable;

/* The thread's kept_call, freed when the thread ends. */
static void
kept_free(void *p)
{
	struct kept_call *k = p;

	if (k == NULL)
		return;
	mxmlDelete(k->doc);
	free(k->method);
	free(k);
}

static void
kept_init(void)
{
	kept_usable = pthread_key_create(&kept_key, kept_free) == 0;
}

/* True when params are n (at most KEPT_PARAMS_MAX) non-NULL strings. */
static bool
all_strings(const struct fal_xmlrpc_param *params, size_t n)
{
	if (n > KEPT_PARAMS_MAX || (n > 0 && params == NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		if (params[i].type != FAL_XMLRPC_STRING || params[i].str == NULL)
			return false;
	return true;
}

/* A new kept_call for method with n string params, or NULL. */
static struct kept_call *
kept_new(const char *method, const struct fal_xmlrpc_param *params, size_t n)
{
	struct kept_call *k = calloc(1, sizeof(*k));

	if (k == NULL || (k->method = strdup(method)) == NULL ||
	    (k->doc = call_doc(method, params, n, k->text)) == NULL) {
		kept_free(k);
		return NULL;
	}
	k->n = n;
	return k;
}

/*
 * Frees the thread's kept_call old and keeps k (which may be NULL) in its
 * place; returns k, or NULL when it could not be kept.
 */
static struct kept_call *
kept_replace(struct kept_call *old, struct kept_call *k)
{
	kept_free(old);
	if (k != NULL && pthread_setspecific(kept_key, k) != 0) {
		kept_free(k);
		k = NULL;
	}
	if (k == NULL)
		(void)pthread_setspecific(kept_key, NULL);
	return k;
}

/*
 * The thread's kept document for method(params), its strings set to
 * params; NULL when the call is not of the kind kept or on failure.
 */
static mxml_node_t *
kept_doc(const char *method, const struct fal_xmlrpc_param *params, size_t n)
{
	struct kept_call *k;
	size_t i;

	if (method == NULL || !all_strings(params, n) ||
	    pthread_once(&kept_once, kept_init) != 0 || !kept_usable)
		return NULL;
	k = pthread_getspecific(kept_key);
	if ((k == NULL || k->n != n || strcmp(k->method, method) != 0) &&
	    (k = kept_replace(k, kept_new(method, params, n))) == NULL)
		return NULL;
	/* mxml copies the string; a failed copy leaves the node empty. */
	for (i = 0; i < n; i++)
		if (mxmlSetOpaque(k->text[i], params[i].str) != 0 ||
		    mxmlGetOpaque(k->text[i]) == NULL) {
			kept_replace(k, NULL);
			return NULL;
		}
	return k->doc;
}

char *
fal_xmlrpc_call_new(const char *method,
		    const struct fal_xmlrpc_param *params, size_t n)
{
	mxml_node_t *doc;
	char *s;

	if ((doc = kept_doc(method, params, n)) != NULL)
		return mxmlSaveAllocString(doc, MXML_NO_CALLBACK);
	if ((doc = call_doc(method, params, n, NULL)) == NULL)
		return NULL;
	s = mxmlSaveAllocString(doc, MXML_NO_CALLBACK);
	mxmlDelete(doc);
	return s;
}

/* Where a document stands while mxml streams it (see load_doc). */
struct load_state {
	int depth;     /* elements open */
	int roots;     /* elements opened at depth 0 */
	bool closed;   /* the root element's end tag was read */
};

/*
 * SAX callback keeping every node, as a plain load would, while counting
 * element depth: mxml 3.x returns a tree without any error for input cut
 * off after an inner end tag, and stops silently at invalid UTF-8, so "the
 * root element was closed" is the proof that the whole document was read.
 * Under a top node of ours, mxml also takes a second root without a word.
 */
static void
load_keep(mxml_node_t *node, mxml_sax_event_t event, void *data)
{
	struct load_state *st = data;

	if (event == MXML_SAX_ELEMENT_CLOSE) {
		if (--st->depth == 0)
			st->closed = true;
		return;
	}
	if (event == MXML_SAX_ELEMENT_OPEN && st->depth++ == 0)
		st->roots++;
	mxmlRetain(node);
}

/* True for XML's whitespace (and not for NUL, unlike strchr). */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Comments, CDATA sections and the like an answer may hold: a handful. */
#define MARKUP_OTHER_MAX 1024

/*
 * Elements an answer may hold.  Every answer of SPEC §2.1 and §2.4 is
 * about one device: [boolean, a string or a small struct], some dozens
 * of elements.  Each is a node mxml allocates: 100,000 cost 20 to 90 ms.
 */
#define ELEMENTS_MAX 4096

/*
 * The longest run of text, or markup, an answer may hold.  mxml grows its
 * token buffer 1 KiB at a time, a copy each time: a 1 MiB text costs half
 * a gigabyte of copying.  Vendors' messages are a line.
 */
#define RUN_MAX (64 * 1024)

/*
 * Where the markup that starts at p (just after its '<') ends: just
 * past the terminator its kind calls for, or NULL when it never does.
 */
static const char *
markup_end(const char *p, const char *end)
{
	static const struct {
		const char *open, *close;
	} kinds[] = {
		{ "!--", "-->" }, { "![CDATA[", "]]>" }, { "?", "?>" },
		{ "!", ">" }, { "/", ">" },
	};
	const char *hit;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		size_t olen = strlen(kinds[i].open), clen = strlen(kinds[i].close);

		if ((size_t)(end - p) < olen || memcmp(p, kinds[i].open, olen) != 0)
			continue;
		hit = memmem(p + olen, (size_t)(end - p - olen), kinds[i].close,
			     clen);
		return hit != NULL ? hit + clen : NULL;
	}
	return NULL;
}

/*
 * The end of the start tag whose name starts at p, past its '>', or
 * NULL when the tag has attributes or never ends.
 */
static const char *
start_tag_end(const char *p, const char *end)
{
	while (p < end && !is_space(*p) && *p != '>' && *p != '/')
		p++;
	while (p < end && is_space(*p))
		p++;
	p += p < end && *p == '/';
	return p < end && *p == '>' ? p + 1 : NULL;
}

/*
 * Whether the len bytes at xml are markup fit to hand to mxml: no start
 * tag with attributes, at most ELEMENTS_MAX elements and MARKUP_OTHER_MAX
 * comments, CDATA sections, processing instructions and declarations, no
 * text or markup longer than RUN_MAX, every markup closed.  XML-RPC answers carry no attributes, and mxml 3.x
 * compares each attribute with all the earlier ones of its element:
 * 40,000 of them cost seconds of CPU.  Nor do they carry thousands of
 * elements, comments or CDATA sections, each a node mxml allocates:
 * 100,000 cost tens of milliseconds.  One linear pass, before mxml sees a
 * byte.
 */
static bool
plain_markup(const char *xml, size_t len)
{
	const char *p = xml, *end = xml + len, *next, *start;
	size_t others = 0, elements = 0;

	while ((next = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (next - p > RUN_MAX)
			return false;
		start = p = next + 1;
		if (p < end && *p == '/')
			p = markup_end(p, end);
		else if (p < end && (*p == '!' || *p == '?'))
			p = ++others > MARKUP_OTHER_MAX ? NULL : markup_end(p, end);
		else
			p = ++elements > ELEMENTS_MAX ? NULL : start_tag_end(p, end);
		if (p == NULL || p - start > RUN_MAX)
			return false;
	}
	return true;
}

/*
 * Whether the document at *xml (*len bytes) may go to mxml, with the
 * whitespace around it dropped from *xml and *len: see load_doc().
 */
static bool
screen(const char **xml, size_t *len)
{
	while (*len > 0 && is_space(**xml)) {
		(*xml)++;
		(*len)--;
	}
	while (*len > 0 && is_space((*xml)[*len - 1]))
		(*len)--;
	return *len > 0 && (*xml)[*len - 1] == '>' &&
	       memchr(*xml, '\0', *len) == NULL && plain_markup(*xml, *len);
}

bool
fal_xmlrpc_answer_screened(const char *xml, size_t len)
{
	return xml != NULL && screen(&xml, &len);
}

/*
 * A node holding the nodes of a complete, well-formed document of len
 * bytes, or NULL.  mxml wants a C string, so the bytes are copied and an
 * embedded NUL is refused.  Leading whitespace, which mxml rejects, is
 * skipped: a stray newline before "<?xml" is a classic of PHP servers.  A
 * document ends with '>' (the root's end tag, or a comment after it) and
 * whitespace; checking it catches a cut inside the root's end tag, which
 * mxml 3.x takes as complete ("</methodResponse").  The document is loaded
 * under a node of ours because mxml 3.x leaks a root element whose start
 * tag it cannot parse (bad attribute) when it has no parent to hang it on.
 */
static mxml_node_t *
load_doc(const char *xml, size_t len)
{
	struct load_state st = { 0, 0, false };
	mxml_node_t *top, *loaded;
	char *s;

	if (!screen(&xml, &len))
		return NULL;
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, xml, len);
	s[len] = '\0';
	/*
	 * A close tag naming the top node would make mxml release it
	 * mid-parse, and then free it twice.  mxml reads a tag's name up to
	 * whitespace, so a name with a space can never be closed.
	 */
	if ((top = mxmlNewElement(MXML_NO_PARENT, "falconieri answer")) == NULL)
		goto out;
	mxmlSetErrorCallback(mxml_error_quiet);
	mxml_failed = false;
	loaded = mxmlSAXLoadString(top, s, MXML_OPAQUE_CALLBACK, load_keep, &st);
	if (loaded == NULL || mxml_failed || !st.closed || st.roots != 1) {
		mxmlDelete(top);
		top = NULL;
	}
out:
	free(s);
	return top;
}

/* True when s is empty or only XML whitespace. */
static bool
is_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/*
 * True for nodes that carry nothing: whitespace between elements (pretty
 * printing), comments and processing instructions.  mxml 3.x stores the
 * latter two as elements named "!--…" and "?…".
 */
static bool
is_filler(mxml_node_t *n)
{
	const char *name;

	if (mxmlGetType(n) == MXML_OPAQUE)
		return is_blank(mxmlGetOpaque(n));
	if (mxmlGetType(n) != MXML_ELEMENT)
		return false;
	name = mxmlGetElement(n);
	return strncmp(name, "!--", 3) == 0 || name[0] == '?';
}

/* True for a real element (not a CDATA section, comment or directive). */
static bool
is_element(mxml_node_t *n)
{
	const char *name;

	if (mxmlGetType(n) != MXML_ELEMENT)
		return false;
	name = mxmlGetElement(n);
	return name[0] != '!' && name[0] != '?';
}

/* The first sibling from n on that is not filler, or NULL. */
static mxml_node_t *
skip_filler(mxml_node_t *n)
{
	while (n != NULL && is_filler(n))
		n = mxmlGetNextSibling(n);
	return n;
}

/* parent's first meaningful child when it is element name, else NULL. */
static mxml_node_t *
child_named(mxml_node_t *parent, const char *name)
{
	mxml_node_t *n = skip_filler(mxmlGetFirstChild(parent));

	if (n == NULL || !is_element(n) || strcmp(mxmlGetElement(n), name) != 0)
		return NULL;
	return n;
}

/*
 * The document element: the one real element among top's children, which
 * may also hold the <?xml …?> declaration, a DOCTYPE, comments and
 * whitespace.  NULL when anything else (text, CDATA) sits beside it.
 */
static mxml_node_t *
doc_root(mxml_node_t *top)
{
	mxml_node_t *n, *root = NULL;

	for (n = mxmlGetFirstChild(top); n != NULL; n = mxmlGetNextSibling(n)) {
		if (is_element(n))
			root = n;
		else if (!is_filler(n) &&
			 (mxmlGetType(n) != MXML_ELEMENT ||
			  strncmp(mxmlGetElement(n), "!DOCTYPE", 8) != 0))
			return NULL;
	}
	return root;
}

/*
 * The text node n contributes to its parent's character data in *part:
 * 1 for text or CDATA, 0 for a comment or PI, -1 for an element.
 */
static int
text_part(mxml_node_t *n, const char **part)
{
	if (mxmlGetType(n) == MXML_OPAQUE) {
		*part = mxmlGetOpaque(n);
		return *part != NULL;
	}
	if ((*part = mxmlGetCDATA(n)) != NULL)
		return 1;
	return is_element(n) || mxmlGetType(n) != MXML_ELEMENT ? -1 : 0;
}

/*
 * The character data of parent: its text and CDATA children concatenated,
 * entities already decoded by mxml, nothing trimmed.  NULL when parent
 * holds an element (it is no string) or when out of memory.
 */
static char *
text_of(mxml_node_t *parent)
{
	mxml_node_t *n;
	const char *part;
	size_t len = 0, plen;
	char *s;
	int r;

	for (n = mxmlGetFirstChild(parent); n != NULL; n = mxmlGetNextSibling(n)) {
		if ((r = text_part(n, &part)) < 0)
			return NULL;
		len += r > 0 ? strlen(part) : 0;
	}
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	len = 0;
	for (n = mxmlGetFirstChild(parent); n != NULL; n = mxmlGetNextSibling(n)) {
		if (text_part(n, &part) <= 0)
			continue;
		plen = strlen(part);
		memcpy(s + len, part, plen);
		len += plen;
	}
	s[len] = '\0';
	return s;
}

/*
 * The type element of an XML-RPC <value> (<string>, <boolean>, …) in
 * *type, or NULL in *type for an untyped value (plain text, a string).
 * Returns -1 for a value mixing text and elements or holding two.
 */
static int
value_type(mxml_node_t *value, mxml_node_t **type)
{
	mxml_node_t *n;

	*type = NULL;
	for (n = mxmlGetFirstChild(value); n != NULL; n = mxmlGetNextSibling(n)) {
		if (!is_element(n))
			continue;
		if (*type != NULL)
			return -1;
		*type = n;
	}
	if (*type == NULL)
		return 0;
	/* Typed: only pretty-printing whitespace may sit beside the type. */
	for (n = mxmlGetFirstChild(value); n != NULL; n = mxmlGetNextSibling(n))
		if (n != *type && !is_filler(n))
			return -1;
	return 0;
}

/* The success flag held by value: 1, 0, or -1 when not a boolean 0|1. */
static int
value_bool(mxml_node_t *value)
{
	mxml_node_t *type;
	char *text;
	int b = -1;

	if (value_type(value, &type) < 0 || type == NULL ||
	    strcmp(mxmlGetElement(type), "boolean") != 0)
		return -1;
	if ((text = text_of(type)) == NULL)
		return -1;
	if (strcmp(text, "1") == 0 || strcmp(text, "0") == 0)
		b = text[0] == '1';
	free(text);
	return b;
}

/*
 * The message held by value: a string's text as is (typed or untyped),
 * "" for any other type.  NULL for a malformed value or out of memory.
 */
static char *
value_message(mxml_node_t *value)
{
	mxml_node_t *type;

	if (value_type(value, &type) < 0)
		return NULL;
	if (type == NULL)
		return text_of(value);
	if (strcmp(mxmlGetElement(type), "string") == 0)
		return text_of(type);
	return strdup("");
}

/*
 * The <data> of methodResponse > params > param > value > array > data,
 * or NULL for any other shape (a <fault> among them).
 */
static mxml_node_t *
answer_data(mxml_node_t *top)
{
	static const char *const path[] = {
		"params", "param", "value", "array", "data"
	};
	mxml_node_t *n = doc_root(top);
	size_t i;

	if (n == NULL || strcmp(mxmlGetElement(n), "methodResponse") != 0)
		return NULL;
	for (i = 0; n != NULL && i < sizeof(path) / sizeof(path[0]); i++)
		n = child_named(n, path[i]);
	return n;
}

/*
 * Reads the <value> after second, if any, into out->third.  0, or -1 for
 * a malformed element there or out of memory.
 */
static int
read_third(mxml_node_t *second, struct fal_xmlrpc_answer *out)
{
	mxml_node_t *third;

	if (second == NULL ||
	    (third = skip_filler(mxmlGetNextSibling(second))) == NULL)
		return 0;
	if (!is_element(third) || strcmp(mxmlGetElement(third), "value") != 0)
		return -1;
	return (out->third = value_message(third)) != NULL ? 0 : -1;
}

enum fal_err
fal_xmlrpc_answer_parse(const char *xml, size_t len,
			struct fal_xmlrpc_answer *out)
{
	mxml_node_t *top, *data, *first, *second;
	enum fal_err rc = FAL_ERR_UNKNOWN_RESPONSE;
	int ok;

	out->ok = false;
	out->message = NULL;
	out->third = NULL;
	if (xml == NULL || (top = load_doc(xml, len)) == NULL)
		return FAL_ERR_UNKNOWN_RESPONSE;
	if ((data = answer_data(top)) == NULL ||
	    (first = child_named(data, "value")) == NULL ||
	    (ok = value_bool(first)) < 0)
		goto out;
	second = skip_filler(mxmlGetNextSibling(first));
	if (second == NULL)
		out->message = strdup("");
	else if (is_element(second) &&
		 strcmp(mxmlGetElement(second), "value") == 0)
		out->message = value_message(second);
	if (out->message == NULL || read_third(second, out) < 0)
		goto out;
	out->ok = ok;
	rc = FAL_OK;
out:
	if (rc != FAL_OK)
		fal_xmlrpc_answer_free(out);
	mxmlDelete(top);
	return rc;
}

void
fal_xmlrpc_answer_free(struct fal_xmlrpc_answer *a)
{
	if (a == NULL)
		return;
	free(a->message);
	free(a->third);
	a->message = NULL;
	a->third = NULL;
	a->ok = false;
}

enum fal_err
fal_xmlrpc_call(struct fal_http *http, const char *rpc_url,
		const char *user, const char *password,
		const char *method,
		const struct fal_xmlrpc_param *params, size_t n,
		struct fal_xmlrpc_answer *out,
		struct fal_error *err)
{
	static const char *const headers[] = { "Content-Type: text/xml", NULL };
	struct fal_http_req req = { 0 };
	struct fal_http_resp resp = { 0 };
	enum fal_err rc;
	char *body;

	out->ok = false;
	out->message = NULL;
	if ((body = fal_xmlrpc_call_new(method, params, n)) == NULL)
		return fal_error_set(err, FAL_ERR_INTERNAL,
				     "cannot build the XML-RPC call");
	req.method = "POST";
	req.url = rpc_url;
	req.headers = headers;
	req.body = body;
	req.body_len = strlen(body);
	req.user = user;
	req.password = password;
	req.no_header_fields = true;  /* an answer is read from its body */
	rc = fal_http_do(http, &req, &resp, err);
	free(body);
	if (rc != FAL_OK)
		goto out;
	if (resp.status != 200) {
		rc = fal_error_set(err, FAL_ERR_REMOTE_CALL_FAILED,
				   "HTTP %ld", resp.status);
		goto out;
	}
	rc = fal_xmlrpc_answer_read(resp.body, resp.body_len, out);
	if (rc != FAL_OK)
		fal_error_set(err, rc, "not an XML-RPC answer [boolean, value]");
	else
		fal_error_clear(err);
out:
	fal_http_resp_free(&resp);
	return rc;
}
