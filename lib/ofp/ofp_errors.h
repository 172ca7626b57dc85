/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_errors: OpenFlow errors (enum ofperr) and their type and code in
 * each protocol version, including Open vSwitch's Nicira (NX) and ONF
 * extension errors, which travel as standard type/code pairs in OpenFlow
 * 1.0 and 1.1 and as experimenter errors from 1.2 on.
 *
 * Why not negative errno: a decoder's result is what the switch must
 * send back to the peer (type and code), a domain errno cannot express;
 * so the decoders of lib/ofp return enum ofperr, 0 for success.
 */
#ifndef MICROVS_OFP_ERRORS_H
#define MICROVS_OFP_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* clang-format off */
#define OFPERR_LIST(X)                                                     \
	X(OFPHFC_INCOMPATIBLE) X(OFPHFC_EPERM)                             \
	X(OFPBRC_BAD_VERSION) X(OFPBRC_BAD_TYPE) X(OFPBRC_BAD_STAT)        \
	X(OFPBRC_BAD_VENDOR) X(OFPBRC_BAD_SUBTYPE) X(OFPBRC_EPERM)         \
	X(OFPBRC_BAD_LEN) X(OFPBRC_BUFFER_EMPTY) X(OFPBRC_BUFFER_UNKNOWN)  \
	X(OFPBRC_BAD_TABLE_ID) X(OFPBRC_IS_SECONDARY) X(OFPBRC_BAD_PORT)       \
	X(OFPBRC_BAD_PACKET) X(OFPBRC_MULTIPART_BUFFER_OVERFLOW)           \
	X(OFPBRC_MULTIPART_REQUEST_TIMEOUT) X(OFPBRC_MULTIPART_REPLY_TIMEOUT) \
	X(OFPBRC_MULTIPART_BAD_SCHED) X(OFPBRC_PIPELINE_FIELDS_ONLY)      \
	X(NXBRC_NXM_INVALID) X(NXBRC_NXM_BAD_TYPE) X(NXBRC_MUST_BE_ZERO)   \
	X(NXBRC_BAD_REASON) X(NXBRC_FM_BAD_EVENT)                          \
	X(NXBRC_UNENCODABLE_ERROR)                                         \
	X(OFPBAC_BAD_TYPE) X(OFPBAC_BAD_LEN) X(OFPBAC_BAD_VENDOR)          \
	X(OFPBAC_BAD_VENDOR_TYPE) X(OFPBAC_BAD_OUT_PORT)                   \
	X(OFPBAC_BAD_ARGUMENT) X(OFPBAC_EPERM) X(OFPBAC_TOO_MANY)          \
	X(OFPBAC_BAD_QUEUE) X(OFPBAC_BAD_OUT_GROUP)                        \
	X(OFPBAC_MATCH_INCONSISTENT) X(OFPBAC_UNSUPPORTED_ORDER)           \
	X(OFPBAC_BAD_TAG) X(OFPBAC_BAD_SET_TYPE) X(OFPBAC_BAD_SET_LEN)     \
	X(OFPBAC_BAD_SET_ARGUMENT) X(OFPBAC_BAD_SET_MASK) X(OFPBAC_BAD_METER) \
	X(NXBAC_MUST_BE_ZERO) X(NXBAC_BAD_CONJUNCTION)                     \
	X(OFPBIC_UNKNOWN_INST) X(OFPBIC_UNSUP_INST) X(OFPBIC_BAD_TABLE_ID) \
	X(OFPBIC_UNSUP_METADATA) X(OFPBIC_UNSUP_METADATA_MASK)             \
	X(OFPBIC_BAD_EXPERIMENTER) X(OFPBIC_BAD_EXP_TYPE)                  \
	X(OFPBIC_BAD_LEN) X(OFPBIC_EPERM) X(OFPBIC_DUP_INST)               \
	X(OFPBMC_BAD_TYPE) X(OFPBMC_BAD_LEN) X(OFPBMC_BAD_TAG)             \
	X(OFPBMC_BAD_DL_ADDR_MASK) X(OFPBMC_BAD_NW_ADDR_MASK)              \
	X(OFPBMC_BAD_WILDCARDS) X(OFPBMC_BAD_FIELD) X(OFPBMC_BAD_VALUE)    \
	X(OFPBMC_BAD_MASK) X(OFPBMC_BAD_PREREQ) X(OFPBMC_DUP_FIELD)        \
	X(OFPBMC_EPERM)                                                    \
	X(OFPFMFC_UNKNOWN) X(OFPFMFC_TABLE_FULL) X(OFPFMFC_BAD_TABLE_ID)   \
	X(OFPFMFC_OVERLAP) X(OFPFMFC_EPERM) X(OFPFMFC_BAD_TIMEOUT)         \
	X(OFPFMFC_BAD_EMERG_TIMEOUT) X(OFPFMFC_BAD_COMMAND)                \
	X(OFPFMFC_BAD_FLAGS) X(OFPFMFC_UNSUPPORTED) X(NXFMFC_HARDWARE)     \
	X(OFPFMFC_CANT_SYNC) X(OFPFMFC_BAD_PRIORITY) X(OFPFMFC_IS_SYNC)    \
	X(NXFMFC_BAD_TABLE_ID)                                             \
	X(OFPGMFC_GROUP_EXISTS) X(OFPGMFC_INVALID_GROUP)                   \
	X(OFPGMFC_WEIGHT_UNSUPPORTED) X(OFPGMFC_OUT_OF_GROUPS)             \
	X(OFPGMFC_OUT_OF_BUCKETS) X(OFPGMFC_CHAINING_UNSUPPORTED)          \
	X(OFPGMFC_WATCH_UNSUPPORTED) X(OFPGMFC_LOOP)                       \
	X(OFPGMFC_UNKNOWN_GROUP) X(OFPGMFC_CHAINED_GROUP)                  \
	X(OFPGMFC_BAD_TYPE) X(OFPGMFC_BAD_COMMAND) X(OFPGMFC_BAD_BUCKET)   \
	X(OFPGMFC_BAD_WATCH) X(OFPGMFC_EPERM) X(OFPGMFC_UNKNOWN_BUCKET)    \
	X(OFPGMFC_BUCKET_EXISTS)                                           \
	X(OFPPMFC_BAD_PORT) X(OFPPMFC_BAD_HW_ADDR) X(OFPPMFC_BAD_CONFIG)   \
	X(OFPPMFC_BAD_ADVERTISE) X(OFPPMFC_EPERM)                          \
	X(OFPTMFC_BAD_TABLE) X(OFPTMFC_BAD_CONFIG) X(OFPTMFC_EPERM)        \
	X(OFPQOFC_BAD_PORT) X(OFPQOFC_BAD_QUEUE) X(OFPQOFC_EPERM)          \
	X(NXQOFC_QUEUE_ERROR)                                              \
	X(OFPSCFC_BAD_FLAGS) X(OFPSCFC_BAD_LEN) X(OFPSCFC_EPERM)           \
	X(OFPRRFC_STALE) X(OFPRRFC_UNSUP) X(OFPRRFC_BAD_ROLE)              \
	X(OFPRRFC_ID_UNSUP) X(OFPRRFC_ID_IN_USE)                           \
	X(OFPMMFC_UNKNOWN) X(OFPMMFC_METER_EXISTS)                         \
	X(OFPMMFC_INVALID_METER) X(OFPMMFC_UNKNOWN_METER)                  \
	X(OFPMMFC_BAD_COMMAND) X(OFPMMFC_BAD_FLAGS) X(OFPMMFC_BAD_RATE)    \
	X(OFPMMFC_BAD_BURST) X(OFPMMFC_BAD_BAND) X(OFPMMFC_BAD_BAND_VALUE) \
	X(OFPMMFC_OUT_OF_METERS) X(OFPMMFC_OUT_OF_BANDS)                   \
	X(OFPTFFC_BAD_TABLE) X(OFPTFFC_BAD_METADATA) X(OFPTFFC_EPERM)      \
	X(OFPTFFC_BAD_CAPA) X(OFPTFFC_BAD_MAX_ENT) X(OFPTFFC_BAD_FEATURES) \
	X(OFPTFFC_BAD_COMMAND) X(OFPTFFC_TOO_MANY)                         \
	X(OFPBPC_BAD_TYPE) X(OFPBPC_BAD_LEN) X(OFPBPC_BAD_VALUE)           \
	X(OFPBPC_TOO_MANY) X(OFPBPC_DUP_TYPE) X(OFPBPC_BAD_EXPERIMENTER)   \
	X(OFPBPC_BAD_EXP_TYPE) X(OFPBPC_BAD_EXP_VALUE) X(OFPBPC_EPERM)     \
	X(OFPACFC_INVALID) X(OFPACFC_UNSUPPORTED) X(OFPACFC_EPERM)         \
	X(OFPBFC_UNKNOWN) X(OFPBFC_EPERM) X(OFPBFC_BAD_ID)                 \
	X(OFPBFC_BUNDLE_EXIST) X(OFPBFC_BUNDLE_CLOSED)                     \
	X(OFPBFC_OUT_OF_BUNDLES) X(OFPBFC_BAD_TYPE) X(OFPBFC_BAD_FLAGS)    \
	X(OFPBFC_MSG_BAD_LEN) X(OFPBFC_MSG_BAD_XID) X(OFPBFC_MSG_UNSUP)    \
	X(OFPBFC_MSG_CONFLICT) X(OFPBFC_MSG_TOO_MANY) X(OFPBFC_MSG_FAILED) \
	X(OFPBFC_TIMEOUT) X(OFPBFC_BUNDLE_IN_PROGRESS)                     \
	X(OFPBFC_BAD_VERSION)                                              \
	X(OFPMOFC_UNKNOWN) X(OFPMOFC_MONITOR_EXISTS)                       \
	X(OFPMOFC_INVALID_MONITOR) X(OFPMOFC_UNKNOWN_MONITOR)              \
	X(OFPMOFC_BAD_COMMAND) X(OFPMOFC_BAD_FLAGS)                        \
	X(OFPMOFC_BAD_TABLE_ID) X(OFPMOFC_BAD_OUT)                         \
	X(NXTTMFC_BAD_COMMAND) X(NXTTMFC_BAD_OPT_LEN)                      \
	X(NXTTMFC_BAD_FIELD_IDX) X(NXTTMFC_TABLE_FULL)                     \
	X(NXTTMFC_ALREADY_MAPPED) X(NXTTMFC_DUP_ENTRY) X(NXR_NOT_SUPPORTED) \
	X(NXR_STALE) X(NXST_NOT_CONFIGURED) X(NXFMFC_INVALID_TLV_FIELD)    \
	X(NXTTMFC_INVALID_TLV_DEL) X(NXBAC_BAD_HEADER_TYPE)                \
	X(NXBAC_UNKNOWN_ED_PROP) X(NXBAC_BAD_ED_PROP)                      \
	X(NXBAC_CT_DATAPATH_SUPPORT) X(NXBMC_CT_DATAPATH_SUPPORT)          \
	X(NXTFFC_DUP_TABLE)
