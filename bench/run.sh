#!/usr/bin/env bash
# Measures the project against the raw GStreamer limit and writes bench/RESULTS.md and
# bench/results.json (see bench/README.md). Called by `./build.sh bench` (`make bench`) after
# the image is built at out/image. Never fails the build: it exits 0, with a note in
# RESULTS.md when a measurement failed.
#
# Usage: bench/run.sh [--only PHASE,...]
#   --only coldstart,http   run only these phases (after the discovery every phase needs); the
#                           results then go to out/bench/RESULTS.md and out/bench/results.json, and
#                           bench/RESULTS.md stays the last full run. Phases: coldstart http ttff
#                           latejoin g2g image cost streams browser record janus fanout rtsp audio camera.
#
# Environment:
#   BENCH_RUNS=5            runs per figure (time to first frame, late join, start/stop)
#   BENCH_G2G_SECONDS=30    glass-to-glass window per pipeline
#   BENCH_COST_SECONDS=15   CPU window per pipeline (BENCH_COST_ROUNDS=2 windows each; the rounds also the streams phase's)
#   BENCH_STREAMS_SECONDS=10  CPU window of the streams phase (1/2/4/8 streams at 720p30, BENCH_COST_ROUNDS windows each)
#   BENCH_BROWSER_SECONDS=10  browser glass-to-glass window (BENCH_BROWSER_ROUNDS=3 rounds; also the Janus row's)
#   BENCH_BROWSER_VARIANTS=default,jbt=0  browser page variants, interleaved (the first gives the main rows; ?jbt=N sets jitterBufferTarget)
#   BENCH_BROWSER_STEPS=    browser viewer ramp (default 1,2,4,6,8,12,16); BENCH_BROWSER_TTFF_RUNS (BENCH_RUNS) fresh tabs
#   BENCH_FANOUT_SECONDS=8  fan-out phase: CPU window per step of the light WebRTC receivers' ramp (gateway, then Janus)
#   BENCH_FANOUT_STEPS=     fan-out ramp (default 10,25,50,100,150 viewers)
#   BENCH_RTSP_SECONDS=5    RTSP phase: CPU window per step (glass-to-glass: twice that, or BENCH_RTSP_G2G_SECONDS)
#   BENCH_RTSP_CLIENTS=1,10,50          RTSP phase: the client counts of the CPU-per-client rows
#   BENCH_RTSP_RAMP=25,50,100,200,400   RTSP phase: the ramp of the clients-per-core row
#   BENCH_AUDIO_SECONDS=20  audio phase: the window in which Chromium's beeps and flashes are paired
#   BENCH_AUDIO_HEADLESS=1  audio phase: Chromium headless (as before) instead of in a window on an Xvfb display
#   BENCH_AUDIO_PARTS=cpu,native,browser  audio phase: only some of its parts
#   BENCH_CAMERA_SECONDS=10 camera phase: CPU window of the camera relay and of the encoding pipeline
#   BENCH_CAMERA_ROUNDS=3   camera phase: camera restarts timed, for each way of asking it again
#   BENCH_BUDGET_SECONDS=1500 phases that would start after this are skipped (the whole run: about 20 minutes)
#   BENCH_NO_INSTALL=1      do not apt-get install hyperfine and wrk (fall back to Java tools)
#   BENCH_JAVA_TOOLS=1      use the Java fallbacks even when hyperfine and wrk are there
#   BENCH_NOTE="..."        a sentence put at the top of RESULTS.md (e.g. what else ran meanwhile)
#   JAVA_HOME               a JDK 21+ to compile and run the helpers (found by itself otherwise)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ROOT=$PWD
IMAGE=$ROOT/out/image
LIB=$ROOT/out/lib
WORK=$ROOT/out/bench
CLASSES=$WORK/classes
ONLY=""
case ${1:-} in
  --only) ONLY=${2:?--only needs phases, e.g. --only coldstart,http}; shift 2 ;;
  --only=*) ONLY=${1#--only=}; shift ;;
  "") ;;
  -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) printf 'bench/run.sh: unknown argument "%s" (see --help)\n' "$1" >&2; exit 2 ;;
