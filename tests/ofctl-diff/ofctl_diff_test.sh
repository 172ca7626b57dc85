#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Our ovs-ofctl against the goldens recorded from Open vSwitch 3.1: every
# case identical except the lines of known_diffs.txt.
# Usage: ofctl_diff_test.sh SOURCE_ROOT BUILD_ROOT
set -u
src=$1 build=$2
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
MICROVS_OFCTL=$build/ctl/ovs-ofctl exec python3 \
	"$src/tests/ofctl-diff/run_diff.py" --golden -j 2 \
	--known "$src/tests/ofctl-diff/known_diffs.txt"
