/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_types: the vocabulary the generated catalogue (bus_msgs.h) is written
 * in: field types, message kinds, and the descriptor tables the codec and
 * the access check walk.
 */
#ifndef MICROVS_BUS_TYPES_H
#define MICROVS_BUS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bus_ftype {
	BUS_FT_U64,
	BUS_FT_I64,
	BUS_FT_BOOL,
	BUS_FT_STR,
	BUS_FT_BIN,
	BUS_FT_STRV
};
enum bus_kind { BUS_KIND_CALL, BUS_KIND_REPLY, BUS_KIND_NOTIFY };

/* Field values.  In a message the bus decoded, the bus owns the memory
 * behind every pointer (bus_msg_free() frees it); in one a caller builds,
 * the caller does, and the bus only reads it. */
struct bus_bin {
	const uint8_t *data;
	size_t len;
};

struct bus_strv {
	const char *const *v;
	size_t n;
};

struct bus_field_desc {
	uint8_t num;
	const char *name;
	enum bus_ftype type;
	bool required;
	size_t offset;
};

struct bus_msg_desc {
	uint16_t id; /* 0 = no such message */
	const char *name;
	enum bus_kind kind;
	uint32_t senders, receivers; /* BUS_ROLE_* bits */
	const char *sender_names;    /* as the catalogue says: "admin vtepd" */
	uint16_t reply;		     /* a call: the reply it expects */
	size_t size;
	size_t present_offset;
	const struct bus_field_desc *fields;
	size_t n_fields;
};

/* Frees a decoded message of @type and what its fields point to (the
 * generated bus_msg_X_free() calls it).  NULL is fine. */
void bus_msg_free(unsigned type, void *msg);

#endif
