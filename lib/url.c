/*
 * url.c - see url.h.
 *
 * libcurl's URL API does the parsing, but it is lenient where a browser
 * would be, and the URL we accept ends up in a phone's configuration, so
 * a few RFC 3986 rules are checked before curl sees the string:
 *
 *  - Only characters RFC 3986 allows (unreserved, reserved and '%').
 *    Spaces, control characters, DEL and non-ASCII bytes have no place in
 *    a URI, nor have '"', '<', '>', '\\', '^', '`' and '|'.  We do accept
 *    '{' and '}', which RFC 3986 excludes too, because phones expand
 *    placeholders such as {mac} in their provisioning URL.
 *  - Every '%' starts a valid escape ("%zz" is not one).
 *  - "//" follows the scheme: a host exists only in an authority, and curl
 *    would otherwise read "http:/x" and "http:///x" as host "x".
 *  - At most one '#', since a fragment may not contain another.
 *  - '[' and ']' only around an IPv6 host: curl lets them through in a
 *    path, query or userinfo.
 */
#include "url.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

/* The schemes a phone can fetch its configuration with. */
static const char *const schemes[] = {
	"ftp",
	"tftp",
	"http",
	"https",
};

/* Characters RFC 3986 allows outside escapes, plus '{' and '}'. */
static const char uri_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	"-._~"          /* unreserved, with ALPHA and DIGIT */
	":/?#[]@"       /* gen-delims */
	"!$&'()*+,;="   /* sub-delims */
	"%{}";

/*
 * Length of the scheme of url (RFC 3986 §3.1: ALPHA *(ALPHA / DIGIT / "+"
 * / "-" / ".") followed by ':'), or 0 when url does not start with one.
 */
static size_t
scheme_len(const char *url)
{
	const unsigned char *p = (const unsigned char *)url;
	size_t n;

	if (!isalpha(p[0]))
		return 0;
	for (n = 1; isalnum(p[n]) || p[n] == '+' || p[n] == '-' ||
	    p[n] == '.'; n++)
		continue;
	return p[n] == ':' ? n : 0;
}

/* Whether the first len bytes of url name a scheme we accept. */
static int
scheme_allowed(const char *url, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i]) == len &&
		    strncasecmp(url, schemes[i], len) == 0)
			return 1;
	return 0;
}

/* Number of times c occurs in s. */
static size_t
count_char(const char *s, char c)
{
	size_t n = 0;

	for (; (s = strchr(s, c)) != NULL; s++)
		n++;
	return n;
}

/*
 * Whether url keeps the character rules listed at the top of this file
 * that do not need the host: allowed characters only, valid escapes, one
 * '#' at most.
 */
static int
chars_valid(const char *url)
{
	const unsigned char *p;

	if (url[strspn(url, uri_chars)] != '\0')
		return 0;
	for (p = (const unsigned char *)url; (p = (const unsigned char *)
	    strchr((const char *)p, '%')) != NULL; p += 3)
		if (!isxdigit(p[1]) || !isxdigit(p[2]))
			return 0;
	return count_char(url, '#') <= 1;
}

/*
 * Whether curl parses url and finds a non-empty host, with brackets only
 * when that host is an IPv6 literal.
 */
static int
host_valid(const char *url)
{
	CURLU *h;
	char *host = NULL;
	size_t brackets;
	int ok = 0;

	if ((h = curl_url()) == NULL)
		return 0;
	if (curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK)
		goto out;
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    host == NULL || host[0] == '\0')
		goto out;
	brackets = host[0] == '[' ? 1 : 0;
	ok = count_char(url, '[') == brackets && count_char(url, ']') == brackets;
out:
	curl_free(host);
	curl_url_cleanup(h);
	return ok;
}

/* fal_url_check's verdict, without the memo. */
static enum fal_err
check(const char *url)
{
	size_t n;

	if (url == NULL || (n = scheme_len(url)) == 0 ||
	    !scheme_allowed(url, n))
		return FAL_ERR_UNSUPPORTED_URL_SCHEME;
	if (strlen(url) > FAL_URL_MAX || !chars_valid(url))
		return FAL_ERR_UNPARSABLE_URL;
	if (strncmp(url + n, "://", 3) != 0 || url[n + 3] == '/')
		return FAL_ERR_UNPARSABLE_URL;
	if (!host_valid(url))
		return FAL_ERR_UNPARSABLE_URL;
	return FAL_OK;
}

/*
 * The last URL this thread found valid.  The phones of a site are all
 * sent the same provisioning URL, and checking one (curl parses the
 * host) costs more than the rest of a request's validation.
 */
static _Thread_local char last_valid[FAL_URL_MAX + 1];

enum fal_err
fal_url_check(const char *url)
{
	enum fal_err rc;

	if (url != NULL && last_valid[0] != '\0' &&
	    strcmp(url, last_valid) == 0)
		return FAL_OK;
	rc = check(url);
	if (rc == FAL_OK)  /* then strlen(url) <= FAL_URL_MAX */
		memcpy(last_valid, url, strlen(url) + 1);
	return rc;
}

char *
fal_url_decode_pct25(char *dst, const char *src)
{
	char *out = dst;

	while (*src != '\0') {
		if (strncmp(src, "%25", 3) == 0) {
			*out++ = '%';
			src += 3;
		} else {
			*out++ = *src++;
		}
	}
	*out = '\0';
	return dst;
}

size_t
fal_url_trim_slashes(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		n--;
	return n;
}
