/*
 * test_xmlrpc.c - the XML-RPC codec: calls built by fal_xmlrpc_call_new are
 * read back with mxml; answers of every shape the vendors (and broken
 * servers) send go through fal_xmlrpc_answer_parse; fal_xmlrpc_call runs
 * over the scripted transport of fake_http.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mxml.h>

#include "../../lib/xmlrpc.h"
#include "../../lib/xmlrpc_memo.h"
#include "fake_http.h"

/*
 * Whether doc would reach mxml at all (lib/xmlrpc.c screens every answer
 * in one linear pass first), so a test can prove that an input is refused
 * before mxml spends a cycle on it.
 */
static bool
reaches_mxml(const char *doc)
{
	return fal_xmlrpc_answer_screened(doc, strlen(doc));
}

/* ---- reading a call back with mxml ---- */

/* The element child name of parent (the call has no whitespace nodes). */
static mxml_node_t *
child(mxml_node_t *parent, const char *name)
{
	mxml_node_t *n = mxmlGetFirstChild(parent);

	assert_non_null(n);
	assert_int_equal(mxmlGetType(n), MXML_ELEMENT);
	assert_string_equal(mxmlGetElement(n), name);
	return n;
}

/* The text of an element holding one opaque node, or "" when empty. */
static const char *
text(mxml_node_t *e)
{
	mxml_node_t *n = mxmlGetFirstChild(e);

	if (n == NULL)
		return "";
	assert_int_equal(mxmlGetType(n), MXML_OPAQUE);
	assert_null(mxmlGetNextSibling(n));
	return mxmlGetOpaque(n);
}

/* Parses a call; returns the tree, *params set to <params>. */
static mxml_node_t *
load_call(const char *xml, const char *method, mxml_node_t **params)
{
	mxml_node_t *top, *call;

	top = mxmlLoadString(NULL, xml, MXML_OPAQUE_CALLBACK);
	assert_non_null(top);
	call = mxmlFindElement(top, top, "methodCall", NULL, NULL, MXML_DESCEND);
	assert_non_null(call);
	assert_string_equal(text(child(call, "methodName")), method);
	*params = mxmlGetNextSibling(mxmlGetFirstChild(call));
	assert_non_null(*params);
	assert_string_equal(mxmlGetElement(*params), "params");
	assert_null(mxmlGetNextSibling(*params));
	return top;
}

/* The i-th <param> of params. */
static mxml_node_t *
nth_param(mxml_node_t *params, size_t i)
{
	mxml_node_t *p = mxmlGetFirstChild(params);

	while (p != NULL && i-- > 0)
		p = mxmlGetNextSibling(p);
	assert_non_null(p);
	assert_string_equal(mxmlGetElement(p), "param");
	return p;
}

/* The string held by <value><string>…</string></value>. */
static const char *
string_value(mxml_node_t *value)
{
	assert_string_equal(mxmlGetElement(value), "value");
	return text(child(value, "string"));
}

static size_t
count_children(mxml_node_t *n)
{
	size_t k = 0;

	for (n = mxmlGetFirstChild(n); n != NULL; n = mxmlGetNextSibling(n))
		k++;
	return k;
}

/* Builds method with n string params strs and checks every one reads back. */
static void
check_strings_call(const char *method, const char *const *strs, size_t n)
{
	struct fal_xmlrpc_param params[8];
	mxml_node_t *top, *ps;
	char *xml;
	size_t i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		params[i].type = FAL_XMLRPC_STRING;
		params[i].str = strs[i];
	}
	xml = fal_xmlrpc_call_new(method, params, n);
	assert_non_null(xml);
	assert_true(strncmp(xml, "<?xml version=\"1.0\"?>", 21) == 0);
	top = load_call(xml, method, &ps);
	assert_int_equal(count_children(ps), n);
	for (i = 0; i < n; i++)
		assert_string_equal(
			string_value(child(nth_param(ps, i), "value")), strs[i]);
	mxmlDelete(top);
	free(xml);
}

static void
test_call_no_params(void **state)
{
	(void)state;
	check_strings_call("system.listMethods", NULL, 0);
}

static void
test_call_one_param(void **state)
{
	static const char *const s[] = { "ACDE48234567" };
	static const char want[] = "<?xml version=\"1.0\"?><methodCall>"
		"<methodName>redirect.deregisterPhone</methodName><params>"
		"<param><value><string>ACDE48234567</string></value></param>"
		"</params></methodCall>";
	char *xml;
	struct fal_xmlrpc_param p = { .type = FAL_XMLRPC_STRING, .str = s[0] };

	(void)state;
	check_strings_call("redirect.deregisterPhone", s, 1);
	/* The exact wire form of the brief, byte for byte. */
	xml = fal_xmlrpc_call_new("redirect.deregisterPhone", &p, 1);
	assert_non_null(xml);
	assert_true(strncmp(xml, want, sizeof(want) - 1) == 0);
	assert_string_equal(xml + sizeof(want) - 1, "\n");
	free(xml);
}

static void
test_call_two_params(void **state)
{
	static const char *const s[] = {
		"ACDE48234567", "https://pbx.example.com/prov/{mac}.xml?a=1&b=%20+x"
	};

	(void)state;
	check_strings_call("redirect.registerPhone", s, 2);
}

static void
test_call_four_params(void **state)
{
	static const char *const s[] = {
		"AC-DE-48-23-45-67", "Falconieri", "tftp://10.0.0.1/", "1"
	};

	(void)state;
	check_strings_call("redirect.registerDeviceWithUniqueUrl", s, 4);
}

