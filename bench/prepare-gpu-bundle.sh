#!/usr/bin/env bash
# Prepares what bench/gpu-check.sh needs on the GPU machine, which has no node, no npm, no Vulkan
# loader and no network (see DEVICE.md). Run here, on a Linux x86-64 machine with the repo's
# node_modules installed; everything goes to git-ignored folders:
#   .device/node-ort.tar.xz  this machine's node binary + onnxruntime-node (linux-x64 binaries only)
#                            + onnxruntime-common  (~35 MB; rebuilt only when node or ORT changes)
#   .device/gpuCheck.js      bench/gpuCheck.ts bundled with the engine (rebuilt every time)
#   .gl/*.deb                the Vulkan loader and GL dispatch packages (downloaded, not installed;
#                            skipped when already there or when apt-get cannot reach a mirror)
# Pass the device machine's tool `carry: [".device", ".gl"]` so both travel with the working tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "prepare-gpu-bundle: must run on Linux x86-64 (the GPU machine's platform)" >&2; exit 1; }
[ -d node_modules/onnxruntime-node ] || { echo "prepare-gpu-bundle: run npm install first" >&2; exit 1; }
mkdir -p .device

# 1. The engine + check, one CommonJS file; onnxruntime-node stays a separate package (native addon).
node_modules/.bin/esbuild bench/gpuCheck.ts --bundle --platform=node --format=cjs --target=node20 \
  --external:onnxruntime-node --log-level=warning --outfile=.device/gpuCheck.js

# 2. node + onnxruntime-node, packed once per (node version, ORT version).
ort_version=$(node -p "require('onnxruntime-node/package.json').version")
stamp="node $(node --version), onnxruntime-node $ort_version"
if [ ! -f .device/node-ort.tar.xz ] || [ "$(cat .device/node-ort.stamp 2>/dev/null)" != "$stamp" ]; then
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/ftlab-node/bin" "$stage/ftlab-node/node_modules"
  cp "$(command -v node)" "$stage/ftlab-node/bin/node"
  cp -r node_modules/onnxruntime-common "$stage/ftlab-node/node_modules/"
  mkdir -p "$stage/ftlab-node/node_modules/onnxruntime-node/bin/napi-v6/linux"
  cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist node_modules/onnxruntime-node/lib \
    "$stage/ftlab-node/node_modules/onnxruntime-node/"
  cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$stage/ftlab-node/node_modules/onnxruntime-node/bin/napi-v6/linux/"
  echo "prepare-gpu-bundle: packing $stamp (xz, takes a minute or two)…"
  tar -C "$stage" -cf - ftlab-node | xz -T0 -6 > .device/node-ort.tar.xz
  echo "$stamp" > .device/node-ort.stamp
fi

# 3. Vulkan loader .debs, per DEVICE.md (amd64, fetched with apt-get download: nothing is installed here).
if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p .gl /tmp/ftlab-apt-amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/ftlab-apt-amd64'
  # shellcheck disable=SC2086
  if apt-get $o update >/dev/null 2>&1 && (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1); then
    echo "prepare-gpu-bundle: Vulkan loader packages in .gl/"
  else
    echo "prepare-gpu-bundle: could not download the Vulkan loader packages into .gl/ (no apt mirror?); the GPU machine will then fall back to the CPU" >&2
  fi
fi

du -ch .device/node-ort.tar.xz .device/gpuCheck.js .gl/*.deb 2>/dev/null | tail -1 | sed 's/^/prepare-gpu-bundle: upload size /'
