/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_msg: OpenFlow message framing for versions 1.0 to 1.5: the header,
 * the table of every message kind ("raw" types: a message's exact wire
 * form, e.g. OFPT10_FLOW_MOD versus NXT_FLOW_MOD versus OFPT11_FLOW_MOD)
 * and their meanings (enum ofptype, many raws to one type), the checks
 * of a message's length against its kind, multipart headers and flags,
 * hello version bitmaps and version negotiation, and warnings.
 *
 * Decoding never trusts a length inside a message beyond the bytes
 * given: ofp_msg_decode() takes the exact message (the framing layer has
 * read header.length bytes) and rejects one whose kind is unknown
 * (OFPBRC_BAD_TYPE, _BAD_STAT, _BAD_VENDOR, _BAD_SUBTYPE), whose version
 * has no such kind (OFPBRC_BAD_TYPE) or whose length does not fit the
 * kind (OFPBRC_BAD_LEN), with Open vSwitch's warning text.
 */
#ifndef MICROVS_OFP_MSG_H
#define MICROVS_OFP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp_buf.h"
#include "ofp_errors.h"

#define OFP10_VERSION 0x01
#define OFP11_VERSION 0x02
#define OFP12_VERSION 0x03
#define OFP13_VERSION 0x04
#define OFP14_VERSION 0x05
#define OFP15_VERSION 0x06
#define OFP_MIN_VERSION OFP10_VERSION
#define OFP_MAX_VERSION OFP15_VERSION

#define OFP_HEADER_LEN 8
#define OFP_MAX_MSG_LEN 65535
#define OFPT_VENDOR 4
#define OFPSF_REPLY_MORE 0x0001
#define OFP_NO_BUFFER 0xffffffffu

/* clang-format off */
/* Every message kind: X(RAW, TYPE, NAME, KIND, NUMBER, MIN, MAX, BODY,
 * MULTIPLE).  KIND is T (OFPT), ST (multipart request), SR (multipart
 * reply), NXT, NXST/NXSR (Nicira multipart), ONFT; NUMBER the message
 * type, multipart type or vendor subtype; MIN..MAX the versions; BODY
 * the fixed body length after all headers and MULTIPLE how the rest may
 * grow (0: no more, 1: any bytes, N: whole multiples of N). */
