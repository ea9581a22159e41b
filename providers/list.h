/*
 * list.h - THE list of vendors, the only place one is named.  Each line
 * FAL_VENDOR(name, ID, KIND, CRC) is: the lower-case name of the API path,
 * the configuration key and (upper-cased) the variables' prefix; the id
 * FAL_<ID>; the protocol kind (FAL_KIND_<KIND>: XMLRPC needs rpc_url,
 * REST base_url, client_id and client_secret); and whether the vendor has
 * the `crc` query parameter and the disable_crc key.  Its implementation
 * is `const struct fal_provider fal_provider_<name>` in providers/.  The
 * order is SPEC §1.1's, that of GET /providers.
 *
 * From it come the provider id enum (here), the configuration rows and
 * the dispatch table (table.c).
 */
#ifndef FAL_LIST_H
#define FAL_LIST_H

#define FAL_VENDORS(FAL_VENDOR) \
	FAL_VENDOR(snom, SNOM, XMLRPC, false) \
	FAL_VENDOR(gigaset, GIGASET, XMLRPC, true) \
	FAL_VENDOR(fanvil, FANVIL, XMLRPC, false) \
	FAL_VENDOR(yealink, YEALINK, XMLRPC, false) \
	FAL_VENDOR(ymcs, YMCS, REST, false) \
	FAL_VENDOR(grape, GRAPE, REST, false) \
	FAL_VENDOR(sraps, SRAPS, REST, false)

#define FAL_VENDOR_ID(name, ID, KIND, CRC) FAL_##ID,

/* The vendors, in the order of the list. */
enum fal_provider_id {
	FAL_VENDORS(FAL_VENDOR_ID)
	FAL_PROVIDER__MAX
};

#undef FAL_VENDOR_ID

#endif
