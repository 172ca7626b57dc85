/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_print: Open vSwitch's text of any OpenFlow message (its
 * ofp_to_string(), which ovs-ofctl prints and logs): the header line
 * "NAME (OF1.x) (xid=0x..):", then the message's own text, or
 * "***decode error: OFPxxx***" and a hex dump for a message that does not
 * decode, "(***truncated to N bytes from M***)" and the like for framing
 * problems.  Pure functions of the bytes: no message is trusted beyond
 * its length.
 */
#ifndef MICROVS_OFP_PRINT_H
#define MICROVS_OFP_PRINT_H

#include <stddef.h>

#include "ofp_flow.h"

/* Returns the text of the @len-byte message at @data (malloc'd, ending
 * in a newline).  @ports names ports in flows (NULL: numbers);
 * @verbosity is ovs-ofctl's (-v count; 5 and up also dumps the bytes). */
char *ofp_to_string(const void *data, size_t len,
		    const struct ofp_port_map *ports, int verbosity);

/* Appends @n bytes with every byte outside printable ASCII (and '\' and
 * '"') as a 3-digit octal escape, as Open vSwitch's ds_put_printable(). */
void ofp_put_printable(struct ds *s, const void *p, size_t n);

#endif
