/* secret.c - see secret.h. */
#include "secret.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Transient secrets kept: a bearer token is replaced about hourly. */
#define TRANSIENT_MAX 8

/*
 * A base64 core shorter than this is not registered: it would mask
 * innocent words.  Such short secrets are still masked as written and
 * inside their Basic credential.
 */
#define CORE_MIN 8

/* Most forms of one secret: as written, percent-encoded, base64 whole, 3 cores. */
#define FORMS_MAX 6

/* One secret and the forms it may take in a vendor's echo. */
struct secret {
	char *forms[FORMS_MAX];
	size_t n;
};

/*
 * The register: a guarded cache, written at start and when a bearer
 * token arrives, read whenever a text leaves the process.
 */
static struct {
	pthread_rwlock_t lock;
	struct secret *fixed;
	size_t n_fixed;
	struct secret transient[TRANSIENT_MAX];
	size_t next_transient;
} reg = { .lock = PTHREAD_RWLOCK_INITIALIZER };

/* Wipes and frees the forms of sec. */
static void
secret_clear(struct secret *sec)
{
	for (size_t i = 0; i < sec->n; i++) {
		OPENSSL_cleanse(sec->forms[i], strlen(sec->forms[i]));
		free(sec->forms[i]);
	}
	sec->n = 0;
}

/* Adds the n bytes at s as a form of sec, unless already one; 0 or -1. */
static int
add_form(struct secret *sec, const char *s, size_t n)
{
	char *f;

	if (n == 0 || sec->n == FORMS_MAX)
		return 0;
	for (size_t i = 0; i < sec->n; i++)
		if (strlen(sec->forms[i]) == n && memcmp(sec->forms[i], s, n) == 0)
			return 0;
	if ((f = strndup(s, n)) == NULL)
		return -1;
	sec->forms[sec->n++] = f;
	return 0;
}

/*
 * Adds the base64 forms of the len bytes at s: the encoding of s alone,
 * and for each of the three alignments s may have inside longer base64
 * text (after k = 0, 1, 2 bytes of something else), the characters that
 * depend on s alone.  0, or -1 when out of memory.
 */
static int
add_base64_forms(struct secret *sec, const char *s, size_t len)
{
	size_t cap = 4 * ((len + 2 + 2) / 3) + 1, start, end;
	unsigned char *in = malloc(len + 2);
	unsigned char *enc = malloc(cap);
	int rc = -1;

	if (in == NULL || enc == NULL || len > (size_t)1 << 20)
		goto out;
	EVP_EncodeBlock(enc, (const unsigned char *)s, (int)len);
	if (add_form(sec, (char *)enc, strlen((char *)enc)) < 0)
		goto out;
	for (size_t k = 0; k < 3; k++) {
		memset(in, 0, k);
		memcpy(in + k, s, len);
		EVP_EncodeBlock(enc, in, (int)(k + len));
		start = (8 * k + 5) / 6;     /* first character of s's bits only */
		end = 8 * (k + len) / 6;     /* past the last one */
		if (end >= start + CORE_MIN &&
		    add_form(sec, (char *)enc + start, end - start) < 0)
			goto out;
	}
	rc = 0;
out:
	if (in != NULL)
		OPENSSL_cleanse(in, len + 2);
	if (enc != NULL)
		OPENSSL_cleanse(enc, cap);
	free(in);
	free(enc);
	return rc;
}

/* Fills sec with the forms of s; 0, or -1 (sec cleared) out of memory. */
static int
secret_make(struct secret *sec, const char *s)
{
	size_t len = strlen(s);
	char *esc = curl_easy_escape(NULL, s, (int)len);
	int rc;

	sec->n = 0;
	rc = esc == NULL || add_form(sec, s, len) < 0 ||
	     add_form(sec, esc, strlen(esc)) < 0 ||
	     add_base64_forms(sec, s, len) < 0 ? -1 : 0;
	if (esc != NULL) {
		OPENSSL_cleanse(esc, strlen(esc));
		curl_free(esc);
	}
	if (rc < 0)
		secret_clear(sec);
	return rc;
}

/* Whether s is already registered as a fixed secret; lock held. */
static bool
is_fixed(const char *s)
{
	for (size_t i = 0; i < reg.n_fixed; i++)
		if (strcmp(reg.fixed[i].forms[0], s) == 0)
			return true;
	return false;
}

/* Appends sec to the fixed secrets; 0 or -1.  Lock held. */
static int
add_fixed(struct secret *sec)
{
	struct secret *list;

	list = realloc(reg.fixed, (reg.n_fixed + 1) * sizeof(*list));
	if (list == NULL)
		return -1;
	reg.fixed = list;
	reg.fixed[reg.n_fixed++] = *sec;
	return 0;
}

int
fal_secret_add(const char *s, bool transient)
{
	struct secret sec;
	struct secret *slot;
	int rc = 0;

	if (s == NULL || *s == '\0')
		return 0;
	if (secret_make(&sec, s) < 0)
		return -1;
	pthread_rwlock_wrlock(&reg.lock);
	if (transient) {
		slot = &reg.transient[reg.next_transient];
		secret_clear(slot);
		*slot = sec;
		reg.next_transient = (reg.next_transient + 1) % TRANSIENT_MAX;
	} else if (is_fixed(s) || (rc = add_fixed(&sec)) < 0) {
		secret_clear(&sec);
	}
	pthread_rwlock_unlock(&reg.lock);
	return rc;
}

