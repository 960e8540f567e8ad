#!/bin/bash
# The CUDA backend's GPU check, for a session that has a GPU machine (see
# /work/.library/device/README.md: the machine has CUDA and a driver but no Java and no Maven; the
# working tree travels, ignored paths only when carried).
#
#   Here (with Maven):   native-cuda/gpu-check.sh prepare
#       builds the project (the library with nvcc), runs ../shared/tools/device-prep (a small JRE
#       and the JUnit console launcher) and copies into .device/ what the run needs: the compiled
#       classes of annotations, runtime (+ tests) and native-cuda (+ tests, + libadjoint_cuda.so),
#       the JNA jar and ../shared/fixtures.
#   There (device run):  bash native-cuda/gpu-check.sh run      with carry [".device"]
#       runs, on cuda:0, with the CPU as the reference:
#         1. every native-cuda test (CudaBackendTest: each Backend method against the CPU; the
#            host tests again),
#         2. the runtime's device-parameterised suites (Devices#all: AdjointSpecTest,
#            OpCompletenessTest, FixtureTrainingTest, ZerosOnDeviceTest), which include cuda:0
#            once CUDA is available,
#         3. the whole runtime suite with the CUDA backend on the classpath (CPU tests must stay
#            green with a GPU present),
#       each under its own time limit, writing logs and reports.tgz (JUnit XML) to $OUT (or
#       .device/out).
#   A device call, e.g.:  run(command="bash native-cuda/gpu-check.sh run", carry=[".device"],
#                             timeout_s=540)
set -uo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))
cd "$root"
mode=${1:-}

prepare() {
  set -e
  mvn -q -o -B -DskipTests test-compile -pl native-cuda -am
  test -f native-cuda/target/classes/dev/adjoint/cuda/linux-x86_64/libadjoint_cuda.so \
    || { echo "libadjoint_cuda.so was not built: is nvcc at /usr/local/cuda/bin/nvcc?"; exit 1; }
  ../shared/tools/device-prep
  rm -rf .device/cp .device/shared
  mkdir -p .device/cp .device/shared
  for m in annotations runtime native-cuda; do
    cp -r "$m/target/classes" ".device/cp/$m-classes"
    [ -d "$m/target/test-classes" ] && cp -r "$m/target/test-classes" ".device/cp/$m-test-classes"
  done
  cp ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar .device/cp/
  cp -r ../shared/fixtures .device/shared/ 2>/dev/null || echo "no ../shared/fixtures: fixture tests will skip"
  du -sh .device
  echo "prepared: run 'bash native-cuda/gpu-check.sh run' on the device with carry [\".device\"]"
}

run() {
  out=${OUT:-.device/out}
  # At most 8 files come back from $OUT: the logs, and the JUnit XML reports in one archive.
  reports=.device/reports
  rm -rf "$reports"
  mkdir -p "$out" "$reports"
  nvidia-smi -L 2>&1 | tee "$out/gpu.txt"
  export LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
  cp=".device/cp/jna-5.19.1.jar"
  for d in .device/cp/*-classes; do cp="$cp:$d"; done
  java=(bash .device/java --add-modules=jdk.incubator.vector -Dadjoint.cuda.built=true
    -Dadjoint.shared=.device/shared -Djna.library.path=/usr/local/cuda/lib64
    -cp "$cp:.device/junit-console.jar")
  launcher=(org.junit.platform.console.ConsoleLauncher --disable-banner --details=summary
    --details-theme=ascii)
  status=0
  # 1. The CUDA backend's own tests.
  timeout 180 "${java[@]}" "${launcher[@]}" --select-package dev.adjoint.cuda \
    --reports-dir "$reports/cuda" 2>&1 | tee "$out/cuda.log" | tail -40 || status=1
  # 2. The runtime's device-parameterised suites, now with cuda:0.
  timeout 180 "${java[@]}" "${launcher[@]}" \
    --select-class dev.adjoint.autograd.AdjointSpecTest \
    --select-class dev.adjoint.autograd.OpCompletenessTest \
    --select-class dev.adjoint.optim.FixtureTrainingTest \
    --select-class dev.adjoint.tensor.ZerosOnDeviceTest \
    --reports-dir "$reports/devices" 2>&1 | tee "$out/devices.log" | tail -40 || status=1
  # 3. Everything else in the runtime suite, with the CUDA provider present.
  timeout 150 "${java[@]}" "${launcher[@]}" --scan-classpath .device/cp/runtime-test-classes \
    --reports-dir "$reports/runtime" 2>&1 | tee "$out/runtime.log" | tail -25 || status=1
  tar czf "$out/reports.tgz" -C "$reports" .
  echo "gpu-check: $([ $status = 0 ] && echo PASSED || echo FAILED); logs and reports in $out"
  exit $status
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run"; exit 2 ;;
esac