static void
test_call_empty_string(void **state)
{
	static const char *const s[] = { "", "x" };

	(void)state;
	check_strings_call("m", s, 2);
}

static void
test_call_array_param(void **state)
{
	static const char *const items[] = {
		"cfgName=ACDE48234567", "cfgPfSrv=pbx.example.com:8443",
		"cfgPfName=prov/a b&c", "cfgPfProt=5"
	};
	struct fal_xmlrpc_param p = {
		.type = FAL_XMLRPC_STRING_ARRAY, .strs = items, .n_strs = 4
	};
	mxml_node_t *top, *ps, *data, *v;
	char *xml;
	size_t i;

	(void)state;
	xml = fal_xmlrpc_call_new("redirect.addMaterialServer", &p, 1);
	assert_non_null(xml);
	top = load_call(xml, "redirect.addMaterialServer", &ps);
	assert_int_equal(count_children(ps), 1);
	data = child(child(child(nth_param(ps, 0), "value"), "array"), "data");
	assert_int_equal(count_children(data), 4);
	for (i = 0, v = mxmlGetFirstChild(data); i < 4;
	     i++, v = mxmlGetNextSibling(v))
		assert_string_equal(string_value(v), items[i]);
	mxmlDelete(top);
	free(xml);
}

static void
test_call_mixed_params(void **state)
{
	static const char *const items[] = { "a" };
	struct fal_xmlrpc_param p[2] = {
		{ .type = FAL_XMLRPC_STRING, .str = "first" },
		{ .type = FAL_XMLRPC_STRING_ARRAY, .strs = items, .n_strs = 1 },
	};
	mxml_node_t *top, *ps, *data;
	char *xml;

	(void)state;
	xml = fal_xmlrpc_call_new("m", p, 2);
	assert_non_null(xml);
	top = load_call(xml, "m", &ps);
	assert_string_equal(string_value(child(nth_param(ps, 0), "value")),
			    "first");
	data = child(child(child(nth_param(ps, 1), "value"), "array"), "data");
	assert_string_equal(string_value(mxmlGetFirstChild(data)), "a");
	mxmlDelete(top);
	free(xml);
}

/* & < > " ' and friends come back byte for byte, and were escaped. */
static void
test_call_escaping_round_trip(void **state)
{
	static const char *const s[] = {
		"& < > \" ' ]]> &amp; &#39; <string>",
		"  leading and trailing spaces  ",
		"tab\there, %20 and + stay as they are",
		"utf-8: \xc3\xa9\xe2\x82\xac",
		/* long, with spaces: mxml must not wrap it */
		"aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll "
		"mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv wwww xxxx "
		"yyyy zzzz 0000 1111 2222 3333 4444 5555 6666 7777 8888 9999",
	};
	struct fal_xmlrpc_param p = { .type = FAL_XMLRPC_STRING, .str = s[0] };
	char *xml;

	(void)state;
	check_strings_call("a&b<c>", s, 5);
	xml = fal_xmlrpc_call_new("m", &p, 1);
	assert_non_null(xml);
	/* mxml's escaping, as it goes on the wire */
	assert_non_null(strstr(xml, "<string>&amp; &lt; &gt; &quot; ' ]]&gt; "
			       "&amp;amp; &amp;#39; &lt;string&gt;</string>"));
	free(xml);
}

static void
test_call_null_string_fails(void **state)
{
	struct fal_xmlrpc_param p = { .type = FAL_XMLRPC_STRING, .str = NULL };

	(void)state;
	assert_null(fal_xmlrpc_call_new("m", &p, 1));
	assert_null(fal_xmlrpc_call_new(NULL, NULL, 0));
}

/* A call built by a thread of its own: from no kept document. */
struct fresh_call {
	const char *method;
	const struct fal_xmlrpc_param *params;
	size_t n;
	char *xml;
};

static void *
build_fresh(void *arg)
{
	struct fresh_call *c = arg;

	c->xml = fal_xmlrpc_call_new(c->method, c->params, c->n);
	return NULL;
}

/* method(params) built here equals, byte for byte, a fresh thread's. */
static void
expect_as_fresh(const char *method, const struct fal_xmlrpc_param *params,
		size_t n)
{
	struct fresh_call c = { method, params, n, NULL };
	pthread_t th;
	char *xml = fal_xmlrpc_call_new(method, params, n);

	assert_int_equal(pthread_create(&th, NULL, build_fresh, &c), 0);
	pthread_join(th, NULL);
	assert_non_null(xml);
	assert_non_null(c.xml);
	assert_string_equal(xml, c.xml);
	free(xml);
	free(c.xml);
}

/*
 * A worker keeps its last call document and fills it again: whatever
 * came before, each call is the one a fresh document gives.
 */
