#!/usr/bin/env bash
# Host side of `npm run test:bluetooth`, step 1: everything the guest needs besides the checkout.
#
#   test/bluetooth-vm/prepare.sh CACHE
#
# - CACHE/peer: symlinks to ../shared/peers/btvm's build.sh, run.sh and guest/, so the peer's own
#   scripts build and boot the guest with their out/ folder inside our (git-ignored) cache;
#   build.sh runs once (it installs its host tools itself) and is skipped when its output exists.
# - CACHE/syncevo-root: the host's SyncEvolution CLI (Debian packages syncevolution,
#   syncevolution-libs: file backend only) plus every shared library it needs that the guest image
#   lacks (same Debian release on both sides). The guest copies it over its root.
# - CACHE/peers: a copy of ../shared/peers (vphone, syncevo-client.sh, gen-vcards.py, the shim
#   built here with gcc), which the guest reads from the 9p share.
# Fails loudly when a tool is missing (never skips).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=$1
PEERS=$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd) || { echo "prepare: ../shared/peers not found beside the checkout ($ROOT)" >&2; exit 1; }
log() { printf '[prepare %(%T)T] %s\n' -1 "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "prepare: must run as root (build.sh: chroot, mknod)" >&2; exit 1; }
for t in syncevolution gcc python3 node; do
  command -v "$t" >/dev/null || { echo "prepare: $t not found (.ci/run installs the Debian packages syncevolution gcc python3)" >&2; exit 1; }
done

mkdir -p "$CACHE/peer"
for f in build.sh run.sh guest; do ln -sfn "$PEERS/btvm/$f" "$CACHE/peer/$f"; done
if [ ! -f "$CACHE/peer/out/vmlinuz" ] || [ ! -f "$CACHE/peer/out/initrd.base" ]; then
  log "building the btvm guest (../shared/peers/btvm/build.sh, output in $CACHE/peer/out)"
  # NODE=host explicitly: under `npm run`, npm exports NODE=/path/to/node, which build.sh would
  # take for its own NODE=host|debian|none setting and then put no node in the guest.
  NODE=host "$CACHE/peer/build.sh"
fi
RFS=$CACHE/peer/out/rootfs
[ -x "$RFS/usr/libexec/bluetooth/bluetoothd" ] || { echo "prepare: no guest rootfs at $RFS" >&2; exit 1; }
[ -x "$RFS/opt/node/bin/node" ] || { echo "prepare: the guest has no node ($RFS/opt/node/bin/node); remove $CACHE/peer/out and run again" >&2; exit 1; }

# ---- SyncEvolution for the guest
OV=$CACHE/syncevo-root
STAMP="$(dpkg-query -W -f='${Package}=${Version} ' syncevolution syncevolution-libs libsyncevolution0 libsynthesis0v5 libsmltk0 2>/dev/null) $(cat "$CACHE/peer/out/kernel-version" 2>/dev/null)"
if [ "$(cat "$OV.stamp" 2>/dev/null)" != "$STAMP" ]; then
  log "collecting SyncEvolution for the guest"
  rm -rf "$OV"; mkdir -p "$OV"
  put() { mkdir -p "$OV$(dirname "$1")" && cp -a "$1" "$OV$(dirname "$1")/"; }
  PKGS=(syncevolution syncevolution-common syncevolution-libs libsyncevolution0 libsynthesis0v5 libsmltk0 libgdbussyncevo0)
  dpkg -L "${PKGS[@]}" | grep -v -E '^/usr/share/(doc|man|locale)/' \
    | grep -v -E '/syncevolution/backends/' | while read -r f; do
      [ -f "$f" ] && put "$f"
    done
  put /usr/lib/x86_64-linux-gnu/syncevolution/backends/syncfile.so
  # shared libraries the guest image does not have (ldd on the host: same Debian release)
  find "$OV" -type f \( -name '*.so*' -o -path '*/bin/*' \) -print0 | { xargs -0 -r ldd 2>/dev/null || true; } \
    | awk '/=>/ && $3 ~ /^\// {print $3}' | sort -u | while read -r lib; do
      # the guest is usrmerged: /lib is /usr/lib there
      case "$lib" in /lib/*|/lib64/*) dest=/usr$lib ;; *) dest=$lib ;; esac
      [ -e "$RFS$dest" ] || [ -e "$OV$dest" ] || { mkdir -p "$OV$(dirname "$dest")"; cp -L "$lib" "$OV$dest"; }
    done
  echo "$STAMP" > "$OV.stamp"
  log "SyncEvolution for the guest: $(du -sh "$OV" | cut -f1)"
fi

# ---- the peers the guest runs (vphone, syncevo-client.sh, gen-vcards.py, shim)
rm -rf "$CACHE/peers"; mkdir -p "$CACHE/peers"
for f in vphone shim samples syncevo-client.sh gen-vcards.py; do cp -a "$PEERS/$f" "$CACHE/peers/"; done
rm -f "$CACHE/peers/shim/"*.so
sh "$CACHE/peers/shim/build.sh" >/dev/null
log "ready: guest in $CACHE/peer/out, SyncEvolution overlay, peers copy"
