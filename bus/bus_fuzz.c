/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bus_fuzz: libFuzzer target for the bus decoder.  Any input must decode
 * or be refused without a crash, a leak or an out-of-bounds access; what
 * decodes must re-encode to something that decodes to the same type.
 * Built with clang by tests/fuzz/bus_fuzz.sh.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bus_codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned type, type2;
	uint64_t reqid, reqid2;
	void *msg, *msg2, *buf;
	size_t len;

	if (bus_decode(data, size, &type, &reqid, &msg))
		return 0;
	if (bus_encode(type, reqid, msg, &buf, &len))
		abort();
	if (bus_decode(buf, len, &type2, &reqid2, &msg2) || type2 != type ||
	    reqid2 != reqid)
		abort();
	bus_msg_free(type2, msg2);
	bus_msg_free(type, msg);
	free(buf);
	return 0;
}
