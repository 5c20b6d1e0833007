#!/usr/bin/env bash
# GPU check for the H200 machine of DEVICE.md (no node, no npm, no Vulkan loader, no network there):
# unpacks the node + onnxruntime-node bundle made by bench/prepare-gpu-bundle.sh, installs the Vulkan
# loader from .gl/*.deb as DEVICE.md describes (only on a machine with an NVIDIA GPU), then trains
# OPT-125m through our engine on WebGPU with the state resident on the GPU — full FT, LoRA, eval at
# batch 32 × 128 — and prints samples/s and peak GPU memory beside Hugging Face's figures.
# Without a GPU or Vulkan it falls back to the CPU and says why. Whole run: at most ~5 minutes.
#
#   bash bench/gpu-check.sh [--workloads full,lora,eval] [--tiny] [--batch B] [--seq T] [--reps N] …
# Everything but --workloads is passed to gpuCheck.js. Results (JSON lines) also go to $OUT if set.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
budget=${FTLAB_GPU_CHECK_SECONDS:-290}
started=$SECONDS

workloads=full,lora,eval
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) workloads=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ ! -f .device/gpuCheck.js ] || [ ! -f .device/node-ort.tar.xz ]; then
  echo "gpu-check: .device/ has no bundle; run bench/prepare-gpu-bundle.sh on a machine with node first" >&2
  exit 2
fi

# node + onnxruntime-node, unpacked once per bundle
dest=${TMPDIR:-/tmp}
nodedir=$dest/ftlab-node
if [ ! -x "$nodedir/bin/node" ] || ! cmp -s .device/node-ort.stamp "$nodedir/stamp"; then
  rm -rf "$nodedir"
  xz -dc .device/node-ort.tar.xz | tar -C "$dest" -xf - || { echo "gpu-check: cannot unpack .device/node-ort.tar.xz" >&2; exit 2; }
  cp .device/node-ort.stamp "$nodedir/stamp"
fi
cp .device/gpuCheck.js "$nodedir/gpuCheck.js" # next to its node_modules, so onnxruntime-node resolves
node_bin=$nodedir/bin/node
echo "gpu-check: $("$node_bin" --version), $(cat .device/node-ort.stamp)"

# Vulkan for the WebGPU execution provider (DEVICE.md, step 2) — only where there is an NVIDIA GPU:
# elsewhere nothing is installed and WebGPU's failure to find an adapter is the expected fallback.
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
    if [ "$(id -u)" = 0 ] && ls .gl/*.deb >/dev/null 2>&1; then
      for f in .gl/*.deb; do dpkg -x "$f" /; done
      ldconfig
      echo "gpu-check: Vulkan loader unpacked from .gl/"
    else
      echo "gpu-check: no Vulkan loader, and .gl/*.deb missing or not root: WebGPU will fall back to the CPU" >&2
    fi
  fi
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; break; fi
  done
  echo "gpu-check: VK_DRIVER_FILES=${VK_DRIVER_FILES:-none found}"
else
  echo "gpu-check: no NVIDIA GPU here (nvidia-smi absent or sees none): expect a fallback to the CPU"
fi

results=$(mktemp)
for w in ${workloads//,/ }; do
  left=$((budget - (SECONDS - started) - 15))
  if [ "$left" -lt 20 ]; then
    echo "gpu-check: $w skipped, the time budget is spent" >&2
    continue
  fi
  # give each remaining workload a fair share of what is left
  n_left=$(echo "${workloads//,/ }" | tr ' ' '\n' | sed -n "/^$w\$/,\$p" | wc -l)
  limit=$((left / n_left))
  [ "$w" = full ] && limit=$((left * 2 / (n_left + 1)))
  echo "gpu-check: $w (limit ${limit}s)…" >&2
  timeout -k 5 "$limit" "$node_bin" "$nodedir/gpuCheck.js" --workload "$w" --max-seconds "$limit" "${args[@]}" >>"$results"
  rc=$?
  [ $rc -eq 0 ] || echo "gpu-check: $w failed (exit $rc$([ $rc -eq 124 ] && echo ', time limit'))" >&2
done

echo
"$node_bin" "$nodedir/gpuCheck.js" --summary "$results"
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then cp "$results" "$OUT/gpu-check.jsonl"; fi
rm -f "$results"
echo "gpu-check: done in $((SECONDS - started)) s"