static void
test_call_kept_document_refilled(void **state)
{
	static const char *const items[] = { "cfgName=X", "a&b" };
	struct fal_xmlrpc_param two[2] = {
		{ .type = FAL_XMLRPC_STRING, .str = "ACDE48234567" },
		{ .type = FAL_XMLRPC_STRING, .str = "https://pbx/p?a=1&b=<2>" },
	};
	struct fal_xmlrpc_param other[2] = {
		{ .type = FAL_XMLRPC_STRING, .str = "" },
		{ .type = FAL_XMLRPC_STRING, .str = "much longer than before, "
		  "with \" and ' and ]]> in it" },
	};
	struct fal_xmlrpc_param arr = {
		.type = FAL_XMLRPC_STRING_ARRAY, .strs = items, .n_strs = 2
	};
	struct fal_xmlrpc_param null_str = { .type = FAL_XMLRPC_STRING };

	(void)state;
	expect_as_fresh("redirect.registerPhone", two, 2);
	expect_as_fresh("redirect.registerPhone", other, 2);
	expect_as_fresh("redirect.registerPhone", two, 2);
	expect_as_fresh("redirect.registerPhone", two, 1);
	expect_as_fresh("redirect.deregisterPhone", two, 1);
	expect_as_fresh("redirect.addMaterialServer", &arr, 1);
	expect_as_fresh("redirect.deregisterPhone", other + 1, 1);
	expect_as_fresh("system.listMethods", NULL, 0);
	/* A NULL string still fails, and the next call is whole. */
	assert_null(fal_xmlrpc_call_new("redirect.deregisterPhone", &null_str,
					1));
	expect_as_fresh("redirect.deregisterPhone", two, 1);
}

/* ---- answers ---- */

#define HEAD "<?xml version=\"1.0\"?><methodResponse><params><param><value>" \
	     "<array><data>"
#define TAIL "</data></array></value></param></params></methodResponse>"
#define PARAMS_HEAD "<params><param><value><array><data>"
#define TAIL_PARAMS "</data></array></value></param></params>"
#define TRUE_V "<value><boolean>1</boolean></value>"
#define FALSE_V "<value><boolean>0</boolean></value>"

/* Parses the C string doc: the outcome, and out when FAL_OK. */
static enum fal_err
parse(const char *doc, struct fal_xmlrpc_answer *out)
{
	return fal_xmlrpc_answer_parse(doc, strlen(doc), out);
}

/* doc parses to ok/msg. */
static void
expect_answer(const char *doc, bool ok, const char *msg)
{
	struct fal_xmlrpc_answer a;

	assert_int_equal(parse(doc, &a), FAL_OK);
	assert_int_equal(a.ok, ok);
	assert_non_null(a.message);
	assert_string_equal(a.message, msg);
	fal_xmlrpc_answer_free(&a);
	assert_null(a.message);
}

/* doc of len bytes is refused. */
static void
expect_unknown_len(const char *doc, size_t len)
{
	struct fal_xmlrpc_answer a;

	assert_int_equal(fal_xmlrpc_answer_parse(doc, len, &a),
			 FAL_ERR_UNKNOWN_RESPONSE);
	assert_null(a.message);
	fal_xmlrpc_answer_free(&a);
}

static void
expect_unknown(const char *doc)
{
	expect_unknown_len(doc, strlen(doc));
}

static void
test_answer_success_typed(void **state)
{
	(void)state;
	expect_answer(HEAD TRUE_V "<value><string>ok</string></value>" TAIL,
		      true, "ok");
}

static void
test_answer_success_untyped(void **state)
{
	(void)state;
	expect_answer(HEAD TRUE_V "<value>done</value>" TAIL, true, "done");
}

static void
test_answer_without_declaration(void **state)
{
	(void)state;
	expect_answer("<methodResponse><params><param><value><array><data>"
		      TRUE_V "<value>x</value>" TAIL, true, "x");
}

static void
test_answer_pretty_printed(void **state)
{
	(void)state;
	expect_answer(
		"\n<?xml version='1.0' encoding='UTF-8'?>\r\n"
		"<methodResponse>\n"
		"  <params>\n"
		"\t<param>\n"
		"\t\t<value>\n"
		"\t\t  <array>\n"
		"\t\t    <data>\n"
		"\t\t      <value>\n"
		"\t\t        <boolean>0</boolean>\n"
		"\t\t      </value>\n"
		"\t\t      <value>\n"
		"\t\t        <string>Error:no_such_mac</string>\n"
		"\t\t      </value>\n"
		"\t\t    </data>\n"
		"\t\t  </array>\n"
		"\t\t</value>\n"
		"\t</param>\n"
		"  </params>\n"
		"</methodResponse>\n", false, "Error:no_such_mac");
}

static void
test_answer_refusal(void **state)
{
	(void)state;
	expect_answer(HEAD FALSE_V
		      "<value><string>Error:malformed_url</string></value>" TAIL,
		      false, "Error:malformed_url");
}

static void
test_answer_entities_decoded(void **state)
{
	(void)state;
	expect_answer(HEAD FALSE_V "<value><string>"
		      "&amp;&lt;&gt;&quot;&apos;&#39;&#x41;&#66;"
		      "</string></value>" TAIL, false, "&<>\"''AB");
	expect_answer(HEAD FALSE_V "<value>Error:The url can only begin with "
		      "&apos;http://&apos;</value>" TAIL, false,
		      "Error:The url can only begin with 'http://'");
}

static void
test_answer_message_kept_as_is(void **state)
{
	(void)state;
	expect_answer(HEAD FALSE_V "<value><string>  two  spaces\n</string>"
		      "</value>" TAIL, false, "  two  spaces\n");
	expect_answer(HEAD FALSE_V "<value> untyped </value>" TAIL, false,
		      " untyped ");
	expect_answer(HEAD FALSE_V "<value><string>a%20b+c</string></value>"
		      TAIL, false, "a%20b+c");
	expect_answer(HEAD FALSE_V "<value><string>\xc3\xa9t\xc3\xa9</string>"
		      "</value>" TAIL, false, "\xc3\xa9t\xc3\xa9");
}

