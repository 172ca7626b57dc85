/* SPDX-License-Identifier: Apache-2.0 */
/* A small schema and helpers shared by the ovsdb unit tests. */
#ifndef MICROVS_OVSDB_TEST_SCHEMA_H
#define MICROVS_OVSDB_TEST_SCHEMA_H

#include <stdlib.h>

#include "ovsdb_db.h"

static const char test_schema[] =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{"
	"\"Root\":{\"isRoot\":true,\"maxRows\":2,\"columns\":{"
	"  "
	"\"kids\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Kid\"},"
	"           \"min\":0,\"max\":\"unlimited\"}},"
	"  \"weak\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Kid\","
	"           \"refType\":\"weak\"},\"min\":0,\"max\":\"unlimited\"}},"
	"  \"n\":{\"type\":\"integer\"},"
	"  \"r\":{\"type\":\"real\"},"
	"  \"b\":{\"type\":\"boolean\"},"
	"  "
	"\"ints\":{\"type\":{\"key\":{\"type\":\"integer\",\"maxInteger\":100},"
	"           \"min\":0,\"max\":3}},"
	"  \"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"           \"min\":0,\"max\":\"unlimited\"}},"
	"  \"s\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}}}},"
	"\"Kid\":{\"indexes\":[[\"name\"]],\"columns\":{"
	"  \"name\":{\"type\":\"string\",\"mutable\":false},"
	"  \"sub\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Kid\"},"
	"           \"min\":0,\"max\":1}}}}}}";

static inline struct ovsdb_schema *
test_schema_parse(void)
{
	struct ovsdb_schema *s = NULL;
	struct ovsdb_error *e = NULL;
	json_t *j = json_loads(test_schema, 0, NULL);
	if (!j || ovsdb_schema_from_json(j, &s, &e))
		abort();
	json_decref(j);
	return s;
}

/* Runs a transaction given as JSON text; returns the compact result. */
static inline char *
test_transact(struct ovsdb_db *db, const char *ops)
{
	json_t *j = json_loads(ops, 0, NULL), *res = NULL;
	if (!j)
		return xstrdup("BAD JSON IN TEST");
	uint64_t wait;
	int r = ovsdb_execute(db, j, NULL, &res, &wait);
	json_decref(j);
	if (r)
		return xasprintf("rc=%d", r);
	char *s = ovsdb_json_text(res);
	json_decref(res);
	return s;
}

/* Transacting @OPS on the test file's `db` answers @EXPECT (tests/check.h
 * included first). */
#define T(OPS, EXPECT)                             \
	do {                                       \
		char *r_ = test_transact(db, OPS); \
		CHECK_STREQ(r_, EXPECT);           \
		free(r_);                          \
	} while (0)

#endif