#define OFPRAW_LIST(X)                                                        \
	X(HELLO, HELLO, "OFPT_HELLO", T, 0, 1, 255, 0, 1)                     \
	X(ERROR, ERROR, "OFPT_ERROR", T, 1, 1, 255, 4, 1)                     \
	X(ECHO_REQUEST, ECHO_REQUEST, "OFPT_ECHO_REQUEST", T, 2, 1, 255, 0, 1) \
	X(ECHO_REPLY, ECHO_REPLY, "OFPT_ECHO_REPLY", T, 3, 1, 255, 0, 1)      \
	X(FEATURES_REQUEST, FEATURES_REQUEST, "OFPT_FEATURES_REQUEST", T, 5, 1, 6, 0, 0) \
	X(OFPT10_FEATURES_REPLY, FEATURES_REPLY, "OFPT_FEATURES_REPLY", T, 6, 1, 1, 24, 48) \
	X(OFPT11_FEATURES_REPLY, FEATURES_REPLY, "OFPT_FEATURES_REPLY", T, 6, 2, 3, 24, 64) \
	X(OFPT13_FEATURES_REPLY, FEATURES_REPLY, "OFPT_FEATURES_REPLY", T, 6, 4, 6, 24, 0) \
	X(GET_CONFIG_REQUEST, GET_CONFIG_REQUEST, "OFPT_GET_CONFIG_REQUEST", T, 7, 1, 6, 0, 0) \
	X(GET_CONFIG_REPLY, GET_CONFIG_REPLY, "OFPT_GET_CONFIG_REPLY", T, 8, 1, 6, 4, 0) \
	X(SET_CONFIG, SET_CONFIG, "OFPT_SET_CONFIG", T, 9, 1, 6, 4, 0)        \
	X(OFPT10_PACKET_IN, PACKET_IN, "OFPT_PACKET_IN", T, 10, 1, 1, 10, 1)  \
	X(OFPT11_PACKET_IN, PACKET_IN, "OFPT_PACKET_IN", T, 10, 2, 2, 16, 1)  \
	X(OFPT12_PACKET_IN, PACKET_IN, "OFPT_PACKET_IN", T, 10, 3, 3, 8, 1)   \
	X(OFPT13_PACKET_IN, PACKET_IN, "OFPT_PACKET_IN", T, 10, 4, 6, 16, 1)  \
	X(NXT_PACKET_IN, PACKET_IN, "NXT_PACKET_IN", NXT, 17, 1, 6, 24, 1)    \
	X(NXT_PACKET_IN2, PACKET_IN, "NXT_PACKET_IN2", NXT, 30, 1, 6, 0, 8)   \
	X(OFPT10_FLOW_REMOVED, FLOW_REMOVED, "OFPT_FLOW_REMOVED", T, 11, 1, 1, 80, 0) \
	X(OFPT11_FLOW_REMOVED, FLOW_REMOVED, "OFPT_FLOW_REMOVED", T, 11, 2, 5, 40, 8) \
	X(OFPT15_FLOW_REMOVED, FLOW_REMOVED, "OFPT_FLOW_REMOVED", T, 11, 6, 6, 16, 8) \
	X(NXT_FLOW_REMOVED, FLOW_REMOVED, "NXT_FLOW_REMOVED", NXT, 14, 1, 6, 40, 8) \
	X(OFPT10_PORT_STATUS, PORT_STATUS, "OFPT_PORT_STATUS", T, 12, 1, 1, 56, 0) \
	X(OFPT11_PORT_STATUS, PORT_STATUS, "OFPT_PORT_STATUS", T, 12, 2, 4, 72, 0) \
	X(OFPT14_PORT_STATUS, PORT_STATUS, "OFPT_PORT_STATUS", T, 12, 5, 6, 48, 8) \
	X(OFPT10_PACKET_OUT, PACKET_OUT, "OFPT_PACKET_OUT", T, 13, 1, 1, 8, 1) \
	X(OFPT11_PACKET_OUT, PACKET_OUT, "OFPT_PACKET_OUT", T, 13, 2, 5, 16, 1) \
	X(OFPT15_PACKET_OUT, PACKET_OUT, "OFPT_PACKET_OUT", T, 13, 6, 6, 8, 1) \
	X(OFPT10_FLOW_MOD, FLOW_MOD, "OFPT_FLOW_MOD", T, 14, 1, 1, 64, 8)     \
	X(OFPT11_FLOW_MOD, FLOW_MOD, "OFPT_FLOW_MOD", T, 14, 2, 6, 40, 8)     \
	X(NXT_FLOW_MOD, FLOW_MOD, "NXT_FLOW_MOD", NXT, 13, 1, 6, 32, 8)       \
	X(OFPT11_GROUP_MOD, GROUP_MOD, "OFPT_GROUP_MOD", T, 15, 2, 5, 8, 8)   \
	X(OFPT15_GROUP_MOD, GROUP_MOD, "OFPT_GROUP_MOD", T, 15, 6, 6, 16, 8)  \
	X(OFPT10_PORT_MOD, PORT_MOD, "OFPT_PORT_MOD", T, 15, 1, 1, 24, 0)     \
	X(OFPT11_PORT_MOD, PORT_MOD, "OFPT_PORT_MOD", T, 16, 2, 4, 32, 0)     \
	X(OFPT14_PORT_MOD, PORT_MOD, "OFPT_PORT_MOD", T, 16, 5, 6, 24, 8)     \
	X(OFPT11_TABLE_MOD, TABLE_MOD, "OFPT_TABLE_MOD", T, 17, 2, 4, 8, 0)   \
	X(OFPT14_TABLE_MOD, TABLE_MOD, "OFPT_TABLE_MOD", T, 17, 5, 6, 8, 8)   \
	X(OFPT10_BARRIER_REQUEST, BARRIER_REQUEST, "OFPT_BARRIER_REQUEST", T, 18, 1, 1, 0, 0) \
	X(OFPT11_BARRIER_REQUEST, BARRIER_REQUEST, "OFPT_BARRIER_REQUEST", T, 20, 2, 6, 0, 0) \
	X(OFPT10_BARRIER_REPLY, BARRIER_REPLY, "OFPT_BARRIER_REPLY", T, 19, 1, 1, 0, 0) \
	X(OFPT11_BARRIER_REPLY, BARRIER_REPLY, "OFPT_BARRIER_REPLY", T, 21, 2, 6, 0, 0) \
	X(OFPT10_QUEUE_GET_CONFIG_REQUEST, QUEUE_GET_CONFIG_REQUEST, "OFPT_QUEUE_GET_CONFIG_REQUEST", T, 20, 1, 1, 4, 0) \
	X(OFPT11_QUEUE_GET_CONFIG_REQUEST, QUEUE_GET_CONFIG_REQUEST, "OFPT_QUEUE_GET_CONFIG_REQUEST", T, 22, 2, 4, 8, 0) \
	X(OFPT10_QUEUE_GET_CONFIG_REPLY, QUEUE_GET_CONFIG_REPLY, "OFPT_QUEUE_GET_CONFIG_REPLY", T, 21, 1, 1, 8, 8) \
	X(OFPT11_QUEUE_GET_CONFIG_REPLY, QUEUE_GET_CONFIG_REPLY, "OFPT_QUEUE_GET_CONFIG_REPLY", T, 23, 2, 4, 8, 8) \
	X(OFPT12_ROLE_REQUEST, ROLE_REQUEST, "OFPT_ROLE_REQUEST", T, 24, 3, 6, 16, 0) \
	X(NXT_ROLE_REQUEST, ROLE_REQUEST, "NXT_ROLE_REQUEST", NXT, 10, 1, 6, 4, 0) \
	X(OFPT12_ROLE_REPLY, ROLE_REPLY, "OFPT_ROLE_REPLY", T, 25, 3, 6, 16, 0) \
	X(NXT_ROLE_REPLY, ROLE_REPLY, "NXT_ROLE_REPLY", NXT, 11, 1, 6, 4, 0)  \
	X(OFPT13_GET_ASYNC_REQUEST, GET_ASYNC_REQUEST, "OFPT_GET_ASYNC_REQUEST", T, 26, 4, 6, 0, 0) \
	X(OFPT13_GET_ASYNC_REPLY, GET_ASYNC_REPLY, "OFPT_GET_ASYNC_REPLY", T, 27, 4, 4, 24, 0) \
	X(OFPT14_GET_ASYNC_REPLY, GET_ASYNC_REPLY, "OFPT_GET_ASYNC_REPLY", T, 27, 5, 6, 0, 8) \
	X(OFPT13_SET_ASYNC, SET_ASYNC_CONFIG, "OFPT_SET_ASYNC", T, 28, 4, 4, 24, 0) \
	X(OFPT14_SET_ASYNC, SET_ASYNC_CONFIG, "OFPT_SET_ASYNC", T, 28, 5, 6, 0, 8) \
	X(NXT_SET_ASYNC_CONFIG, SET_ASYNC_CONFIG, "NXT_SET_ASYNC_CONFIG", NXT, 19, 1, 6, 24, 0) \
	X(OFPT13_METER_MOD, METER_MOD, "OFPT_METER_MOD", T, 29, 4, 6, 8, 8)   \
	X(OFPT14_ROLE_STATUS, ROLE_STATUS, "OFPT_ROLE_STATUS", T, 30, 5, 6, 16, 8) \
	X(OFPT14_TABLE_STATUS, TABLE_STATUS, "OFPT_TABLE_STATUS", T, 31, 5, 6, 16, 8) \
	X(OFPT14_REQUESTFORWARD, REQUESTFORWARD, "OFPT_REQUESTFORWARD", T, 32, 5, 6, 8, 8) \
	X(OFPT14_BUNDLE_CONTROL, BUNDLE_CONTROL, "OFPT_BUNDLE_CONTROL", T, 33, 5, 6, 8, 8) \
	X(ONFT13_BUNDLE_CONTROL, BUNDLE_CONTROL, "ONFT_BUNDLE_CONTROL", ONFT, 2300, 4, 4, 8, 8) \
	X(OFPT14_BUNDLE_ADD_MESSAGE, BUNDLE_ADD_MESSAGE, "OFPT_BUNDLE_ADD_MESSAGE", T, 34, 5, 6, 8, 1) \
	X(ONFT13_BUNDLE_ADD_MESSAGE, BUNDLE_ADD_MESSAGE, "ONFT_BUNDLE_ADD_MESSAGE", ONFT, 2301, 4, 4, 8, 1) \
	X(DESC_REQUEST, DESC_STATS_REQUEST, "OFPST_DESC request", ST, 0, 1, 6, 0, 0) \
	X(DESC_REPLY, DESC_STATS_REPLY, "OFPST_DESC reply", SR, 0, 1, 6, 1056, 0) \
	X(OFPST10_FLOW_REQUEST, FLOW_STATS_REQUEST, "OFPST_FLOW request", ST, 1, 1, 1, 44, 0) \
	X(OFPST11_FLOW_REQUEST, FLOW_STATS_REQUEST, "OFPST_FLOW request", ST, 1, 2, 6, 32, 8) \
	X(NXST_FLOW_REQUEST, FLOW_STATS_REQUEST, "NXST_FLOW request", NXST, 0, 1, 1, 8, 8) \
	X(OFPST10_FLOW_REPLY, FLOW_STATS_REPLY, "OFPST_FLOW reply", SR, 1, 1, 1, 0, 1) \
	X(OFPST11_FLOW_REPLY, FLOW_STATS_REPLY, "OFPST_FLOW reply", SR, 1, 2, 3, 0, 1) \
	X(OFPST13_FLOW_REPLY, FLOW_STATS_REPLY, "OFPST_FLOW reply", SR, 1, 4, 5, 0, 1) \
	X(OFPST15_FLOW_REPLY, FLOW_STATS_REPLY, "OFPST_FLOW reply", SR, 1, 6, 6, 0, 1) \
	X(NXST_FLOW_REPLY, FLOW_STATS_REPLY, "NXST_FLOW reply", NXSR, 0, 1, 1, 0, 1) \
	X(OFPST10_AGGREGATE_REQUEST, AGGREGATE_STATS_REQUEST, "OFPST_AGGREGATE request", ST, 2, 1, 1, 44, 0) \
	X(OFPST11_AGGREGATE_REQUEST, AGGREGATE_STATS_REQUEST, "OFPST_AGGREGATE request", ST, 2, 2, 6, 32, 8) \
	X(NXST_AGGREGATE_REQUEST, AGGREGATE_STATS_REQUEST, "NXST_AGGREGATE request", NXST, 1, 1, 1, 8, 8) \
	X(AGGREGATE_REPLY, AGGREGATE_STATS_REPLY, "OFPST_AGGREGATE reply", SR, 2, 1, 5, 24, 0) \
	X(OFPST15_AGGREGATE_REPLY, AGGREGATE_STATS_REPLY, "OFPST_AGGREGATE reply", SR, 2, 6, 6, 0, 8) \
	X(NXST_AGGREGATE_REPLY, AGGREGATE_STATS_REPLY, "NXST_AGGREGATE reply", NXSR, 1, 1, 1, 24, 0) \
	X(TABLE_REQUEST, TABLE_STATS_REQUEST, "OFPST_TABLE request", ST, 3, 1, 6, 0, 0) \
	X(OFPST10_TABLE_REPLY, TABLE_STATS_REPLY, "OFPST_TABLE reply", SR, 3, 1, 1, 0, 64) \
	X(OFPST11_TABLE_REPLY, TABLE_STATS_REPLY, "OFPST_TABLE reply", SR, 3, 2, 2, 0, 88) \
	X(OFPST12_TABLE_REPLY, TABLE_STATS_REPLY, "OFPST_TABLE reply", SR, 3, 3, 3, 0, 128) \
	X(OFPST13_TABLE_REPLY, TABLE_STATS_REPLY, "OFPST_TABLE reply", SR, 3, 4, 6, 0, 24) \
	X(OFPST10_PORT_REQUEST, PORT_STATS_REQUEST, "OFPST_PORT request", ST, 4, 1, 1, 8, 0) \
	X(OFPST11_PORT_REQUEST, PORT_STATS_REQUEST, "OFPST_PORT request", ST, 4, 2, 6, 8, 0) \
	X(OFPST10_PORT_REPLY, PORT_STATS_REPLY, "OFPST_PORT reply", SR, 4, 1, 1, 0, 104) \
	X(OFPST11_PORT_REPLY, PORT_STATS_REPLY, "OFPST_PORT reply", SR, 4, 2, 3, 0, 104) \
	X(OFPST13_PORT_REPLY, PORT_STATS_REPLY, "OFPST_PORT reply", SR, 4, 4, 4, 0, 112) \
	X(OFPST14_PORT_REPLY, PORT_STATS_REPLY, "OFPST_PORT reply", SR, 4, 5, 6, 0, 8) \
	X(OFPST10_QUEUE_REQUEST, QUEUE_STATS_REQUEST, "OFPST_QUEUE request", ST, 5, 1, 1, 8, 0) \
	X(OFPST11_QUEUE_REQUEST, QUEUE_STATS_REQUEST, "OFPST_QUEUE request", ST, 5, 2, 6, 8, 0) \
	X(OFPST10_QUEUE_REPLY, QUEUE_STATS_REPLY, "OFPST_QUEUE reply", SR, 5, 1, 1, 0, 32) \
	X(OFPST11_QUEUE_REPLY, QUEUE_STATS_REPLY, "OFPST_QUEUE reply", SR, 5, 2, 3, 0, 32) \
	X(OFPST13_QUEUE_REPLY, QUEUE_STATS_REPLY, "OFPST_QUEUE reply", SR, 5, 4, 4, 0, 40) \
	X(OFPST14_QUEUE_REPLY, QUEUE_STATS_REPLY, "OFPST_QUEUE reply", SR, 5, 5, 6, 0, 8) \
	X(OFPST11_GROUP_REQUEST, GROUP_STATS_REQUEST, "OFPST_GROUP request", ST, 6, 2, 6, 8, 0) \
	X(OFPST11_GROUP_REPLY, GROUP_STATS_REPLY, "OFPST_GROUP reply", SR, 6, 2, 3, 0, 8) \
	X(OFPST13_GROUP_REPLY, GROUP_STATS_REPLY, "OFPST_GROUP reply", SR, 6, 4, 6, 0, 8) \
	X(OFPST11_GROUP_DESC_REQUEST, GROUP_DESC_STATS_REQUEST, "OFPST_GROUP_DESC request", ST, 7, 2, 5, 0, 0) \
	X(OFPST15_GROUP_DESC_REQUEST, GROUP_DESC_STATS_REQUEST, "OFPST_GROUP_DESC request", ST, 7, 6, 6, 8, 0) \
	X(OFPST11_GROUP_DESC_REPLY, GROUP_DESC_STATS_REPLY, "OFPST_GROUP_DESC reply", SR, 7, 2, 6, 0, 8) \
	X(OFPST12_GROUP_FEATURES_REQUEST, GROUP_FEATURES_STATS_REQUEST, "OFPST_GROUP_FEATURES request", ST, 8, 3, 6, 0, 0) \
	X(OFPST12_GROUP_FEATURES_REPLY, GROUP_FEATURES_STATS_REPLY, "OFPST_GROUP_FEATURES reply", SR, 8, 3, 6, 40, 0) \
	X(OFPST13_METER_REQUEST, METER_STATS_REQUEST, "OFPST_METER request", ST, 9, 4, 6, 8, 0) \
	X(OFPST13_METER_REPLY, METER_STATS_REPLY, "OFPST_METER reply", SR, 9, 4, 6, 0, 8) \
	X(OFPST13_METER_CONFIG_REQUEST, METER_CONFIG_STATS_REQUEST, "OFPST_METER_CONFIG request", ST, 10, 4, 6, 8, 0) \
	X(OFPST13_METER_CONFIG_REPLY, METER_CONFIG_STATS_REPLY, "OFPST_METER_CONFIG reply", SR, 10, 4, 6, 0, 8) \
	X(OFPST13_METER_FEATURES_REQUEST, METER_FEATURES_STATS_REQUEST, "OFPST_METER_FEATURES request", ST, 11, 4, 6, 0, 0) \
	X(OFPST13_METER_FEATURES_REPLY, METER_FEATURES_STATS_REPLY, "OFPST_METER_FEATURES reply", SR, 11, 4, 6, 16, 0) \
	X(OFPST13_TABLE_FEATURES_REQUEST, TABLE_FEATURES_STATS_REQUEST, "OFPST_TABLE_FEATURES request", ST, 12, 4, 6, 0, 8) \
	X(OFPST13_TABLE_FEATURES_REPLY, TABLE_FEATURES_STATS_REPLY, "OFPST_TABLE_FEATURES reply", SR, 12, 4, 6, 0, 8) \
	X(OFPST10_PORT_DESC_REQUEST, PORT_DESC_STATS_REQUEST, "OFPST_PORT_DESC request", ST, 13, 1, 5, 0, 0) \
	X(OFPST15_PORT_DESC_REQUEST, PORT_DESC_STATS_REQUEST, "OFPST_PORT_DESC request", ST, 13, 6, 6, 8, 0) \
	X(OFPST10_PORT_DESC_REPLY, PORT_DESC_STATS_REPLY, "OFPST_PORT_DESC reply", SR, 13, 1, 1, 0, 48) \
	X(OFPST11_PORT_DESC_REPLY, PORT_DESC_STATS_REPLY, "OFPST_PORT_DESC reply", SR, 13, 2, 4, 0, 64) \
	X(OFPST14_PORT_DESC_REPLY, PORT_DESC_STATS_REPLY, "OFPST_PORT_DESC reply", SR, 13, 5, 6, 0, 8) \
	X(OFPST14_TABLE_DESC_REQUEST, TABLE_DESC_REQUEST, "OFPST_TABLE_DESC request", ST, 14, 5, 6, 0, 0) \
	X(OFPST14_TABLE_DESC_REPLY, TABLE_DESC_REPLY, "OFPST_TABLE_DESC reply", SR, 14, 5, 6, 0, 8) \
	X(OFPST14_QUEUE_DESC_REQUEST, QUEUE_GET_CONFIG_REQUEST, "OFPST_QUEUE_DESC request", ST, 15, 5, 6, 8, 0) \
	X(OFPST14_QUEUE_DESC_REPLY, QUEUE_GET_CONFIG_REPLY, "OFPST_QUEUE_DESC reply", SR, 15, 5, 6, 0, 8) \
	X(NXT_SET_FLOW_FORMAT, SET_FLOW_FORMAT, "NXT_SET_FLOW_FORMAT", NXT, 12, 1, 1, 4, 0) \
	X(NXT_FLOW_MOD_TABLE_ID, FLOW_MOD_TABLE_ID, "NXT_FLOW_MOD_TABLE_ID", NXT, 15, 1, 6, 8, 0) \
	X(NXT_SET_PACKET_IN_FORMAT, SET_PACKET_IN_FORMAT, "NXT_SET_PACKET_IN_FORMAT", NXT, 16, 1, 6, 4, 0) \
	X(NXT_FLOW_AGE, FLOW_AGE, "NXT_FLOW_AGE", NXT, 18, 1, 6, 0, 0)       \
	X(NXT_SET_CONTROLLER_ID, SET_CONTROLLER_ID, "NXT_SET_CONTROLLER_ID", NXT, 20, 1, 6, 8, 0) \
	X(NXT_RESUME, NXT_RESUME, "NXT_RESUME", NXT, 28, 1, 6, 0, 8)        \
	X(NXT_GROUP_MOD, GROUP_MOD, "NXT_GROUP_MOD", NXT, 31, 1, 1, 16, 8)   \
	X(NXST_GROUP_REQUEST, GROUP_STATS_REQUEST, "NXST_GROUP request", NXST, 7, 1, 1, 8, 0) \
	X(NXST_GROUP_REPLY, GROUP_STATS_REPLY, "NXST_GROUP reply", NXSR, 7, 1, 1, 0, 8) \
	X(NXST_GROUP_DESC_REQUEST, GROUP_DESC_STATS_REQUEST, "NXST_GROUP_DESC request", NXST, 8, 1, 1, 8, 0) \
	X(NXST_GROUP_DESC_REPLY, GROUP_DESC_STATS_REPLY, "NXST_GROUP_DESC reply", NXSR, 8, 1, 1, 0, 8) \
	X(NXST_GROUP_FEATURES_REQUEST, GROUP_FEATURES_STATS_REQUEST, "NXST_GROUP_FEATURES request", NXST, 9, 1, 2, 0, 0) \
	X(NXST_GROUP_FEATURES_REPLY, GROUP_FEATURES_STATS_REPLY, "NXST_GROUP_FEATURES reply", NXSR, 9, 1, 2, 40, 0) \
	X(NXT_SET_ASYNC_CONFIG2, SET_ASYNC_CONFIG, "NXT_SET_ASYNC_CONFIG2", NXT, 27, 1, 4, 0, 8) \
	X(NXT_TLV_TABLE_MOD, NXT_TLV_TABLE_MOD, "NXT_TLV_TABLE_MOD", NXT, 24, 1, 6, 8, 8) \
	X(NXT_TLV_TABLE_REQUEST, NXT_TLV_TABLE_REQUEST, "NXT_TLV_TABLE_REQUEST", NXT, 25, 1, 6, 0, 0) \
	X(NXT_TLV_TABLE_REPLY, NXT_TLV_TABLE_REPLY, "NXT_TLV_TABLE_REPLY", NXT, 26, 1, 6, 8, 8) \
	X(NXT_FLOW_MONITOR_CANCEL, FLOW_MONITOR_CANCEL, "NXT_FLOW_MONITOR_CANCEL", NXT, 21, 1, 6, 8, 0) \
	X(NXT_FLOW_MONITOR_PAUSED, FLOW_MONITOR_PAUSED, "NXT_FLOW_MONITOR_PAUSED", NXT, 22, 1, 6, 0, 0) \
	X(NXT_FLOW_MONITOR_RESUMED, FLOW_MONITOR_RESUMED, "NXT_FLOW_MONITOR_RESUMED", NXT, 23, 1, 6, 0, 0) \
	X(NXST_FLOW_MONITOR_REQUEST, FLOW_MONITOR_STATS_REQUEST, "NXST_FLOW_MONITOR request", NXST, 2, 1, 1, 0, 8) \
	X(NXST_FLOW_MONITOR_REPLY, FLOW_MONITOR_STATS_REPLY, "NXST_FLOW_MONITOR reply", NXSR, 2, 1, 1, 0, 8) \
	X(OFPST14_FLOW_MONITOR_REQUEST, FLOW_MONITOR_STATS_REQUEST, "OFPST_FLOW_MONITOR request", ST, 16, 5, 6, 0, 8) \
	X(OFPST14_FLOW_MONITOR_REPLY, FLOW_MONITOR_STATS_REPLY, "OFPST_FLOW_MONITOR reply", SR, 16, 5, 6, 0, 8) \
	X(NXT_CT_FLUSH_ZONE, CT_FLUSH_ZONE, "NXT_CT_FLUSH_ZONE", NXT, 29, 1, 6, 8, 0) \
	X(NXST_IPFIX_BRIDGE_REQUEST, IPFIX_BRIDGE_STATS_REQUEST, "NXST_IPFIX_BRIDGE request", NXST, 3, 1, 6, 0, 0) \
	X(NXST_IPFIX_BRIDGE_REPLY, IPFIX_BRIDGE_STATS_REPLY, "NXST_IPFIX_BRIDGE reply", NXSR, 3, 1, 6, 0, 8) \
	X(NXST_IPFIX_FLOW_REQUEST, IPFIX_FLOW_STATS_REQUEST, "NXST_IPFIX_FLOW request", NXST, 4, 1, 6, 0, 0) \
	X(NXST_IPFIX_FLOW_REPLY, IPFIX_FLOW_STATS_REPLY, "NXST_IPFIX_FLOW reply", NXSR, 4, 1, 6, 0, 8)
