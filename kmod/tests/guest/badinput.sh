# SPDX-License-Identifier: Apache-2.0
# Malformed and unauthorised requests get an error, never a crash (the
# harness fails on any splat) or a leak (the module counts its objects
# and reports at unload); the datapath keeps working afterwards.
. "$(dirname "$0")/lib.sh"
new_dp
hosts 1
expect "every malformed request is refused as expected" $K badinput $DP
finish