static void
test_answer_cdata_and_comments(void **state)
{
	(void)state;
	expect_answer("<!-- before -->\n<!DOCTYPE methodResponse>" HEAD TRUE_V
		      "<value>m</value>" TAIL "<!-- after -->\n", true, "m");
	expect_answer(HEAD FALSE_V "<value><string>a<![CDATA[<b>&]]>c"
		      "<!-- note -->d</string></value>" TAIL, false, "a<b>&cd");
	expect_answer(HEAD "<!-- first -->" TRUE_V "<!-- second -->"
		      "<value>m</value>" TAIL, true, "m");
}

static void
test_answer_empty_message(void **state)
{
	(void)state;
	expect_answer(HEAD TRUE_V "<value><string/></value>" TAIL, true, "");
	expect_answer(HEAD TRUE_V "<value><string></string></value>" TAIL,
		      true, "");
	expect_answer(HEAD TRUE_V "<value/>" TAIL, true, "");
	expect_answer(HEAD TRUE_V "<value></value>" TAIL, true, "");
}

static void
test_answer_struct_second(void **state)
{
	(void)state;
	expect_answer(HEAD TRUE_V "<value><struct><member><name>id</name>"
		      "<value><string>x</string></value></member></struct>"
		      "</value>" TAIL, true, "");
	expect_answer(HEAD FALSE_V "<value>\n  <int>42</int>\n</value>" TAIL,
		      false, "");
}

static void
test_answer_single_element(void **state)
{
	(void)state;
	expect_answer(HEAD TRUE_V TAIL, true, "");
	expect_answer(HEAD "\n  " FALSE_V "\n  " TAIL, false, "");
}

/* Snom's getPhoneRedirection: [true, company, url]. */
static void
test_answer_third_element(void **state)
{
	struct fal_xmlrpc_answer a;

	(void)state;
	assert_int_equal(parse(HEAD TRUE_V "<value><string>Example &amp; Co"
			       "</string></value>\n <value>https://p/x?a=1&amp;b"
			       "</value>" TAIL, &a), FAL_OK);
	assert_true(a.ok);
	assert_string_equal(a.message, "Example & Co");
	assert_string_equal(a.third, "https://p/x?a=1&b");
	fal_xmlrpc_answer_free(&a);
	assert_null(a.third);
	/* Two elements: no third; a fourth is not read. */
	assert_int_equal(parse(HEAD TRUE_V "<value>c</value>" TAIL, &a), FAL_OK);
	assert_null(a.third);
	fal_xmlrpc_answer_free(&a);
	assert_int_equal(parse(HEAD TRUE_V "<value>c</value><value>u</value>"
			       "<value><int>4</int></value>" TAIL, &a), FAL_OK);
	assert_string_equal(a.third, "u");
	fal_xmlrpc_answer_free(&a);
	/* A third element of another type reads as "", like the message. */
	assert_int_equal(parse(HEAD TRUE_V "<value>c</value><value><int>1"
			       "</int></value>" TAIL, &a), FAL_OK);
	assert_string_equal(a.third, "");
	fal_xmlrpc_answer_free(&a);
	/* A malformed third element is no answer, and leaves nothing. */
	expect_unknown(HEAD TRUE_V "<value>c</value><string>u</string>" TAIL);
	expect_unknown(HEAD TRUE_V "<value>c</value><value>u<string>v</string>"
		       "</value>" TAIL);
}

static void
test_answer_fault(void **state)
{
	(void)state;
	expect_unknown("<?xml version=\"1.0\"?><methodResponse><fault><value>"
		       "<struct><member><name>faultCode</name><value><int>1"
		       "</int></value></member><member><name>faultString"
		       "</name><value><string>boom</string></value></member>"
		       "</struct></value></fault></methodResponse>");
}

static void
test_answer_no_params(void **state)
{
	(void)state;
	expect_unknown("<?xml version=\"1.0\"?><methodResponse/>");
	expect_unknown("<methodResponse><params></params></methodResponse>");
	expect_unknown("<methodResponse><params><param></param></params>"
		       "</methodResponse>");
}

static void
test_answer_not_an_array(void **state)
{
	(void)state;
	expect_unknown("<methodResponse><params><param><value><boolean>1"
		       "</boolean></value></param></params></methodResponse>");
	expect_unknown(HEAD TAIL);
}

static void
test_answer_bad_boolean(void **state)
{
	(void)state;
	expect_unknown(HEAD "<value><boolean>2</boolean></value>" TAIL);
	expect_unknown(HEAD "<value><boolean>true</boolean></value>" TAIL);
	expect_unknown(HEAD "<value><boolean></boolean></value>" TAIL);
	expect_unknown(HEAD "<value><boolean>10</boolean></value>" TAIL);
}

static void
test_answer_first_not_boolean(void **state)
{
	(void)state;
	expect_unknown(HEAD "<value><string>1</string></value>"
		       "<value>x</value>" TAIL);
	expect_unknown(HEAD "<value>1</value><value>x</value>" TAIL);
	expect_unknown(HEAD "<value><int>1</int></value>" TAIL);
}