/* clang-format on */

enum ofpraw {
	OFPRAW_NONE,
#define OFPRAW_ENUM(RAW, ...) OFPRAW_##RAW,
	OFPRAW_LIST(OFPRAW_ENUM)
#undef OFPRAW_ENUM
		OFPRAW_N
};

/* What a message means, whatever its wire form. */
enum ofptype {
	OFPTYPE_NONE,
	OFPTYPE_HELLO,
	OFPTYPE_ERROR,
	OFPTYPE_ECHO_REQUEST,
	OFPTYPE_ECHO_REPLY,
	OFPTYPE_FEATURES_REQUEST,
	OFPTYPE_FEATURES_REPLY,
	OFPTYPE_GET_CONFIG_REQUEST,
	OFPTYPE_GET_CONFIG_REPLY,
	OFPTYPE_SET_CONFIG,
	OFPTYPE_PACKET_IN,
	OFPTYPE_FLOW_REMOVED,
	OFPTYPE_PORT_STATUS,
	OFPTYPE_PACKET_OUT,
	OFPTYPE_FLOW_MOD,
	OFPTYPE_GROUP_MOD,
	OFPTYPE_PORT_MOD,
	OFPTYPE_TABLE_MOD,
	OFPTYPE_BARRIER_REQUEST,
	OFPTYPE_BARRIER_REPLY,
	OFPTYPE_QUEUE_GET_CONFIG_REQUEST,
	OFPTYPE_QUEUE_GET_CONFIG_REPLY,
	OFPTYPE_ROLE_REQUEST,
	OFPTYPE_ROLE_REPLY,
	OFPTYPE_GET_ASYNC_REQUEST,
	OFPTYPE_GET_ASYNC_REPLY,
	OFPTYPE_SET_ASYNC_CONFIG,
	OFPTYPE_METER_MOD,
	OFPTYPE_ROLE_STATUS,
	OFPTYPE_TABLE_STATUS,
	OFPTYPE_REQUESTFORWARD,
	OFPTYPE_BUNDLE_CONTROL,
	OFPTYPE_BUNDLE_ADD_MESSAGE,
	OFPTYPE_DESC_STATS_REQUEST,
	OFPTYPE_DESC_STATS_REPLY,
	OFPTYPE_FLOW_STATS_REQUEST,
	OFPTYPE_FLOW_STATS_REPLY,
	OFPTYPE_AGGREGATE_STATS_REQUEST,
	OFPTYPE_AGGREGATE_STATS_REPLY,
	OFPTYPE_TABLE_STATS_REQUEST,
	OFPTYPE_TABLE_STATS_REPLY,
	OFPTYPE_PORT_STATS_REQUEST,
	OFPTYPE_PORT_STATS_REPLY,
	OFPTYPE_QUEUE_STATS_REQUEST,
	OFPTYPE_QUEUE_STATS_REPLY,
	OFPTYPE_GROUP_STATS_REQUEST,
	OFPTYPE_GROUP_STATS_REPLY,
	OFPTYPE_GROUP_DESC_STATS_REQUEST,
	OFPTYPE_GROUP_DESC_STATS_REPLY,
	OFPTYPE_GROUP_FEATURES_STATS_REQUEST,
	OFPTYPE_GROUP_FEATURES_STATS_REPLY,
	OFPTYPE_METER_STATS_REQUEST,
	OFPTYPE_METER_STATS_REPLY,
	OFPTYPE_METER_CONFIG_STATS_REQUEST,
	OFPTYPE_METER_CONFIG_STATS_REPLY,
	OFPTYPE_METER_FEATURES_STATS_REQUEST,
	OFPTYPE_METER_FEATURES_STATS_REPLY,
	OFPTYPE_TABLE_FEATURES_STATS_REQUEST,
	OFPTYPE_TABLE_FEATURES_STATS_REPLY,
	OFPTYPE_TABLE_DESC_REQUEST,
	OFPTYPE_TABLE_DESC_REPLY,
	OFPTYPE_PORT_DESC_STATS_REQUEST,
	OFPTYPE_PORT_DESC_STATS_REPLY,
	OFPTYPE_SET_FLOW_FORMAT,
	OFPTYPE_FLOW_MOD_TABLE_ID,
	OFPTYPE_SET_PACKET_IN_FORMAT,
	OFPTYPE_FLOW_AGE,
	OFPTYPE_SET_CONTROLLER_ID,
	OFPTYPE_NXT_RESUME,
	OFPTYPE_NXT_TLV_TABLE_MOD,
	OFPTYPE_NXT_TLV_TABLE_REQUEST,
	OFPTYPE_NXT_TLV_TABLE_REPLY,
	OFPTYPE_FLOW_MONITOR_CANCEL,
	OFPTYPE_FLOW_MONITOR_PAUSED,
	OFPTYPE_FLOW_MONITOR_RESUMED,
	OFPTYPE_FLOW_MONITOR_STATS_REQUEST,
	OFPTYPE_FLOW_MONITOR_STATS_REPLY,
	OFPTYPE_CT_FLUSH_ZONE,
	OFPTYPE_IPFIX_BRIDGE_STATS_REQUEST,
	OFPTYPE_IPFIX_BRIDGE_STATS_REPLY,
	OFPTYPE_IPFIX_FLOW_STATS_REQUEST,
	OFPTYPE_IPFIX_FLOW_STATS_REPLY,
};

