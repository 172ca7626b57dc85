/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flow_fuzz: libFuzzer target for what lib/flow reads from outside: packet
 * bytes (flow_extract, then the key printed), action lists from a peer
 * (odp_actions_check, then printed when accepted), and the dpctl text
 * syntax (odp_parse_key / odp_parse_actions), and tunnel packets from the
 * underlay (tnl_parse, then the inner frame extracted, as TUNNEL_POP
 * does).  The first byte picks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "nlattr.h"
#include "odp.h"
#include "tnl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	uint8_t sel = data[0], which = sel % 4;
	data++;
	size--;
	if (which == 0) {
		/* Exactly @size bytes after the headroom: ASan sees any read
		 * past the end. */
		struct dp_packet *p = dp_packet_clone_data(data, size);
		struct mvs_key key, mask;
		struct ds s = DS_EMPTY;

		memset(&key, 0, sizeof key);
		memset(&mask, 0xff, sizeof mask);
		flow_extract(p, &key);
		odp_format_key(&s, &key, &mask, true, NULL);
		ds_free(&s);
		dp_packet_free(p);
	} else if (which == 3) {
		/* The tunnel type from the low bits, the frame after. */
		enum mvs_tnl_type type = (enum mvs_tnl_type)(sel / 4 % 3 + 1);
		struct dp_packet *p = dp_packet_clone_data(data, size);
		struct mvs_key key;
		size_t hl = 0, inner = 0;

		memset(&key, 0, sizeof key);
		if (tnl_parse(p->data, p->len, type, sel & 0x80, &key.tun, &hl,
			      &inner) == TNL_OK) {
			if (hl + inner > size)
				abort(); /* a parse that overran */
			dp_packet_pull(p, hl);
			p->len = (uint32_t)inner;
			flow_extract(p, &key);
		}
		dp_packet_free(p);
	} else if (which == 1) {
		/* Aligned copy, as a receiver holds attributes. */
		uint32_t *buf = malloc(size + 4);
		struct ds s = DS_EMPTY;

		memcpy(buf, data, size);
		if (!odp_actions_check((const void *)buf, size))
			odp_format_actions(&s, (const void *)buf, size, NULL);
		ds_free(&s);
		free(buf);
	} else {
		char *text = malloc(size + 1);
		struct mvs_key key, mask;
		struct nlbuf b = NLBUF_EMPTY;
		char *err = NULL;

		memcpy(text, data, size);
		text[size] = '\0';
		odp_parse_key(text, NULL, &key, &mask, &err);
		free(err);
		err = NULL;
		if (!odp_parse_actions(text, NULL, &b, &err) &&
		    odp_actions_check((const void *)b.data, b.len))
			abort(); /* what we build must pass our own check */
		free(err);
		nl_buf_free(&b);
		free(text);
	}
	return 0;
}
