# SPDX-License-Identifier: Apache-2.0
"""An os-ken application: a MAC-learning switch over OpenFlow 1.3 that
behaves as os-ken's sample simple_switch_13 does (Debian's python3-os-ken
does not ship the sample applications, os_ken/app/simple_switch*.py, so
the scenario runs this one unless the stock one is importable).

On a switch's features reply it installs the table-miss flow (priority 0,
everything to the controller, unbuffered).  On each packet-in it learns
the source MAC's port; if the destination is known it installs a priority
1 flow (in_port, eth_dst, eth_src -> that port), and it sends the packet
out to that port or floods it.  It logs "learned MAC on DPID port" and
"flow ..." lines so the test can see what it did."""
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER
from os_ken.controller.handler import set_ev_cls
from os_ken.lib.packet import ethernet, ether_types, packet
from os_ken.ofproto import ofproto_v1_3


class LearningSwitch13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ports = {}  # dpid -> {mac: port}

    def _flow(self, dp, priority, match, actions):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS,
                                             actions)]
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority,
                                      match=match, instructions=inst))

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def on_features(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        out = parser.OFPActionOutput(ofp.OFPP_CONTROLLER,
                                     ofp.OFPCML_NO_BUFFER)
        self._flow(dp, 0, parser.OFPMatch(), [out])
        self.logger.info("switch %016x: table-miss flow installed", dp.id)

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def on_packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match["in_port"]
        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
        if eth.ethertype == ether_types.ETH_TYPE_LLDP:
            return
        table = self.ports.setdefault(dp.id, {})
        if table.get(eth.src) != in_port:
            self.logger.info("learned %s on %016x port %d", eth.src, dp.id,
                             in_port)
        table[eth.src] = in_port
        out_port = table.get(eth.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]
        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_dst=eth.dst,
                                    eth_src=eth.src)
            self._flow(dp, 1, match, actions)
            self.logger.info("flow in_port=%d %s->%s output:%d", in_port,
                             eth.src, eth.dst, out_port)
        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp,
                                        buffer_id=msg.buffer_id,
                                        in_port=in_port, actions=actions,
                                        data=data))
