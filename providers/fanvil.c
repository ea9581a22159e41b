/*
 * fanvil.c - Fanvil's redirect service (SPEC §2.1), XML-RPC with Basic
 * auth whose password is hex(md5(hex(md5(password)))).  Fanvil redirects
 * a device to a named "server": registering (re)creates a server named
 * MAC12 that holds the URL, then binds the device to it.
 *
 * Fanvil wants the URL in pieces (protocol, host[:port], path) and has no
 * field for a query string, so the query stays on the path: cfgPfName is
 * everything after "host[:port]/", and "<scheme>://cfgPfSrv/cfgPfName" is
 * the URL the client sent, less user info and fragment.  The URL is split
 * as sent, then each piece has its %25 sent as % (SPEC §1.1): decoded
 * first, a "%25" in the host (an IPv6 zone) or a "%252F" would change
 * how the URL splits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../lib/url.h"
#include "../lib/url_split.h"
#include "../lib/device.h"
#include "xmlrpc_vendor.h"

/* 32 hex digits of an MD5 digest and their NUL. */
#define MD5_HEX_LEN 33

/*
 * Fanvil's refusals.  Deregistering reads the whole table, so neither an
 * unknown device nor an unknown server fails it; the deleteServer that
 * starts a registration tolerates only the unknown server; the other
 * register calls tolerate nothing.
 */
static const struct fal_refusal fanvil_refusals[] = {
	{ FAL_MATCH_EXACT, "Error:device_not_exist", FAL_OK },
	{ FAL_MATCH_EXACT, "Error:server_not_exist", FAL_OK },
	{ FAL_MATCH_EXACT, "Error: url_format_error", FAL_ERR_MALFORMED_URL },
	{ FAL_MATCH_EXACT, "Error: mac_format_error", FAL_ERR_NOT_VALID_MAC },
	{ FAL_MATCH_EXACT, "Error: device_had_existed", FAL_ERR_DEVICE_OWNED },
	{ FAL_MATCH_EXACT, NULL, FAL_OK }
};
#define FANVIL_DEREGISTER_REFUSALS fanvil_refusals
#define FANVIL_DELETE_SERVER_REFUSALS (fanvil_refusals + 1)
#define FANVIL_REGISTER_REFUSALS (fanvil_refusals + 2)

/* What checkDevice's refusals say of the device (SPEC §2.4). */
static const struct fal_lookup_text fanvil_lookup_texts[] = {
	{ FAL_MATCH_EXACT, "Error:device_not_exist", FAL_LOOKUP_NOT_REGISTERED },
	{ FAL_MATCH_EXACT, NULL, FAL_LOOKUP_REGISTERED }
};

static const struct fal_xmlrpc_lookup fanvil_lookup_call = {
	"redirect.checkDevice", fanvil_lookup_texts, FANVIL_REGISTER_REFUSALS,
	false
};

/* cfgPfProt of each scheme fal_url_check lets through. */
static const struct {
	const char *scheme;
	const char *prot;
} fanvil_prots[] = {
	{ "ftp", "cfgPfProt=1" },
	{ "tftp", "cfgPfProt=2" },
	{ "http", "cfgPfProt=4" },
	{ "https", "cfgPfProt=5" },
};

/* Writes the lower-case hex MD5 of s into hex; 0, or -1 without MD5. */
static int
md5_hex(const char *s, char hex[MD5_HEX_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL) != 1 || n != 16)
		return -1;
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

/*
 * Replaces conf->password with the one Fanvil checks, once at start so no
 * request hashes it again.  Returns 0, or -1 with the reason in errbuf.
 */
static int
fanvil_prepare(struct fal_provider_conf *conf, char *errbuf, size_t len)
{
	char once[MD5_HEX_LEN], twice[MD5_HEX_LEN];
	char *hashed = NULL;

	if (md5_hex(conf->password, once) == 0 && md5_hex(once, twice) == 0)
		hashed = strdup(twice);
	OPENSSL_cleanse(once, sizeof(once));
	OPENSSL_cleanse(twice, sizeof(twice));
	if (hashed == NULL) {
		snprintf(errbuf, len, "fanvil: cannot hash the password (MD5)");
		return -1;
	}
	OPENSSL_cleanse(conf->password, strlen(conf->password));
	free(conf->password);
	conf->password = hashed;
	return 0;
}

/* The "cfgPfProt=N" of scheme, or NULL for a scheme Fanvil cannot fetch. */
static const char *
fanvil_prot(const char *scheme)
{
	size_t n = sizeof(fanvil_prots) / sizeof(fanvil_prots[0]);

	for (size_t i = 0; i < n; i++)
		if (strcmp(scheme, fanvil_prots[i].scheme) == 0)
			return fanvil_prots[i].prot;
	return NULL;
}

