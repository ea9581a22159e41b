/*
 * ymcs_headers.h - the headers every YMCS request carries (SPEC §2.2),
 * used by the token fetch and by the API calls alike.
 */
#ifndef FAL_YMCS_HEADERS_H
#define FAL_YMCS_HEADERS_H

/* Room for one of the common header lines of a call. */
#define FAL_YMCS_HEADER_MAX 64

/*
 * The common headers of a call ("Content-Type", "Accept", "timestamp",
 * "nonce") into lines[0..3], each of size FAL_YMCS_HEADER_MAX.  Returns 0,
 * or -1 when the CSPRNG fails.
 */
int fal_ymcs_headers(char lines[4][FAL_YMCS_HEADER_MAX]);

#endif
