/*
 * mac.h - parsing the device's MAC address from the request path (SPEC §1.1)
 * and the notations the vendors want it in.
 */
#ifndef FAL_MAC_H
#define FAL_MAC_H

#include "err.h"

struct fal_mac {
	unsigned char octet[6];
	char upper12[13];  /* MAC12: "ACDE48234567" */
	char lower12[13];  /* mac12: "acde48234567" */
	char hyphen[18];   /* MAC-HYPHEN: "AC-DE-48-23-45-67" */
};

/*
 * Parses six groups of two hex digits (either case) separated all by '-'
 * or all by ':'.  Returns FAL_OK, FAL_ERR_MISSING_MAC for NULL or "", or
 * FAL_ERR_MALFORMED_MAC for anything else, including the all-zero,
 * broadcast and group (multicast) addresses.
 */
enum fal_err fal_mac_parse(const char *s, struct fal_mac *out);

#endif
