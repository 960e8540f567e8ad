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
  if [ -d .git ]; then
    ../shared/tools/device-prep
  else
    # A git worktree (.git is a file), where device-prep cannot write .git/info/exclude
    # (.gitignore already ignores .device/): the same three files, made here.
    mkdir -p .device
    if [ ! -f .device/jre.tgz ]; then
      tmp=$(mktemp -d)
      modules=java.base,java.logging,java.management,java.xml,jdk.unsupported
      modules=$modules,jdk.incubator.vector,jdk.management,jdk.jfr
      /usr/lib/jvm/java-17-openjdk-amd64/bin/jlink --add-modules "$modules" \
        --strip-debug --no-man-pages --no-header-files --compress=2 --output "$tmp/jre"
      tar czf .device/jre.tgz -C "$tmp" jre
      rm -rf "$tmp"
    fi
    if [ ! -f .device/junit-console.jar ]; then
      v=1.14.1
      a=junit-platform-console-standalone
      jar=~/.m2/repository/org/junit/platform/$a/$v/$a-$v.jar
      [ -f "$jar" ] || mvn -q dependency:get -Dartifact=org.junit.platform:$a:$v >/dev/null
      cp "$jar" .device/junit-console.jar
    fi
    cat > .device/java <<'W'
#!/bin/bash
# Unpacks the carried Java runtime once per machine, then runs it.
here=$(cd "$(dirname "$0")" && pwd)
[ -x /tmp/device-jre/jre/bin/java ] || { mkdir -p /tmp/device-jre && tar xzf "$here/jre.tgz" -C /tmp/device-jre; }
exec /tmp/device-jre/jre/bin/java "$@"
W
    chmod +x .device/java
  fi
  rm -rf .device/cp .device/shared
  mkdir -p .device/cp .device/shared
  for m in annotations runtime native-cuda; do
    cp -r "$m/target/classes" ".device/cp/$m-classes"
    [ -d "$m/target/test-classes" ] && cp -r "$m/target/test-classes" ".device/cp/$m-test-classes"
  done
  cp ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar .device/cp/
  cp -r ../shared/fixtures .device/shared/ 2>/dev/null \
    || echo "no ../shared/fixtures: fixture tests will skip"
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
  dev=$root/.device
  cp="$dev/cp/jna-5.19.1.jar"
  for d in "$dev"/cp/*-classes; do cp="$cp:$d"; done
  java=(bash "$dev/java" --add-modules=jdk.incubator.vector -Dadjoint.cuda.built=true
    -Dadjoint.shared="$dev/shared" -Djna.library.path=/usr/local/cuda/lib64
    -cp "$cp:$dev/junit-console.jar")
  launcher=(org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary
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
  # 3. Everything else in the runtime suite, with the CUDA provider present, from runtime/ (tests
  # read src/test/resources and sources relative to it). Left out: BackendsTest (it asserts that
  # no CUDA provider is on the classpath) and tests that need JDK modules the small device JRE
  # lacks (java.compiler, jdk.httpserver, java.desktop); `mvn test` runs them.
  (cd runtime && timeout 150 "${java[@]}" "${launcher[@]}" \
    --scan-classpath "$dev/cp/runtime-test-classes" \
    --exclude-classname '.*\.(BackendsTest|MissingProcessorTest|DownloadTest)' \
    --exclude-classname '.*\.(CaliforniaHousingTest|SaveFileModeTest)' \
    --reports-dir "$root/$reports/runtime") 2>&1 | tee "$out/runtime.log" | tail -25 || status=1
  tar czf "$out/reports.tgz" -C "$reports" .
  echo "gpu-check: $([ $status = 0 ] && echo PASSED || echo FAILED); logs and reports in $out"
  exit $status
}

case "$mode" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run"; exit 2 ;;
esac
