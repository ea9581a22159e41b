/*
 * fuzz_targets.h - the fuzz targets' functions: each checks one input and
 * returns 0 (a broken property aborts).  libFuzzer calls them through
 * FUZZ_TARGET(); tests/unit/test_fuzz_replay.c calls them on the kept
 * corpora.
 */
#ifndef FAL_FUZZ_TARGETS_H
#define FAL_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

int fuzz_batch(const uint8_t *data, size_t size);
int fuzz_config(const uint8_t *data, size_t size);
int fuzz_grape(const uint8_t *data, size_t size);
int fuzz_request(const uint8_t *data, size_t size);
int fuzz_xmlrpc(const uint8_t *data, size_t size);
int fuzz_ymcs(const uint8_t *data, size_t size);

#endif
