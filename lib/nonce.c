/* nonce.c - see nonce.h. */
#include "nonce.h"

#include <openssl/rand.h>

/* 32 bytes (64 hex digits) is the longest nonce anyone asks of us. */
#define NONCE_BYTES_MAX 32

int
fal_nonce_hex(char *out, size_t nhex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[NONCE_BYTES_MAX];
	size_t n = nhex / 2;

	if (nhex % 2 != 0 || n > sizeof(raw) || RAND_bytes(raw, (int)n) != 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[raw[i] >> 4];
		out[2 * i + 1] = digits[raw[i] & 0x0f];
	}
	out[nhex] = '\0';
	return 0;
}
