/*
 * ymcs_headers.c - the common headers of every YMCS request (SPEC §2.2),
 * the token's included: JSON content type and accept, a `timestamp`
 * (Unix milliseconds) and a `nonce` (32 hex digits from the CSPRNG, new
 * for every request, retries included).
 */
#include "ymcs_headers.h"

#include <stdio.h>
#include <time.h>

#include "../lib/nonce.h"

#define YMCS_NONCE_HEX 32

int
fal_ymcs_headers(char lines[4][FAL_YMCS_HEADER_MAX])
{
	char nonce[YMCS_NONCE_HEX + 1];
	struct timespec ts;

	if (fal_nonce_hex(nonce, YMCS_NONCE_HEX) != 0)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(lines[0], FAL_YMCS_HEADER_MAX, "Content-Type: application/json");
	snprintf(lines[1], FAL_YMCS_HEADER_MAX, "Accept: application/json");
	snprintf(lines[2], FAL_YMCS_HEADER_MAX, "timestamp: %lld",
		 (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	snprintf(lines[3], FAL_YMCS_HEADER_MAX, "nonce: %s", nonce);
	return 0;
}

