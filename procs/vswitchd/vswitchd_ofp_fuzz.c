/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vswitchd_ofp_fuzz: a libFuzzer target over vswitchd's OpenFlow message
 * handler, not only the decoders: the input is the byte stream a peer
 * sends on a bridge's connection, after a hello of the version its first
 * byte picks (1.0-1.5).  It goes through ofconn_input(), the framing and
 * dispatch the socket path uses, to the real handlers (flow-mod, groups,
 * meters, packet-out with translation, roles, port-mod, table-mod,
 * statistics, packet-in formats...) on a bridge with two ports and no
 * datapath (vswd_init_state(): no bus, no replica).  After each input
 * a connection of its own deletes every flow, group and meter (a fresh
 * bridge each time ran 30 inputs a second: its 255 tables), so what an
 * input added is freed and LeakSanitizer sees what leaks.  Built and run
 * by tests/fuzz/vswitchd_ofp_fuzz.sh with ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "ofconn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vswd d;

/* br0 with ports p1 and p2 (OpenFlow and datapath numbers 1 and 2). */
static struct bridge *
make_bridge(void)
{
	static const struct port_config ports[] = {
		{ .name = "p1", .ofp_port = 1, .dp_port = 1, .tag = -1 },
		{ .name = "p2", .ofp_port = 2, .dp_port = 2, .tag = -1 },
	};
	struct bridge *br;

	if (vsw_add_bridge(&d.vsw, "br0", MVS_PORT_NONE, &br))
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
		if (bridge_set_port(br, &ports[i], NULL))
			abort();
	return br;
}

static void
init_once(void)
{
	static struct ev_loop *loop;
	char *err;

	if (loop)
		return;
	if (ev_loop_new(&loop))
		abort();
	log_init("vswitchd");
	if (log_set_spec("any:any:off", &err))
		abort();
	vswd_init_state(&d, loop);
	vswd_of_init(&d, "/nonexistent");
}

/* A connection to br0 on a socket pair whose other end is *@peer. */
static struct ofconn *
connect_br(const struct bridge *br, int *peer)
{
	struct ofconn *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       sv))
		abort();
	c = ofconn_new(&d, br->id, sv[0], 0x7e, NULL, NULL);
	if (!c)
		abort();
	*peer = sv[1];
	return c;
}

static void
hang_up(struct ofconn *c, int peer)
{
	char sink[4096];

	while (read(peer, sink, sizeof sink) > 0)
		continue;
	ofconn_close(c);
	close(peer);
}

/* What an input may leave in br0 goes, through the handlers on a
 * connection of its own: every flow, group and meter (OpenFlow 1.3
 * flow-mod, group-mod and meter-mod deleting all). */
static void
clean(const struct bridge *br)
{
	/* hello; flow-mod delete, table all, out_port/out_group any;
	 * group-mod delete OFPG_ALL; meter-mod delete OFPM_ALL. */
	static const char hex[] = "0400000800000001"
				  "040e0038000000020000000000000000"
				  "0000000000000000ff03000000000000"
				  "ffffffffffffffffffffffff00000000"
				  "0001000400000000"
				  "040f00100000000300020000fffffffc"
				  "041d00100000000400020000ffffffff";
	static uint8_t msgs[sizeof hex / 2];
	int peer;
	struct ofconn *c = connect_br(br, &peer);

	if (!msgs[0])
		for (size_t i = 0; i < sizeof msgs; i++)
			sscanf(hex + 2 * i, "%2hhx", &msgs[i]);
	ofconn_input(c, msgs, sizeof msgs);
	hang_up(c, peer);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t hello[8] = { 1, 0, 0, 8, 0, 0, 0, 1 };
	static struct bridge *br;
	struct ofconn *c;
	int peer;

	init_once();
	if (!br)
		br = make_bridge();
	c = connect_br(br, &peer);
	if (size) {
		hello[0] = (uint8_t)(data[0] % 6 + 1);
		data++;
		size--;
	}
	ofconn_input(c, hello, sizeof hello);
	ofconn_input(c, data, size);
	hang_up(c, peer);
	clean(br);
	return 0;
}