/* A decoded message header: what the message is and where its body
 * starts.  Points into the caller's bytes. */
struct ofp_msg {
	enum ofpraw raw;
	enum ofptype type;
	uint8_t version;
	uint32_t xid;
	const uint8_t *data; /* the whole message */
	size_t len;
	const uint8_t *body; /* after the headers (multipart, vendor) */
	size_t body_len;
	uint16_t mp_flags; /* multipart flags (OFPSF_REPLY_MORE) */
};

/* Decodes the header of the @len-byte message at @data, which must be
 * exactly header.length bytes, and checks its length for its kind.
 * Returns 0 and fills @m, or an error (with a warning logged, as Open
 * vSwitch logs it). */
enum ofperr ofp_msg_decode(const void *data, size_t len, struct ofp_msg *m);
/* The kind of a possibly truncated message (the payload of an error):
 * no length check beyond the headers themselves. */
enum ofperr ofp_msg_decode_partial(const void *data, size_t len,
				   enum ofpraw *raw);

const char *ofpraw_name(enum ofpraw raw);
enum ofptype ofpraw_type(enum ofpraw raw);
/* True if @raw exists in @version. */
bool ofpraw_in_version(enum ofpraw raw, uint8_t version);
/* True for multipart requests and replies. */
bool ofpraw_is_multipart(enum ofpraw raw);
/* The reply kind of multipart request @raw (OFPRAW_NONE if none). */
enum ofpraw ofpraw_reply_of(enum ofpraw raw, uint8_t version);

