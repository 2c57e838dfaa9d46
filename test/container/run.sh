#!/usr/bin/env bash
# npm run test:container: builds the Dockerfile and runs the smoke test against the image.
#
# Engine: Docker where its engine answers, else podman with the runc runtime. Base image: the
# Dockerfile's default (the official Node.js image) when the engine can pull it; otherwise one
# assembled here from Debian's packages and the npm registry's Node.js (node-base-image.sh),
# passed as NODE_IMAGE. Set NODE_IMAGE to choose one yourself.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$(date +%s)
if docker info >/dev/null 2>&1; then
  engine=docker
  engine_args=()
  build_args=()
elif command -v podman >/dev/null 2>&1; then
  engine=podman
  # crun refuses hybrid cgroup setups; runc works on both.
  engine_args=()
  if command -v runc >/dev/null 2>&1; then engine_args=(--runtime runc); fi
  # Docker's image format keeps the HEALTHCHECK (the OCI format has no such field).
  build_args=(--format docker)
else
  echo "test:container needs Docker (with its engine running) or podman (apt-get install podman runc)" >&2
  exit 1
fi

default_image="$(sed -n 's/^ARG NODE_IMAGE=\(.*\)$/\1/p' Dockerfile)"
line="$(echo "$default_image" | sed -n 's/^node:\([0-9]*\).*/\1/p')"
node_image="${NODE_IMAGE:-}"
if [ -z "$node_image" ]; then
  if "$engine" image inspect "$default_image" >/dev/null 2>&1 \
    || timeout 60 "$engine" pull -q "$default_image" >/dev/null 2>&1; then
    node_image="$default_image"
  else
    echo "No registry answers for $default_image: assembling a Node.js $line base image from Debian's packages and the npm registry" >&2
    node_image="$(bash test/container/node-base-image.sh "$engine" "$line")"
  fi
fi

# The largest process limit the runtime may set here: what this shell has, lowered while the
# runtime refuses it (runc, under podman, may run with less than the shell that started it).
nofile="nofile=$(ulimit -Sn):$(ulimit -Hn)"
nproc_max="$(ulimit -Hu)"
if [ "$nproc_max" = unlimited ]; then nproc_max=1048576; fi
while [ "$nproc_max" -gt 256 ] && ! "$engine" "${engine_args[@]}" run --rm --network none --ulimit "$nofile" \
  --ulimit "nproc=$nproc_max:$nproc_max" --entrypoint true "$node_image" >/dev/null 2>&1; do
  nproc_max=$((nproc_max / 2))
done
echo "Container limits: $nofile nproc=$nproc_max:$nproc_max"

ulimit_args=(--ulimit "$nofile" --ulimit "nproc=$nproc_max:$nproc_max")
image="localhost/okta-hubspot-sync:smoke"
echo "Building $image on $engine with NODE_IMAGE=$node_image"
build_started=$(date +%s)
"$engine" "${engine_args[@]}" build "${build_args[@]}" --network host "${ulimit_args[@]}" \
  --build-arg "NODE_IMAGE=$node_image" -t "$image" -f Dockerfile . >"${TMPDIR:-/tmp}/okta-hubspot-sync-build.log" 2>&1 \
  || { tail -40 "${TMPDIR:-/tmp}/okta-hubspot-sync-build.log" >&2; echo "image build failed" >&2; exit 1; }
echo "Built in $(($(date +%s) - build_started)) s"

status=0
CONTAINER_RUN_ULIMITS="$nofile nproc=$nproc_max:$nproc_max" CONTAINER_ENGINE="$engine" CONTAINER_ENGINE_ARGS="${engine_args[*]}" SMOKE_IMAGE="$image" \
  node scripts/node-lts.js node -r ./test/integration/pipeline/swc-register.js test/container/container-smoke.ts || status=$?
echo "test:container took $(($(date +%s) - started)) s"
exit "$status"
