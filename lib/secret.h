/*
 * secret.h - the secrets this process sends (vendor passwords and client
 * secrets, the Basic credentials and Hawk keys made of them, bearer
 * tokens it fetches, the batch_store password), and their redaction from
 * any text it passes on: a vendor that echoes what it was sent must not
 * get a secret into an answer or a log line, whole, cut or base64-encoded.
 *
 * The register is process-wide: secrets from the configuration are added
 * once at start; secrets learnt while serving (bearer tokens) are added
 * as they arrive and the oldest of those are forgotten past a bound.
 */
#ifndef FAL_SECRET_H
#define FAL_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* What a redacted secret becomes. */
#define FAL_SECRET_MASK "***"

/*
 * Registers s (NUL-terminated, may be NULL or empty: ignored) and its
 * base64 forms, as found inside any longer base64 text.  transient: a
 * secret learnt while serving (kept among the last few such).  Returns 0,
 * or -1 when out of memory.
 */
int fal_secret_add(const char *s, bool transient);

/* Registers the Basic credential base64(user ":" password); 0 or -1. */
int fal_secret_add_basic(const char *user, const char *password);

/*
 * Registers the password of a URI's user info (as written and
 * percent-decoded), e.g. the batch_store URI "postgresql://u:pw@host/db";
 * a URI without one registers nothing.  0, or -1 when out of memory.
 */
int fal_secret_add_uri_password(const char *uri);

/*
 * Registers every secret of cfg the process sends: each provider's
 * password and client_secret, and the Basic credentials built of them.
 * Run it once the providers' prepare hooks have run (Fanvil's derived
 * password).  0, or -1 when out of memory.
 */
int fal_secret_add_config(const struct fal_config *cfg);

/*
 * A malloc'd copy of the n bytes at s with every registered form of every
 * secret replaced by FAL_SECRET_MASK, NUL-terminated, its length in *len.
 * Done on the whole text, before anything cuts it.  NULL when out of
 * memory.
 */
char *fal_secret_redacted(const char *s, size_t n, size_t *len);

/* Forgets every secret (tests, and the end of the program). */
void fal_secret_forget_all(void);

#endif