esac
# A partial run does not replace the last full run's results.
if [[ -n $ONLY ]]; then RESULTS_DIR=$WORK; else RESULTS_DIR=$ROOT/bench; fi
RESULTS=$RESULTS_DIR/RESULTS.md

banner() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

# Everything started below runs in this script's process group; end it all on exit.
BENCH_PID=""
cleanup() {
  if [[ -n $BENCH_PID ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null
    # the bench's shutdown hook ends what it started (up to ~4 s); give it time before SIGKILL
    local i
    for i in $(seq 1 100); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BENCH_PID" 2>/dev/null
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A note in RESULTS.md when the bench could not run at all.
fail_note() {
  mkdir -p "$RESULTS_DIR"
  {
    say "# Benchmark results"
    say ""
    say "The bench could not run on $(date -u +%Y-%m-%dT%H:%M:%SZ): $*"
    say ""
    say "See bench/README.md for the set-up."
  } >"$RESULTS"
  say "bench: $*" >&2
  exit 0
}

# ---------------------------------------------------------------- prerequisites
banner "bench: prerequisites"
[[ -x $IMAGE/bin/stream-server ]] || fail_note "no image at out/image: run ./build.sh image (or make bench) first"
command -v gst-launch-1.0 >/dev/null 2>&1 || fail_note "gst-launch-1.0 is missing: run ./build.sh setup"

find_jdk() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n $c && -x $c/bin/javac && -x $c/bin/java ]] || continue
    local v
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [[ -n $v ]] && (( v >= 21 )); then JDK=$c; return 0; fi
  done
  return 1
}
find_jdk || fail_note "no JDK 21+ with javac found for the bench's helpers: set JAVA_HOME"
say "helpers' JDK: $JDK"

