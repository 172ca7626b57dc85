/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_jsontext: a reader over JSON text for the one reply that is large,
 * the rows of the start-up selects.  It reads datums straight from the
 * text, without building a jansson tree per row, and gives up (so that the
 * caller parses with jansson) on anything outside the plain shapes OVSDB
 * servers send; values it cannot read plainly (escapes, non-ASCII, reals,
 * constraint violations) are handed to ovsdb_datum_from_json, so a datum
 * read here always equals the one the general path would read.
 */
#ifndef MICROVS_DBCTL_JSONTEXT_H
#define MICROVS_DBCTL_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "json_fast.h"
#include "ovsdb_datum.h"

/* Consumes white space and then @c; false (nothing consumed but the
 * white space) if the next character is another. */
bool dbctl_jt_eat(struct json_scan *r, char c);
/* The next non-blank character, or -1 at the end. */
int dbctl_jt_peek(struct json_scan *r);
/* Plain strings: json_scan_plain_string() (json_fast.h). */
/* Skips one value.  False on a syntax error or on a string this reader
 * does not validate (escapes, bytes outside printable ASCII). */
bool dbctl_jt_skip(struct json_scan *r);
/* Reads one value of type @t into *@d (initialised here).  0; -EAGAIN
 * when the text is not a value jansson would accept (the caller then
 * parses the whole text with jansson); -EINVAL when the value is not a
 * valid datum of @t (*@d empty; the general path would refuse it too). */
int dbctl_jt_datum(struct json_scan *r, const struct ovsdb_type *t,
		   struct ovsdb_datum *d);

#endif
