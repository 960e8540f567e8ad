#!/bin/bash
# Compiles src/main/cuda/*.cu with nvcc into one shared library, libadjoint_cuda.so, with the CUDA
# runtime linked statically (users need only the driver). Maven's `cuda` profile runs it (active
# when /usr/local/cuda/bin/nvcc exists; -Dadjoint.nvcc=PATH names another nvcc).
#
#   build-native.sh NVCC OUTPUT_DIR
#
# Native code for sm_80 (A100) and sm_90 (H100/H200) plus PTX for compute_90, which newer GPUs
# compile at load time. Skips the compile when the library is newer than every source (so a
# repeated `mvn test` does not pay for it again); prints the time nvcc took otherwise.
set -euo pipefail
nvcc=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$here/src/main/cuda
lib=$out/libadjoint_cuda.so
mkdir -p "$out"
if [ -f "$lib" ] && [ -z "$(find "$src" "$0" -newer "$lib" -type f | head -1)" ]; then
  echo "libadjoint_cuda.so is up to date ($lib)"
  exit 0
fi
start=$(date +%s)
# -t 0: one host thread per -gencode target. Warnings are errors, so CI fails on them too.
# --fmad=false: no multiply-add contraction, so each expression rounds as the CPU backend's Java
# does (the random draws' low + (high - low) u must be the CPU's bit for bit, for one).
"$nvcc" -std=c++17 -O3 -shared -cudart static -t 0 --Werror all-warnings --fmad=false \
  -Xcompiler -fPIC,-fvisibility=hidden \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -I"$src" "$src"/*.cu -o "$lib.tmp"
mv "$lib.tmp" "$lib"
echo "nvcc built $lib from $(ls "$src"/*.cu | wc -l) files in $(( $(date +%s) - start )) s"