static void
test_answer_other_shapes(void **state)
{
	(void)state;
	/* text where elements belong */
	expect_unknown("<methodResponse>junk<params><param><value><array><data>"
		       TRUE_V TAIL);
	/* a second element that is no <value> */
	expect_unknown(HEAD TRUE_V "<string>x</string>" TAIL);
	/* a value mixing text and a type */
	expect_unknown(HEAD TRUE_V "<value>x<string>y</string></value>" TAIL);
	/* methodResponse not the document element */
	expect_unknown("<html>" HEAD TRUE_V TAIL "</html>");
	/* a methodCall is no answer */
	expect_unknown("<methodCall><params><param><value><array><data>"
		       TRUE_V "</data></array></value></param></params>"
		       "</methodCall>");
	/* a second root, with and without a declaration */
	expect_unknown(HEAD TRUE_V TAIL "<methodResponse/>");
	expect_unknown(HEAD TRUE_V TAIL "<x>");
	expect_unknown("<methodResponse/><methodResponse><params><param><value>"
		       "<array><data>" TRUE_V TAIL);
	/* text beside the document element */
	expect_unknown("junk" HEAD TRUE_V TAIL);
	expect_unknown(HEAD TRUE_V TAIL "junk<!-- -->");
	/* start tags mxml cannot parse (it leaked such a root: see ASan) */
	expect_unknown("<methodResponse a=><params><param><value><array><data>"
		       TRUE_V TAIL);
	expect_unknown("<methodResponse b b></methodResponse>");
	expect_unknown("<methodResponse a=\"1\" a=\"2\"></methodResponse>");
}

static void
test_answer_html_garbage(void **state)
{
	(void)state;
	expect_unknown("<html><head><title>502 Bad Gateway</title></head>"
		       "<body><center><h1>502 Bad Gateway</h1></center><hr>"
		       "<center>nginx</center></body></html>");
	expect_unknown("<!DOCTYPE html><html><body><p>Maintenance<br></body>"
		       "</html>");
	expect_unknown("{\"error\":\"not xml\"}");
	expect_unknown("Internal Server Error");
}

static void
test_answer_empty_input(void **state)
{
	(void)state;
	expect_unknown("");
	expect_unknown(" \r\n\t");
	expect_unknown_len(NULL, 0);
	expect_unknown_len("<methodResponse/>", 0);
}

/* Every proper prefix of a good answer is refused. */
static void
test_answer_truncated(void **state)
{
	static const char doc[] = HEAD FALSE_V
		"<value><string>Error:malformed_mac</string></value>" TAIL;
	struct fal_xmlrpc_answer a;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(doc) - 1; k++) {
		if (fal_xmlrpc_answer_parse(doc, k, &a) != FAL_ERR_UNKNOWN_RESPONSE)
			fail_msg("prefix of %zu bytes accepted: %.*s", k,
				 (int)k, doc);
		assert_null(a.message);
	}
	expect_answer(doc, false, "Error:malformed_mac");
}

/* Only len bytes are read: the buffer need not end with a NUL. */
static void
test_answer_reads_len_bytes(void **state)
{
	static const char doc[] = HEAD TRUE_V "<value>x</value>" TAIL;
	char buf[sizeof(doc) + 8];
	struct fal_xmlrpc_answer a;

	(void)state;
	memcpy(buf, doc, sizeof(doc) - 1);
	memcpy(buf + sizeof(doc) - 1, "<junk>\xff\xff", 8);
	assert_int_equal(fal_xmlrpc_answer_parse(buf, sizeof(doc) - 1, &a),
			 FAL_OK);
	assert_string_equal(a.message, "x");
	fal_xmlrpc_answer_free(&a);
}

static void
test_answer_embedded_nul(void **state)
{
	static const char doc[] = HEAD FALSE_V
		"<value><string>Error:malformed_url\0tail</string></value>" TAIL;
	static const char after[] = HEAD TRUE_V "<value>x</value>" TAIL
		"\0<!-- x -->";
	static const char lead[] = "\0" HEAD TRUE_V "<value>x</value>" TAIL;
	static const char trail[] = HEAD TRUE_V "<value>x</value>" TAIL "\0";

	(void)state;
	expect_unknown_len(doc, sizeof(doc) - 1);
	/* a whole answer, then a NUL: still not what the vendor meant */
	expect_unknown_len(after, sizeof(after) - 1);
	/* a NUL before or after is no whitespace */
	expect_unknown_len(lead, sizeof(lead) - 1);
	expect_unknown_len(trail, sizeof(trail) - 1);
}

static void
test_answer_invalid_utf8(void **state)
{
	(void)state;
	expect_unknown(HEAD FALSE_V "<value><string>a\xff" "b</string></value>"
		       TAIL);
}

static void
test_answer_unknown_entity(void **state)
{
	(void)state;
	expect_unknown(HEAD FALSE_V "<value>&bogus;</value>" TAIL);
	expect_unknown(HEAD FALSE_V "<value>&#0;</value>" TAIL);
}

/*
 * XML-RPC answers carry no attributes.  mxml 3.x compares each attribute
 * with all the earlier ones of its element (40,000 cost seconds of CPU),
 * so an answer with one is refused before mxml reads it.
 */
static void
test_answer_attributes_refused_before_mxml(void **state)
{
	enum { N = 40000 };
	static const char good[] = "<methodResponse>" PARAMS_HEAD TRUE_V
		TAIL_PARAMS "</methodResponse>";
	static const char *const docs[] = {
		"<methodResponse a=\"x\">" PARAMS_HEAD TRUE_V TAIL_PARAMS
		"</methodResponse>",
		HEAD "<value a='1'><boolean>1</boolean></value>" TAIL,
		HEAD TRUE_V "<value><string x=\"\">hi</string></value>" TAIL,
		"<?xml version=\"1.0\"?><methodResponse\n a0=\"x\"/>",
		"<methodResponse/ >",
		"<methodResponse><!-- never closed",
		"<methodResponse><![CDATA[ never closed ></methodResponse>",
	};
	char *doc, *p;

	(void)state;
	/* Without the attribute, the first one is a good answer. */
	expect_answer(good, true, "");
	assert_true(reaches_mxml(good));
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++) {
		expect_unknown_len(docs[i], strlen(docs[i]));
		assert_false(reaches_mxml(docs[i]));
	}
	/* The 430 KB answer: no work for mxml at all. */
	doc = malloc(64 + (size_t)N * 16);
	assert_non_null(doc);
	p = doc + sprintf(doc, "<?xml version=\"1.0\"?><methodResponse");
	for (int i = 0; i < N; i++)
		p += sprintf(p, " a%d=\"x\"", i);
	strcpy(p, "/>");
	expect_unknown_len(doc, strlen(doc));
	assert_false(reaches_mxml(doc));
	free(doc);
}

