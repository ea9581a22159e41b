/*
 * batch.h - the vocabulary of batches (SPEC §6): actions, batch and device
 * states with their wire names, the batch object, a device to store and a
 * device as stored.  Shared by the parser, the stores, the runner and the
 * API, so that no name is typed twice.
 */
#ifndef FAL_BATCH_H
#define FAL_BATCH_H

#include <stdbool.h>

#include "../lib/config.h"
#include "../providers/list.h"

/* Most devices in one batch (SPEC §6.1). */
#define FAL_BATCH_MAX_DEVICES 100000

/* Largest batch body (SPEC §6.1): 16 MiB. */
#define FAL_BATCH_BODY_MAX (16L * 1024 * 1024)

enum fal_batch_action {
	FAL_BATCH_REGISTER,    /* register: as PUT */
	FAL_BATCH_DEREGISTER,  /* deregister: as DELETE */
	FAL_BATCH_CHECK,       /* check: as GET /providers/{p}/{mac} */
	FAL_BATCH_ACTION__MAX
};

enum fal_batch_state {
	FAL_BATCH_QUEUED,
	FAL_BATCH_RUNNING,
	FAL_BATCH_DONE,
	FAL_BATCH_CANCELLED,
	FAL_BATCH_STATE__MAX
};

enum fal_dev_state {
	FAL_DEV_PENDING,
	FAL_DEV_SUCCEEDED,
	FAL_DEV_FAILED,
	FAL_DEV_STATE__MAX
};

/* The batch object of SPEC §6.2; times in ms since the epoch. */
struct fal_batch {
	char id[17];
	enum fal_batch_action action;
	enum fal_batch_state state;
	long total, pending, succeeded, failed;
	long long created_ms, updated_ms;
	long long finished_ms;   /* -1 while not finished */
};

/* One validated device of a new batch. */
struct fal_batch_row {
	long row;       /* 1-based, in the order given */
	enum fal_provider_id provider;
	char mac[18];   /* MAC-HYPHEN */
	char *url;      /* register only, else NULL */
	char *sn;       /* ymcs only, else NULL */
	char crc[5];    /* gigaset with crc, else "" */
};

/* One device as stored (SPEC §6.3); strings valid during a callback. */
struct fal_batch_device {
	long row;
	enum fal_provider_id provider;
	const char *mac;
	enum fal_dev_state state;
	const char *error;         /* §1.1 code of the last outcome, or NULL */
	const char *message;       /* or NULL */
	long attempts;
	const char *device_pin;    /* or NULL */
	const char *lookup_state;  /* check batches, or NULL */
	const char *lookup_url;    /* or NULL */
};

/* Wire names; NULL when out of range. */
const char *fal_batch_action_name(enum fal_batch_action a);
const char *fal_batch_state_name(enum fal_batch_state s);
const char *fal_dev_state_name(enum fal_dev_state s);

/* Enum of a wire name; the __MAX value when unknown (name may be NULL). */
enum fal_batch_action fal_batch_action_parse(const char *name);
enum fal_batch_state fal_batch_state_parse(const char *name);
enum fal_dev_state fal_dev_state_parse(const char *name);

/*
 * Formats ms since the epoch as UTC RFC 3339 with a Z
 * ("2026-12-02T10:00:00Z") into out (21 bytes).
 */
void fal_batch_time(long long ms, char out[21]);

#endif
