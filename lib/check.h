/*
 * check.h - the checks of SPEC §1.1 on a value that are not parsing a MAC
 * or a URL (mac.h, url.h): the serial number and Gigaset's check code.
 * Shared by the single-device API and batches, so both refuse alike.
 */
#ifndef FAL_CHECK_H
#define FAL_CHECK_H

#include "err.h"

/*
 * FAL_OK when sn is 1-64 printable ASCII characters, else
 * FAL_ERR_MALFORMED_SERIAL.
 */
enum fal_err fal_sn_check(const char *sn);

/*
 * Checks a decoded crc value (may be NULL): FAL_OK with the 4
 * alphanumerics upper-cased into out, FAL_ERR_MISSING_CRC when NULL or
 * "", FAL_ERR_INVALID_CRC otherwise (out is then "").
 */
enum fal_err fal_crc_check(const char *value, char out[5]);

#endif