/* Appends the headers of a @raw message of @version with @xid to @b
 * (length 0 for now) and returns the offset where the message starts;
 * ofp_msg_finish() sets its length.  @raw must exist in @version. */
size_t ofp_msg_start(struct ofpbuf *b, enum ofpraw raw, uint8_t version,
		     uint32_t xid);
void ofp_msg_finish(struct ofpbuf *b, size_t start);
/* Sets the multipart flags of the message at @start. */
void ofp_msg_set_mp_flags(struct ofpbuf *b, size_t start, uint16_t flags);
/* The length of the headers of @raw in @version. */
size_t ofpraw_hdr_len(enum ofpraw raw, uint8_t version);

/* "OpenFlow10" ... "OpenFlow15", and the reverse (-1 if unknown). */
const char *ofp_version_name(uint8_t version);
int ofp_version_from_name(const char *name);

/* ---- hello ---- */

/* Appends a hello announcing the versions in @bitmap (bit N: version
 * N), with a version bitmap element when more than the highest is
 * meant, as Open vSwitch sends it. */
void ofp_encode_hello(struct ofpbuf *b, uint32_t bitmap, uint32_t xid);
/* The versions a received hello announces in *@versions: its bitmap if
 * it has one, else every version up to its header's.  False if the hello
 * has elements that do not parse (the versions are still set). */
