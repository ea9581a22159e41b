/*
 * device.h - "do this to this device at this vendor": the interface every
 * vendor implements (struct fal_provider) and the one entry point that
 * calls it (fal_device_do).  The HTTP API and the batch runner both go
 * through fal_device_do; this library knows no vendor, only the table
 * entry it is handed (providers/table.h has them).
 */
#ifndef FAL_DEVICE_H
#define FAL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "err.h"
#include "http.h"
#include "mac.h"

enum fal_action {
	FAL_ACTION_REGISTER,
	FAL_ACTION_DEREGISTER,
	FAL_ACTION_LOOKUP,
	FAL_ACTION__MAX
};

/* Where a lookup found the device (SPEC §1.8). */
enum fal_lookup_state {
	FAL_LOOKUP_REGISTERED,
	FAL_LOOKUP_NOT_REGISTERED,
	FAL_LOOKUP_ELSEWHERE
};

/* The device an action names, already validated. */
struct fal_device {
	struct fal_mac mac;
	const char *url;   /* register: the URL as vendors get it, %25 sent as % */
	const char *sent_url; /* register: the URL exactly as the client sent it */
	const char *sn;    /* ymcs: serial number, or NULL */
	char crc[5];       /* gigaset: upper-case check code, "" when unused */
};

/* What one action came to: the one place its result travels. */
struct fal_outcome {
	struct fal_error err;        /* .code FAL_OK on success */
	bool has_pin;                /* register answered a device PIN (ymcs) */
	char pin[64];
	enum fal_lookup_state lookup_state;
	char *lookup_url;            /* malloc'd; NULL unless registered */
	long vendor_ms;              /* time spent in vendor calls */
	long retry_after_ms;         /* Retry-After of the last answer, -1 if none */
};

/* One vendor action in progress: what it may use and where it answers. */
struct fal_call {
	const struct fal_provider_conf *conf;  /* this vendor's settings */
	struct fal_http *http;                 /* the worker's client */
	struct fal_error *err;                 /* set on failure (&out->err) */
	struct fal_outcome *out;               /* PIN, lookup result */
};

/* One operation of a vendor on a device; FAL_OK or the error set in call->err. */
typedef enum fal_err (*fal_device_op)(struct fal_call *call,
				      const struct fal_device *dev);

/* The operations of one vendor; its name and id come from the vendor list. */
struct fal_provider {
	bool uses_sn;       /* validates body `sn` */
	bool answers_pin;   /* register success answers {"device_pin":...} */
	/* Optional: derives values from conf once at start; 0 or -1 (errbuf). */
	int (*prepare)(struct fal_provider_conf *conf, char *errbuf, size_t len);
	fal_device_op do_register;    /* stores dev->url for dev */
	fal_device_op do_deregister;  /* removes it; an unknown device is a success */
	fal_device_op do_lookup;      /* sets out->lookup_*; changes nothing */
};

/*
 * Does action to dev at vendor p (settings conf) over the worker's http,
 * every vendor call bounded by guard (may be NULL: timeout_ms per call).
 * Fills out (always; free it with fal_outcome_free) and returns
 * out->err.code.  An action p does not implement is
 * FAL_ERR_METHOD_NOT_ALLOWED.
 */
enum fal_err fal_device_do(const struct fal_provider *p,
			   const struct fal_provider_conf *conf,
			   struct fal_http *http, const struct fal_guard *guard,
			   enum fal_action action, const struct fal_device *dev,
			   struct fal_outcome *out);

/* Frees what out holds (lookup_url). */
void fal_outcome_free(struct fal_outcome *out);

/* The wire word of a lookup state (SPEC §1.8): "registered", ... */
const char *fal_lookup_state_word(enum fal_lookup_state s);

#endif