/* clang-format on */

enum ofperr {
	OFPERR_NONE = 0,
#define OFPERR_ENUM(NAME) OFPERR_##NAME,
	OFPERR_LIST(OFPERR_ENUM)
#undef OFPERR_ENUM
		OFPERR_N
};

#define NX_VENDOR_ID 0x00002320u
#define ONF_VENDOR_ID 0x4f4e4600u
#define OFPET_EXPERIMENTER 0xffff

/* "OFPBRC_BAD_LEN"; "<invalid>" for anything else. */
const char *ofperr_name(enum ofperr e);
/* The error named @name ("OFPBAC_BAD_OUT_PORT"), or OFPERR_NONE. */
enum ofperr ofperr_from_name(const char *name);

/* How @e travels in OpenFlow @version: a standard (type, code) with
 * *@vendor 0, an experimenter error (type OFPET_EXPERIMENTER, code =
 * experimenter type, *@vendor set), or, in OpenFlow 1.0 and 1.1, a
 * Nicira vendor error (*@vendor NX_VENDOR_ID, a type other than
 * OFPET_EXPERIMENTER: Open vSwitch's own codes, and errors those
 * versions lack, with a later version's type and code).  Returns false
 * if @version has no encoding. */
bool ofperr_encoding(enum ofperr e, uint8_t version, uint16_t *type,
		     uint16_t *code, uint32_t *vendor);

/* The error (type, code, vendor) means in @version (vendor 0 for a
 * standard error), or OFPERR_NONE if it is not one Open vSwitch knows. */
enum ofperr ofperr_decode(uint8_t version, uint16_t type, uint16_t code,
			  uint32_t vendor);

/* The error to send when @e cannot be said in @version (Open vSwitch
 * falls back to NXBRC_UNENCODABLE_ERROR, then OFPBRC_EPERM). */
enum ofperr ofperr_encodable(enum ofperr e, uint8_t version);

#endif
