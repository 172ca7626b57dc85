#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints the closing line of a test run from meson's testlog.json:
"N passed, N failed, N skipped".  Exits 1 if anything failed or nothing
ran."""
import json
import sys

passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed + failed == 0 else 0)