/* A message of 64 KiB is read; one byte more is refused unread. */
static void
test_answer_long_text_refused_before_mxml(void **state)
{
	static const char head[] = HEAD FALSE_V "<value><string>";
	static const char tail[] = "</string></value>" TAIL;
	char *doc = malloc(sizeof(head) + 65537 + sizeof(tail));
	struct fal_xmlrpc_answer a;

	(void)state;
	assert_non_null(doc);
	for (size_t n = 65536; n <= 65537; n++) {
		strcpy(doc, head);
		memset(doc + strlen(head), 'x', n);
		strcpy(doc + strlen(head) + n, tail);
		if (n == 65536) {
			assert_int_equal(parse(doc, &a), FAL_OK);
			assert_int_equal(strlen(a.message), n);
			fal_xmlrpc_answer_free(&a);
			assert_true(reaches_mxml(doc));
		} else {
			expect_unknown(doc);
			assert_false(reaches_mxml(doc));
		}
	}
	free(doc);
}

/* Answers are about one device: more than 4096 elements are refused unread. */
static void
test_answer_many_elements_refused_before_mxml(void **state)
{
	static const char item[] = "<value><string>x</string></value>";
	char *doc = malloc(strlen(HEAD TRUE_V TAIL) + 2100 * strlen(item) + 1);
	char *p;

	(void)state;
	assert_non_null(doc);
	/* HEAD TRUE_V TAIL hold 8 elements, each item 2. */
	for (int n = 2044; n <= 2045; n++) {
		p = doc + sprintf(doc, "%s", HEAD TRUE_V);
		for (int i = 0; i < n; i++)
			p += sprintf(p, "%s", item);
		strcpy(p, TAIL);
		if (n == 2044) {
			expect_answer(doc, true, "x");
			assert_true(reaches_mxml(doc));
		} else {
			expect_unknown(doc);
			assert_false(reaches_mxml(doc));
		}
	}
	free(doc);
}

/*
 * A few comments, CDATA sections or declarations are fine; thousands (each
 * a node mxml allocates, tens of ms for 80,000) are refused unread.
 */
static void
test_answer_many_comments_refused_before_mxml(void **state)
{
	static const char head[] = HEAD TRUE_V "<value><string>";
	static const char tail[] = "</string></value>" TAIL;
	char *doc = malloc(sizeof(head) + 1025 * 16 + sizeof(tail)), *p;

	(void)state;
	assert_non_null(doc);
	/* The <?xml …?> declaration is one of the 1024. */
	for (int n = 1023; n <= 1024; n++) {
		p = doc + sprintf(doc, "%s", head);
		for (int i = 0; i < n; i++)
			p += sprintf(p, "<![CDATA[x]]>");
		strcpy(p, tail);
		if (n == 1023) {
			struct fal_xmlrpc_answer a;

			assert_int_equal(parse(doc, &a), FAL_OK);
			assert_int_equal(strlen(a.message), 1023);
			fal_xmlrpc_answer_free(&a);
			assert_true(reaches_mxml(doc));
		} else {
			expect_unknown_len(doc, strlen(doc));
			assert_false(reaches_mxml(doc));
		}
	}
	free(doc);
}

/* Markup without attributes still goes to mxml and parses as before. */
static void
test_answer_markup_kinds_accepted(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE methodResponse>\n<!-- a=\"b\" -->"
		"<methodResponse >" PARAMS_HEAD TRUE_V
		"<value><string><![CDATA[<x a=\"1\">]]> &amp; >"
		"</string></value>" TAIL_PARAMS "</methodResponse >";

	(void)state;
	expect_answer(doc, true, "<x a=\"1\"> & >");
	assert_true(reaches_mxml(doc));
}

/* Deeply nested input neither crashes nor is accepted where wrong. */
static void
test_answer_deep_nesting(void **state)
{
	enum { DEPTH = 2000, DEEPER = 100000 };
	static const char open[] = "<value><struct>";
	static const char close[] = "</struct></value>";
	size_t olen = sizeof(open) - 1, clen = sizeof(close) - 1;
	size_t head = strlen(HEAD TRUE_V), tail = strlen(TAIL);
	char *doc, *p;
	size_t i;

	(void)state;
	doc = malloc(head + DEEPER * (olen + clen) + tail + 1);
	assert_non_null(doc);
	for (size_t depth = DEPTH; depth <= DEEPER; depth += DEEPER - DEPTH) {
		p = doc;
		memcpy(p, HEAD TRUE_V, head);
		p += head;
		for (i = 0; i < depth; i++, p += olen)
			memcpy(p, open, olen);
		for (i = 0; i < depth; i++, p += clen)
			memcpy(p, close, clen);
		memcpy(p, TAIL, tail + 1);
		if (depth == DEPTH) {
			/* a deep struct as the second value is still just
			 * "not a string" */
			expect_answer(doc, true, "");
		} else {
			/* 200,000 elements: refused before mxml builds them */
			expect_unknown(doc);
			assert_false(reaches_mxml(doc));
		}
	}
	/* the same, never closed */
	expect_unknown_len(doc, head + DEPTH * olen);
	/* deep nesting where the boolean belongs */
	p = doc;
	for (i = 0; i < DEPTH; i++, p += 7)
		memcpy(p, "<value>", 7);
	for (i = 0; i < DEPTH; i++, p += 8)
		memcpy(p, "</value>", 8);
	*p = '\0';
	expect_unknown(doc);
	free(doc);
}

