#!/usr/bin/env bash
# Assembles a Node.js base image without a container registry, for the Dockerfile's NODE_IMAGE
# build argument: Debian bookworm (debootstrap, minbase, from this machine's Debian mirror), the
# official Node.js binary from the npm registry's `node` package, npm, and a `node` user (uid
# 1000), as in the official node:<line>-bookworm-slim image. Prints the image name on stdout.
#
#   test/container/node-base-image.sh <engine: docker|podman> [node line, default 24]
#
# The image is kept (tagged with the Node.js version) and reused until that version changes.
# When the machine trusts extra certificate authorities (NODE_EXTRA_CA_CERTS), the image trusts
# them too, so `npm ci` in the build reaches the npm registry through the same proxy.
set -euo pipefail

engine="${1:?usage: node-base-image.sh docker|podman [node line]}"
line="${2:-24}"
say() { echo "node-base-image: $*" >&2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The binary of the newest release of the line, from the npm registry.
npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix "$work/node" "node@$line" >&2
node_bin="$(readlink -f "$work/node/node_modules/.bin/node")"
version="$("$node_bin" -p process.versions.node)"
npm_major="$(npm -v | cut -d. -f1)"
tag="localhost/okta-hubspot-sync-node:${version}-bookworm"

if "$engine" image inspect "$tag" >/dev/null 2>&1; then
  say "reusing $tag"
  echo "$tag"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || { say "needs debootstrap (apt-get install debootstrap)"; exit 1; }
# This machine's Debian mirror (debootstrap's own default when none is configured).
mirror="$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 || true)"
if [ -z "$mirror" ]; then
  mirror="$(sed -n 's/^deb[[:space:]]\+\([^[:space:]]*\/debian\)[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1 || true)"
fi

started=$(date +%s)
rootfs="$work/rootfs"
say "debootstrap bookworm (minbase) into a temporary folder..."
# shellcheck disable=SC2086 # the mirror is one word or none
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" $mirror >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
npm install --global --no-audit --no-fund --loglevel=error --prefix "$rootfs/usr/local" "npm@$npm_major" >&2
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

changes=(--change 'CMD ["node"]' --change "ENV NODE_VERSION=$version")
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  install -m 0644 "$NODE_EXTRA_CA_CERTS" "$rootfs/usr/local/share/ca-certificates/extra-ca.crt"
  changes+=(--change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/extra-ca.crt")
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/tmp/*

tar -C "$rootfs" --numeric-owner -cf - . | "$engine" import "${changes[@]}" - "$tag" >/dev/null
say "assembled $tag in $(($(date +%s) - started)) s"
echo "$tag"
