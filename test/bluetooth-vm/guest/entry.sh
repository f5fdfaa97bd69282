#!/bin/bash
# Guest entry of `npm run test:bluetooth` (packed into /btvm by ../shared/peers/btvm/run.sh; the
# checkout is the 9p share at /mnt/host). Installs the SyncEvolution client that prepare.sh
# collected, then runs test/bluetooth-vm/bluetooth.vm.ts with the host's node (copied into the
# guest by build.sh). The exit status goes back to the host through run.sh.
set -u
cd /mnt/host || { echo "entry: no share at /mnt/host"; exit 2; }
cp -a .cache/btvm/syncevo-root/. / && ldconfig || { echo "entry: cannot install SyncEvolution"; exit 2; }
syncevolution --version >/dev/null 2>&1 || { echo "entry: syncevolution does not run in the guest"; exit 2; }
# ../shared beside the checkout, as on the host: the peers copy (test/helpers/peers.ts looks there)
mkdir -p /mnt/shared && ln -sfn /mnt/host/.cache/btvm/peers /mnt/shared/peers
export PATH=/usr/local/bin:$PATH BTVM_TEST=1
ARGS=()
[ -n "$(cat /btvm/name-pattern 2>/dev/null)" ] && ARGS+=(--test-name-pattern "$(cat /btvm/name-pattern)")
node --import tsx --test --test-reporter=spec --test-concurrency=1 "${ARGS[@]}" test/bluetooth-vm/bluetooth.vm.ts
rc=$?
mkdir -p .cache/btvm/logs && rm -rf .cache/btvm/logs/work && cp -a /tmp/btvm-test .cache/btvm/logs/work 2>/dev/null
cp /tmp/bluetoothd.log /tmp/btvirt.log /tmp/btmon.txt .cache/btvm/logs/ 2>/dev/null
exit $rc