/* Runs the garbage parses of quiet_check on another thread. */
static void *
parse_garbage(void *unused)
{
	struct fal_xmlrpc_answer a;

	(void)unused;
	parse("<a><b></a>", &a);
	parse("<methodResponse>&bogus;</methodResponse>", &a);
	return NULL;
}

/* fal_xmlrpc_answer_read(doc) gives what fal_xmlrpc_answer_parse gives. */
static void
expect_read_as_parse(const char *doc, size_t len)
{
	struct fal_xmlrpc_answer a, b;
	enum fal_err ra = fal_xmlrpc_answer_parse(doc, len, &a);

	assert_int_equal(fal_xmlrpc_answer_read(doc, len, &b), ra);
	assert_int_equal(a.ok, b.ok);
	if (a.message == NULL)
		assert_null(b.message);
	else
		assert_string_equal(a.message, b.message);
	if (a.third == NULL)
		assert_null(b.third);
	else
		assert_string_equal(a.third, b.third);
	fal_xmlrpc_answer_free(&a);
	fal_xmlrpc_answer_free(&b);
}

/*
 * The answer a worker read last is answered from its memo: the same
 * bytes again, and any other bytes after them, read as a parse does.
 */
static void
test_answer_read_as_parse(void **state)
{
	static const char *const docs[] = {
		HEAD TRUE_V "<value><string></string></value>" TAIL,
		HEAD TRUE_V "<value><string></string></value>" TAIL,
		/* as long as the one before, one byte apart */
		HEAD FALSE_V "<value><string></string></value>" TAIL,
		HEAD TRUE_V "<value><string></string></value>" TAIL,
		HEAD FALSE_V "<value>no such device</value>" TAIL,
		HEAD TRUE_V "<value>c</value><value>u &amp; v</value>" TAIL,
		HEAD TRUE_V "<value><string></string></value>" TAIL,
		HEAD TRUE_V "<value>c</value><value>u &amp; v</value>" TAIL,
		HEAD TRUE_V "<value><string>x</string></value>" TAIL,
		"<methodResponse><fault/></methodResponse>",
		HEAD TRUE_V "<value><string>x</string></value>" TAIL,
	};
	const char *good = docs[0];
	char big[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		expect_read_as_parse(docs[i], strlen(docs[i]));
	/* The same bytes cut short, after the whole answer was read. */
	expect_read_as_parse(good, strlen(good));
	expect_read_as_parse(good, strlen(good) - 1);
	expect_read_as_parse(good, strlen(good) - 20);
	expect_read_as_parse(good, 0);
	expect_read_as_parse(NULL, 0);
	/* An answer too long to keep is read each time. */
	snprintf(big, sizeof(big), HEAD TRUE_V "<value>%01200d</value>" TAIL, 7);
	expect_read_as_parse(big, strlen(big));
	expect_read_as_parse(big, strlen(big));
	expect_read_as_parse(good, strlen(good));
}

/* mxml's complaints go nowhere, on whichever thread parses. */
static void
test_answer_errors_are_quiet(void **state)
{
	char path[] = "/tmp/test_xmlrpc_stderr_XXXXXX";
	int fd, saved;
	pthread_t th;
	off_t size;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	parse_garbage(NULL);
	assert_int_equal(pthread_create(&th, NULL, parse_garbage, NULL), 0);
	pthread_join(th, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	assert_int_equal(size, 0);
}

/* ---- fal_xmlrpc_call over the scripted transport ---- */

static int
reset_fake(void **state)
{
	(void)state;
	fake_http_reset();
	return 0;
}

static void
test_call_posts_and_parses(void **state)
{
	static const char *const strs[] = { "ACDE48234567", "http://x/?a&b" };
	struct fal_xmlrpc_param p[2] = {
		{ .type = FAL_XMLRPC_STRING, .str = strs[0] },
		{ .type = FAL_XMLRPC_STRING, .str = strs[1] },
	};
	struct fal_xmlrpc_answer a;
	struct fal_error err;
	struct fal_http *http = fake_http_client();
	const struct fake_http_call *c;
	char *expected;

	(void)state;
	fake_http_push(200, HEAD FALSE_V "<value>Error:owned_by_other_user"
		       "</value>" TAIL, NULL);
	fal_error_set(&err, FAL_ERR_INTERNAL, "stale");
	assert_int_equal(fal_xmlrpc_call(http, "https://rps.example/xmlrpc",
					 "user", "pa:ss", "redirect.registerPhone",
					 p, 2, &a, &err), FAL_OK);
	assert_int_equal(err.code, FAL_OK);
	assert_false(a.ok);
	assert_string_equal(a.message, "Error:owned_by_other_user");
	fal_xmlrpc_answer_free(&a);
	assert_int_equal(fake_http_ncalls(), 1);
	c = fake_http_call_at(0);
	assert_string_equal(c->method, "POST");
	assert_string_equal(c->url, "https://rps.example/xmlrpc");
	assert_non_null(c->user);
	assert_string_equal(c->user, "user");
	assert_string_equal(c->password, "pa:ss");
	assert_string_equal(fake_http_call_header(0, "Content-Type"),
			    "text/xml");
	expected = fal_xmlrpc_call_new("redirect.registerPhone", p, 2);
	assert_string_equal(c->body, expected);
	free(expected);
}

static void
test_call_http_status(void **state)
{
	struct fal_xmlrpc_answer a;
	struct fal_error err;

	(void)state;
	/* A good body does not matter. */
	fake_http_push(500, HEAD TRUE_V TAIL, NULL);
	fake_http_push(401, HEAD TRUE_V TAIL, NULL);
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b", "m", NULL, 0,
					 &a, &err), FAL_ERR_REMOTE_CALL_FAILED);
	assert_int_equal(err.code, FAL_ERR_REMOTE_CALL_FAILED);
	assert_string_equal(err.message, "HTTP 500");
	assert_null(a.message);
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b", "m", NULL, 0,
					 &a, &err), FAL_ERR_REMOTE_CALL_FAILED);
	assert_string_equal(err.message, "HTTP 401");
}