/* The addMaterialServer items that vary with the device and its URL. */
struct fanvil_server {
	char name[8 + 13];                 /* cfgName=MAC12 */
	char srv[9 + FAL_URL_MAX + 1];     /* cfgPfSrv=host[:port] */
	char path[10 + FAL_URL_MAX + 1];   /* cfgPfName=path[?query] */
	const char *prot;                  /* cfgPfProt=N */
};

/*
 * Fills s for dev, before any call is made.  FAL_OK, or the error (set in
 * err) of a URL curl cannot split; fal_url_check has passed it already.
 */
static enum fal_err
fanvil_server(const struct fal_device *dev, struct fanvil_server *s,
	      struct fal_error *err)
{
	struct fal_url_parts url;
	enum fal_err rc;

	if ((rc = fal_url_split(dev->sent_url, &url)) != FAL_OK)
		return fal_error_set(err, rc, NULL);
	fal_url_decode_pct25(url.hostport, url.hostport);
	fal_url_decode_pct25(url.path, url.path);
	if (url.query != NULL)
		fal_url_decode_pct25(url.query, url.query);
	snprintf(s->name, sizeof(s->name), "cfgName=%s", dev->mac.upper12);
	snprintf(s->srv, sizeof(s->srv), "cfgPfSrv=%s", url.hostport);
	snprintf(s->path, sizeof(s->path), "cfgPfName=%s%s%s",
		 url.path + (url.path[0] == '/'), url.query != NULL ? "?" : "",
		 url.query != NULL ? url.query : "");
	s->prot = fanvil_prot(url.scheme);
	fal_url_parts_free(&url);
	if (s->prot == NULL)
		return fal_error_set(err, FAL_ERR_UNSUPPORTED_URL_SCHEME, NULL);
	return FAL_OK;
}

/* Sends addMaterialServer for s: FAL_OK or the mapped failure. */
static enum fal_err
fanvil_add_server(struct fal_call *call, const struct fanvil_server *s)
{
	const char *const items[] = {
		s->name, "cfgPfMode=1", "cfgDhcpOpt=false", "cfgPnpEnable=false",
		s->srv, s->path, s->prot,
	};
	const struct fal_xmlrpc_param param = {
		FAL_XMLRPC_STRING_ARRAY, NULL, items,
		sizeof(items) / sizeof(items[0])
	};

	return fal_xmlrpc_vendor_call(call, "redirect.addMaterialServer",
				      &param, 1, FANVIL_REGISTER_REFUSALS);
}

/*
 * The four calls of a registration, in order: drop the old server, add
 * the new one, unbind the device (only a transport or HTTP failure
 * counts), bind it to the new server.  FAL_OK or the first failure.
 */
static enum fal_err
fanvil_register(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param macs[] = {
		FAL_XMLRPC_STR(dev->mac.upper12),   /* the device */
		FAL_XMLRPC_STR(dev->mac.upper12),   /* its server's name */
	};
	struct fanvil_server server;
	enum fal_err rc;

	if ((rc = fanvil_server(dev, &server, call->err)) != FAL_OK ||
	    (rc = fal_xmlrpc_vendor_call(call, "redirect.deleteServer", macs,
	    1, FANVIL_DELETE_SERVER_REFUSALS)) != FAL_OK ||
	    (rc = fanvil_add_server(call, &server)) != FAL_OK ||
	    (rc = fal_xmlrpc_vendor_call_ignore(call,
	    "redirect.deRegisterDevice", macs, 1)) != FAL_OK)
		return rc;
	return fal_xmlrpc_vendor_call(call, "redirect.registerDevice", macs, 2,
				      FANVIL_REGISTER_REFUSALS);
}

/* Unbinds the device, then deletes its server; either may be gone already. */
static enum fal_err
fanvil_deregister(struct fal_call *call, const struct fal_device *dev)
{
	const struct fal_xmlrpc_param mac = FAL_XMLRPC_STR(dev->mac.upper12);
	enum fal_err rc;

	rc = fal_xmlrpc_vendor_call(call, "redirect.deRegisterDevice", &mac, 1,
				    FANVIL_DEREGISTER_REFUSALS);
	if (rc != FAL_OK)
		return rc;
	return fal_xmlrpc_vendor_call(call, "redirect.deleteServer", &mac, 1,
				      FANVIL_DEREGISTER_REFUSALS);
}

/* Whether the device is bound here; the URL stays unknown. */
static enum fal_err
fanvil_lookup(struct fal_call *call, const struct fal_device *dev)
{
	return fal_xmlrpc_vendor_lookup(call, &fanvil_lookup_call,
					dev->mac.upper12);
}

const struct fal_provider fal_provider_fanvil = {
	.prepare = fanvil_prepare,
	.do_register = fanvil_register,
	.do_deregister = fanvil_deregister,
	.do_lookup = fanvil_lookup,
};