bool ofp_decode_hello(const struct ofp_msg *m, uint32_t *versions);
/* "0x01, 0x04": the versions of @bitmap. */
void ofp_format_version_bitmap(struct ds *s, uint32_t bitmap);
/* The highest version in both bitmaps, or 0. */
uint8_t ofp_negotiate(uint32_t ours, uint32_t theirs);

/* ---- errors ---- */

/* Appends an error message for @e replying to @request (all of it as
 * the data, as Open vSwitch 3.1 sends it, cut to fit in 64 kB), in
 * @request's version. */
void ofp_encode_error_reply(struct ofpbuf *b, enum ofperr e,
			    const void *request, size_t request_len);
/* Appends a hello-failed error carrying text @reason. */
void ofp_encode_hello_error(struct ofpbuf *b, enum ofperr e, uint8_t version,
			    uint32_t xid, const char *reason);
/* Decodes an error message: the error, and the data it carries. */
enum ofperr ofp_decode_error_msg(const struct ofp_msg *m, enum ofperr *e,
				 const uint8_t **data, size_t *data_len);

/* ---- warnings ---- */

/* Where lib/ofp's warnings and informational messages go: ovs-ofctl
 * prints them as Open vSwitch's tools do ("ofp_msgs|WARN|..."), vswitchd
 * logs them (rate-limited).  @module is Open vSwitch's module name,
 * @level "WARN" or "INFO". */
typedef void ofp_warn_fn(const char *module, const char *level,
			 const char *msg);
void ofp_set_warn_hook(ofp_warn_fn *fn);
void ofp_warn(const char *module, const char *fmt, ...) PRINTF_FMT(2, 3);
void ofp_info(const char *module, const char *fmt, ...) PRINTF_FMT(2, 3);

#endif