static void
test_call_transport_failure(void **state)
{
	struct fal_xmlrpc_answer a;
	struct fal_error err;

	(void)state;
	fake_http_push_error(FAL_ERR_CONNECTION_FAILED, "scripted failure");
	fake_http_push_error(FAL_ERR_READ_RESPONSE_FAILED, "scripted failure");
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b", "m", NULL, 0,
					 &a, &err), FAL_ERR_CONNECTION_FAILED);
	assert_int_equal(err.code, FAL_ERR_CONNECTION_FAILED);
	assert_null(a.message);
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b", "m", NULL, 0,
					 &a, &err), FAL_ERR_READ_RESPONSE_FAILED);
}

static void
test_call_bad_answer(void **state)
{
	struct fal_xmlrpc_answer a;
	struct fal_error err;

	(void)state;
	fake_http_push(200, "<html>oops</html>", NULL);
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b", "m", NULL, 0,
					 &a, &err), FAL_ERR_UNKNOWN_RESPONSE);
	assert_int_equal(err.code, FAL_ERR_UNKNOWN_RESPONSE);
	assert_null(a.message);
}

static void
test_call_unbuildable(void **state)
{
	struct fal_xmlrpc_param p = { .type = FAL_XMLRPC_STRING, .str = NULL };
	struct fal_xmlrpc_answer a;
	struct fal_error err;

	(void)state;
	assert_int_equal(fal_xmlrpc_call(fake_http_client(), "u", "a", "b",
					 "m", &p, 1, &a, &err), FAL_ERR_INTERNAL);
	assert_int_equal(fake_http_ncalls(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_no_params),
		cmocka_unit_test(test_call_one_param),
		cmocka_unit_test(test_call_two_params),
		cmocka_unit_test(test_call_four_params),
		cmocka_unit_test(test_call_empty_string),
		cmocka_unit_test(test_call_array_param),
		cmocka_unit_test(test_call_mixed_params),
		cmocka_unit_test(test_call_escaping_round_trip),
		cmocka_unit_test(test_call_null_string_fails),
		cmocka_unit_test(test_answer_success_typed),
		cmocka_unit_test(test_answer_success_untyped),
		cmocka_unit_test(test_answer_without_declaration),
		cmocka_unit_test(test_answer_pretty_printed),
		cmocka_unit_test(test_answer_refusal),
		cmocka_unit_test(test_answer_entities_decoded),
		cmocka_unit_test(test_answer_message_kept_as_is),
		cmocka_unit_test(test_answer_cdata_and_comments),
		cmocka_unit_test(test_answer_empty_message),
		cmocka_unit_test(test_answer_struct_second),
		cmocka_unit_test(test_answer_single_element),
		cmocka_unit_test(test_answer_third_element),
		cmocka_unit_test(test_answer_fault),
		cmocka_unit_test(test_answer_no_params),
		cmocka_unit_test(test_answer_not_an_array),
		cmocka_unit_test(test_answer_bad_boolean),
		cmocka_unit_test(test_answer_first_not_boolean),
		cmocka_unit_test(test_answer_other_shapes),
		cmocka_unit_test(test_answer_html_garbage),
		cmocka_unit_test(test_answer_empty_input),
		cmocka_unit_test(test_answer_truncated),
		cmocka_unit_test(test_answer_reads_len_bytes),
		cmocka_unit_test(test_answer_embedded_nul),
		cmocka_unit_test(test_answer_invalid_utf8),
		cmocka_unit_test(test_answer_unknown_entity),
		cmocka_unit_test(test_answer_deep_nesting),
		cmocka_unit_test(test_answer_attributes_refused_before_mxml),
		cmocka_unit_test(test_answer_markup_kinds_accepted),
		cmocka_unit_test(test_answer_many_comments_refused_before_mxml),
		cmocka_unit_test(test_answer_many_elements_refused_before_mxml),
		cmocka_unit_test(test_answer_long_text_refused_before_mxml),
		cmocka_unit_test(test_answer_errors_are_quiet),
		cmocka_unit_test(test_call_kept_document_refilled),
		cmocka_unit_test(test_answer_read_as_parse),
		cmocka_unit_test_setup(test_call_posts_and_parses, reset_fake),
		cmocka_unit_test_setup(test_call_http_status, reset_fake),
		cmocka_unit_test_setup(test_call_transport_failure, reset_fake),
		cmocka_unit_test_setup(test_call_bad_answer, reset_fake),
		cmocka_unit_test_setup(test_call_unbuildable, reset_fake),
	};

	return cmocka_run_group_tests_name("xmlrpc", tests, NULL, reset_fake);
}
