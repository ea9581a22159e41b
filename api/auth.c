/*
 * auth.c - the API token check.  Tokens are compared through their
 * SHA-256 digests: equal-length digests compared with CRYPTO_memcmp, over
 * every configured token, so the time taken says nothing about how much
 * of a token was right, how long the tokens are, or which one matched.
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>
#include <strings.h>

/*
 * The token of a "Bearer <token>" header value (scheme in any case, one
 * or more spaces), or NULL when the value is absent, of another scheme,
 * or carries an empty token.
 */
static const char *
bearer_token(const char *authorization)
{
	const char *p;

	if (authorization == NULL ||
	    strncasecmp(authorization, "Bearer", 6) != 0 ||
	    authorization[6] != ' ')
		return NULL;
	p = authorization + 6;
	while (*p == ' ')
		p++;
	return *p != '\0' ? p : NULL;
}

/* SHA-256 of s into md; 0, or -1 when libcrypto fails. */
static int
digest(const char *s, unsigned char md[SHA256_DIGEST_LENGTH])
{
	unsigned int len = 0;

	if (EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL) != 1 ||
	    len != SHA256_DIGEST_LENGTH)
		return -1;
	return 0;
}

bool
fal_auth_check(const struct fal_config *cfg, const char *authorization)
{
	unsigned char want[SHA256_DIGEST_LENGTH], got[SHA256_DIGEST_LENGTH];
	const char *token;
	unsigned match = 0;
	size_t i;

	if (cfg->n_api_tokens == 0)
		return true;
	if ((token = bearer_token(authorization)) == NULL)
		return false;
	if (digest(token, got) == -1)
		return false;
	/* No early exit: every token costs the same whether it matched. */
	for (i = 0; i < cfg->n_api_tokens; i++) {
		if (digest(cfg->api_tokens[i], want) == -1)
			continue;
		match |= (unsigned)(CRYPTO_memcmp(want, got, sizeof(got)) == 0);
	}
	return match != 0;
}