int
fal_secret_add_basic(const char *user, const char *password)
{
	size_t ulen, plen;
	char *cred, *enc;
	int rc = -1;

	if (password == NULL || *password == '\0')
		return 0;
	ulen = user != NULL ? strlen(user) : 0;
	plen = strlen(password);
	cred = malloc(ulen + plen + 2);
	enc = malloc(4 * ((ulen + plen + 3) / 3) + 1);
	if (cred != NULL && enc != NULL && ulen + plen < (size_t)1 << 20) {
		memcpy(cred, user != NULL ? user : "", ulen);
		cred[ulen] = ':';
		memcpy(cred + ulen + 1, password, plen + 1);
		EVP_EncodeBlock((unsigned char *)enc, (unsigned char *)cred,
				(int)(ulen + 1 + plen));
		rc = fal_secret_add(enc, false);
		OPENSSL_cleanse(cred, ulen + plen + 1);
		OPENSSL_cleanse(enc, strlen(enc));
	}
	free(cred);
	free(enc);
	return rc;
}

int
fal_secret_add_uri_password(const char *uri)
{
	CURLU *u = curl_url();
	char *pw = NULL;
	int rc = -1;

	if (u == NULL)
		return -1;
	rc = 0;
	if (uri != NULL &&
	    curl_url_set(u, CURLUPART_URL, uri, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
			rc = fal_secret_add(pw, false);
			curl_free(pw);
		}
		if (rc == 0 && curl_url_get(u, CURLUPART_PASSWORD, &pw,
					    CURLU_URLDECODE) == CURLUE_OK) {
			rc = fal_secret_add(pw, false);
			curl_free(pw);
		}
	}
	curl_url_cleanup(u);
	return rc;
}

int
fal_secret_add_config(const struct fal_config *cfg)
{
	for (size_t i = 0; i < cfg->n_providers; i++) {
		const struct fal_provider_conf *p = &cfg->providers[i];

		if (fal_secret_add(p->password, false) < 0 ||
		    fal_secret_add(p->client_secret, false) < 0 ||
		    fal_secret_add_basic(p->user, p->password) < 0 ||
		    fal_secret_add_basic(p->client_id, p->client_secret) < 0)
			return -1;
	}
	return 0;
}

/* Longer forms first, so that one holding another is masked whole. */
static int
by_length_desc(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Replaces every occurrence of form in buf (*len bytes, NUL-terminated). */
static void
mask_form(char *buf, size_t *len, const char *form)
{
	static const char mask[] = FAL_SECRET_MASK;
	size_t flen = strlen(form), mlen = sizeof(mask) - 1, r = 0, w = 0;
	char *hit;

	while ((hit = memmem(buf + r, *len - r, form, flen)) != NULL) {
		size_t keep = (size_t)(hit - (buf + r));

		memmove(buf + w, buf + r, keep);
		w += keep;
		/* A mask longer than the form would grow the text: star it. */
		if (flen < mlen)
			memset(buf + w, '*', flen);
		else
			memcpy(buf + w, mask, mlen);
		w += flen < mlen ? flen : mlen;
		r += keep + flen;
	}
	if (w == r)             /* nothing masked: nothing to move */
		return;
	memmove(buf + w, buf + r, *len - r);
	*len = w + (*len - r);
	buf[*len] = '\0';
}

/* Every form registered, longest first, in a malloc'd array; lock held. */
static const char **
all_forms(size_t *n)
{
	size_t total = 0, k = 0;
	const char **forms;

	for (size_t i = 0; i < reg.n_fixed; i++)
		total += reg.fixed[i].n;
	for (size_t i = 0; i < TRANSIENT_MAX; i++)
		total += reg.transient[i].n;
	if ((forms = malloc((total + 1) * sizeof(*forms))) == NULL)
		return NULL;
	for (size_t i = 0; i < reg.n_fixed; i++)
		for (size_t j = 0; j < reg.fixed[i].n; j++)
			forms[k++] = reg.fixed[i].forms[j];
	for (size_t i = 0; i < TRANSIENT_MAX; i++)
		for (size_t j = 0; j < reg.transient[i].n; j++)
			forms[k++] = reg.transient[i].forms[j];
	qsort(forms, k, sizeof(*forms), by_length_desc);
	*n = k;
	return forms;
}

char *
fal_secret_redacted(const char *s, size_t n, size_t *len)
{
	const char **forms;
	size_t nforms = 0;
	char *buf;

	if ((buf = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*len = n;
	pthread_rwlock_rdlock(&reg.lock);
	forms = all_forms(&nforms);
	for (size_t i = 0; forms != NULL && i < nforms; i++)
		mask_form(buf, len, forms[i]);
	pthread_rwlock_unlock(&reg.lock);
	if (forms == NULL) {
		free(buf);
		return NULL;
	}
	free(forms);
	return buf;
}

void
fal_secret_forget_all(void)
{
	pthread_rwlock_wrlock(&reg.lock);
	for (size_t i = 0; i < reg.n_fixed; i++)
		secret_clear(&reg.fixed[i]);
	free(reg.fixed);
	reg.fixed = NULL;
	reg.n_fixed = 0;
	for (size_t i = 0; i < TRANSIENT_MAX; i++)
		secret_clear(&reg.transient[i]);
	reg.next_transient = 0;
	pthread_rwlock_unlock(&reg.lock);
}