# hyperfine and wrk from Debian's packages, when missing and we may install them.
want=()
command -v hyperfine >/dev/null 2>&1 || want+=(hyperfine)
command -v wrk >/dev/null 2>&1 || want+=(wrk)
if (( ${#want[@]} )); then
  if [[ ${BENCH_NO_INSTALL:-0} != 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${want[*]} (Debian packages)"
    timeout 180 apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1 ||
      { timeout 120 apt-get update -qq >/dev/null 2>&1; timeout 180 apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1; } ||
      say "could not install ${want[*]}; using the Java fallbacks"
  else
    say "missing ${want[*]}; using the Java fallbacks (install with: sudo apt-get install ${want[*]})"
  fi
fi
HYPERFINE=$(command -v hyperfine || true)
WRK=$(command -v wrk || true)
if [[ ${BENCH_JAVA_TOOLS:-0} == 1 ]]; then HYPERFINE=""; WRK=""; fi
say "hyperfine: ${HYPERFINE:-missing (timing loop)}   wrk: ${WRK:-missing (bench.HttpLoad)}"

# ---------------------------------------------------------------- helpers
banner "bench: compile the helpers (bench/src)"
rm -rf "$CLASSES"; mkdir -p "$CLASSES"
# stream.server's jar on the class path: some helpers (RecordCost) drive the server's classes directly.
# The test kit (Chromium, NetNs, Ports: the same as the tests') comes from ./build.sh testkit.
TESTKIT=$ROOT/out/testkit/stream.testkit.jar
[[ -f $TESTKIT ]] || fail_note "no test kit at out/testkit/stream.testkit.jar: run ./build.sh testkit (./build.sh bench does)"
CP_LIB=$LIB/com.sun.jna.jar:$LIB/com.eclipsesource.json.jar:$ROOT/out/mods/stream.server.jar:$TESTKIT
run "$JDK/bin/javac" --release 21 -encoding UTF-8 -nowarn -cp "$CP_LIB" -d "$CLASSES" $(find bench/src -name '*.java') ||
  fail_note "the bench's helpers do not compile (bench/src)"

# ---------------------------------------------------------------- measure
banner "bench: measure (about 14 minutes on 2 cores)"
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
timeout --kill-after=20 "${BENCH_TIMEOUT_SECONDS:-1800}" \
  "$JDK/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
    -cp "$CLASSES:$CP_LIB" \
    -Dbench.root="$ROOT" \
    -Dbench.image="$IMAGE" \
    -Dbench.work="$WORK" \
    -Dbench.helper.java="$JDK/bin/java" \
    -Dbench.helper.cp="$CLASSES:$CP_LIB" \
    -Dbench.hyperfine="$HYPERFINE" \
    -Dbench.wrk="$WRK" \
    -Dbench.clk_tck="$CLK_TCK" \
    -Dbench.runs="${BENCH_RUNS:-5}" \
    -Dbench.g2g.seconds="${BENCH_G2G_SECONDS:-30}" \
    -Dbench.cost.seconds="${BENCH_COST_SECONDS:-15}" \
    -Dbench.cost.rounds="${BENCH_COST_ROUNDS:-2}" \
    -Dbench.streams.seconds="${BENCH_STREAMS_SECONDS:-10}" \
    -Dbench.browser.seconds="${BENCH_BROWSER_SECONDS:-10}" \
    -Dbench.browser.rounds="${BENCH_BROWSER_ROUNDS:-3}" \
    -Dbench.browser.variants="${BENCH_BROWSER_VARIANTS:-default,jbt=0}" \
    -Dbench.browser.steps="${BENCH_BROWSER_STEPS:-}" \
    -Dbench.browser.ttff.runs="${BENCH_BROWSER_TTFF_RUNS:-${BENCH_RUNS:-5}}" \
    -Dbench.fanout.seconds="${BENCH_FANOUT_SECONDS:-8}" \
    -Dbench.fanout.steps="${BENCH_FANOUT_STEPS:-}" \
    -Dbench.rtsp.seconds="${BENCH_RTSP_SECONDS:-5}" \
    -Dbench.rtsp.g2g.seconds="${BENCH_RTSP_G2G_SECONDS:-$(( 2 * ${BENCH_RTSP_SECONDS:-5} ))}" \
    -Dbench.rtsp.clients="${BENCH_RTSP_CLIENTS:-1,10,50}" \
    -Dbench.rtsp.ramp="${BENCH_RTSP_RAMP:-25,50,100,200,400}" \
    -Dbench.audio.seconds="${BENCH_AUDIO_SECONDS:-20}" \
    -Dbench.audio.headless="${BENCH_AUDIO_HEADLESS:-false}" \
    -Dbench.audio.parts="${BENCH_AUDIO_PARTS:-cpu,native,browser}" \
    -Dbench.camera.seconds="${BENCH_CAMERA_SECONDS:-10}" \
    -Dbench.camera.rounds="${BENCH_CAMERA_ROUNDS:-3}" \
    -Dbench.budget.seconds="${BENCH_BUDGET_SECONDS:-1500}" \
    -Dbench.note="${BENCH_NOTE:-}" \
    -Dbench.only="$ONLY" \
    -Dbench.results.dir="$RESULTS_DIR" \
    bench.Bench &
BENCH_PID=$!
wait "$BENCH_PID"
rc=$?
BENCH_PID=""
if (( rc != 0 )); then
  say "bench: the measuring run ended with status $rc (see out/bench/logs/)"
  [[ -s $RESULTS ]] || fail_note "the measuring run ended with status $rc before writing results (logs in out/bench/logs/)"
fi

banner "bench: results ($RESULTS, results.json beside it; logs in out/bench/logs/)"
cat "$RESULTS"
exit 0
