/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_number: JSON text to a jansson tree with Open vSwitch's rules for
 * numbers, which RFC 7047 clients rely on and jansson does not follow:
 *
 *   - a number whose value is an integer that fits in 64 bits is an
 *     integer, however it is written: 1e2, 100.0, 0e0, -0.0 are 100 and 0
 *     (jansson makes them reals, which an integer column refuses);
 *   - an integer literal outside 64 bits is a real (jansson refuses the
 *     whole text, and a server then drops the connection);
 *   - a real that reads as zero is +0;
 *   - an exponent beyond the range of an int is an error ("exponent
 *     outside valid range"), as are reals that overflow (as in jansson).
 *
 * Open vSwitch decides this on the decimal text (lib/json.c,
 * json_lex_number), not on the double: 9007199254740993.0 is the integer
 * 9007199254740993.  So does this reader: it rewrites the number tokens
 * whose kind differs, outside strings, and hands the text to jansson.
 * One difference is kept on purpose: Open vSwitch's significand silently
 * wraps for some 20-digit literals (18446744073709551619 reads as 3);
 * here they are reals.
 */
#ifndef MICROVS_JSON_NUMBER_H
#define MICROVS_JSON_NUMBER_H

#include <jansson.h>
#include <stddef.h>

/* json_loadb(@text, @len, @flags, @err) with the rules above: a new
 * reference, or NULL with @err filled (jansson's message, or
 * "exponent outside valid range").  Does not block; linear in @len, and
 * copies the text only when a number must be rewritten. */
json_t *json_number_loadb(const char *text, size_t len, size_t flags,
			  json_error_t *err);

#endif
