#!/usr/bin/env bash
# `npm run test:bluetooth`: the Bluetooth scenarios against real BlueZ in a QEMU guest
# (../shared/peers/btvm). Builds the guest once (cache in .cache/btvm, git-ignored), builds the
# project (bin/ runs dist/), boots the guest with this checkout shared over 9p and runs
# test/bluetooth-vm/bluetooth.vm.ts there. Needs root (build.sh; CI runs as root) and ../shared
# beside the checkout. Fails loudly when anything is missing; never skips.
#   BTVM_TEST_PATTERN=REGEX   run only the scenarios whose name matches (node --test-name-pattern)
#   BTVM_TEST_TIMEOUT=S       wall-clock limit of the guest (default 2400)
#   BTVM_BTMON=1              btmon trace (of the last scenario) in .cache/btvm/logs/btmon.txt
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CACHE=$ROOT/.cache/btvm
T0=$(date +%s)
test/bluetooth-vm/prepare.sh "$CACHE"
[ -f dist/daemon/main.js ] && [ -z "$(find src -newer dist/daemon/main.js -name '*.ts' -print -quit)" ] || npm run build
ENTRY_DIR=$(mktemp -d)
trap 'rm -rf "$ENTRY_DIR"' EXIT
cp test/bluetooth-vm/guest/entry.sh "$ENTRY_DIR/entry.sh"
printf '%s' "${BTVM_TEST_PATTERN:-}" > "$ENTRY_DIR/name-pattern"
EXTRA=("$ENTRY_DIR/name-pattern")
[ "${BTVM_BTMON:-0}" = 1 ] && { : > "$ENTRY_DIR/btmon"; EXTRA+=("$ENTRY_DIR/btmon"); }
set +e
"$CACHE/peer/run.sh" --timeout "${BTVM_TEST_TIMEOUT:-2400}" --mem 2048 --share "$ROOT" "$ENTRY_DIR/entry.sh" "${EXTRA[@]}"
rc=$?
set -e
echo "test:bluetooth: exit $rc after $(( $(date +%s) - T0 ))s (guest logs: .cache/btvm/logs, console: .cache/btvm/peer/out/runs/)" >&2
exit $rc
