/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_codec: msgpack encoding and strict decoding of catalogue messages
 * (STYLE.md rule 4).  The envelope is [version, type, request-id, body];
 * the body is a map keyed by field number.  Everything is driven by the
 * descriptor tables generated from catalogue.txt.
 */
#ifndef MICROVS_BUS_CODEC_H
#define MICROVS_BUS_CODEC_H

#include "bus_msgs.h"

#define BUS_VERSION 1
/* Largest message the bus accepts (also nng's receive limit). */
#define BUS_MAX_MSG (16u << 20)

extern const struct bus_msg_desc bus_msg_descs[BUS_MSG_MAX];

/* The descriptor of message @type, or NULL if the catalogue has none. */
const struct bus_msg_desc *bus_msg_desc(unsigned type);
/* The log name of @type ("appctl_call"), or "unknown". */
const char *bus_msg_name(unsigned type);

/* Sets field @num present in @msg (a struct bus_msg_X of @type), and tells
 * whether it is: for code that walks the descriptors (the codec tests).
 * Everyone else uses the generated bus_msg_X_set_F() and _has_F(). */
void bus_msg_set_present(unsigned type, void *msg, unsigned num);
bool bus_msg_has(unsigned type, const void *msg, unsigned num);

/* Encodes @msg (struct bus_msg_X for @type) with @reqid into a malloc'd
 * buffer *@bufp of *@lenp bytes.  Required fields must be set; optional
 * ones are encoded when present (strings: non-NULL).  0 or -EINVAL. */
int bus_encode(unsigned type, uint64_t reqid, const void *msg, void **bufp,
	       size_t *lenp);

/* Decodes @buf.  On success returns 0, sets *@typep, *@reqidp and *@msgp (a
 * malloc'd struct the caller frees with bus_msg_free).  Errors:
 *   -EBADMSG  malformed: not msgpack, truncated, trailing bytes, wrong
 *             envelope, wrong field type, duplicate key, missing required
 *             field, string with NUL;
 *   -EPROTO   unsupported envelope version;
 *   -ENOMSG   well-formed but unknown message type (*@typep, *@reqidp set);
 *   -EMSGSIZE larger than BUS_MAX_MSG.
 * Unknown field numbers are skipped. */
int bus_decode(const void *buf, size_t len, unsigned *typep, uint64_t *reqidp,
	       void **msgp);

/* The errno an error reply carries: its err when that is a negative
 * errno, else -EPROTO (a peer that breaks the contract).  *@why, when @why
 * is not NULL, is the reply's message, or strerror()'s text if it has none
 * (borrowed: valid while @e and the returned string are).  Every caller
 * of the bus turns error replies into errnos with this, through the
 * generated bus_call_X() wrappers. */
int bus_error_errno(const struct bus_msg_error *e, const char **why);

/* Short human-readable rendering of @msg for the trace log. */
void bus_msg_format(unsigned type, const void *msg, char *buf, size_t size);

#endif
