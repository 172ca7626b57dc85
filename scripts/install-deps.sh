#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs what microvs needs on Debian 12 (build, run, test) and creates
# the role users of lib/roles.c.  Idempotent; run as root.
set -eu

PKGS="meson ninja-build gcc clang clang-format libclang-rt-14-dev valgrind pkg-config python3
libnng-dev libmsgpack-dev libjansson-dev libsqlite3-dev sqlite3 libssl-dev openssl
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libcap-ng-dev libseccomp-dev
libxdp-dev libbpf-dev
iproute2 iputils-ping procps systemd iperf3 netsniff-ng tcpdump ethtool
openvswitch-switch openvswitch-common openvswitch-vtep python3-openvswitch
openvswitch-testcontroller python3-os-ken libvirt-daemon-system libvirt-clients
linux-image-amd64 linux-headers-amd64 linux-source-6.1 qemu-system-x86
busybox-static cpio kmod dnsmasq-base"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# The kernel is only booted under qemu by kmod/tests: no initramfs.
	export INITRD=No
	apt-get update -qq
	# Debian's Open vSwitch is the reference we compare against; its
	# services must not start and take the default run directory.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Role users (lib/roles.c), all in group microvs, which may use the bus.
getent group microvs >/dev/null || groupadd --system microvs
for u in microvs-db microvs-sw microvs-dp microvs-tnl microvs-vtep; do
	getent passwd "$u" >/dev/null ||
		useradd --system --gid microvs --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin "$u"
done
