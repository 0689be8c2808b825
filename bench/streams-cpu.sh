#!/usr/bin/env bash
# CPU of 1, 2 and 4 named streams in one stream-server against the same number of raw
# gst-launch-1.0 pipelines (issue 9; target: ratio <= 1.05 at every count).
#
# Ours: the server JVM plus its children, utime+stime from /proc/PID/stat over a window, with N
# streams defined by --streams and started with it. Raw: the children's own argv (GET /streams
# "command") without the branch to the server's statistics tap, started directly. Both interleaved,
# BENCH_STREAMS_ROUNDS windows of BENCH_STREAMS_SECONDS each.
#
#   bench/streams-cpu.sh [COUNTS...]    default: 1 2 4
# Environment: BENCH_STREAMS_SECONDS=20, BENCH_STREAMS_ROUNDS=2, BENCH_STREAMS_SIZE=640x360@30,
#   JAVA (default: the JDK build.sh finds, else java on PATH), after ./build.sh compile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SECONDS_PER=${BENCH_STREAMS_SECONDS:-20}
ROUNDS=${BENCH_STREAMS_ROUNDS:-2}
SIZE=${BENCH_STREAMS_SIZE:-640x360@30}
W=${SIZE%%x*}; rest=${SIZE#*x}; H=${rest%%@*}; FPS=${SIZE#*@}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/temurin-2[5-9]*/bin/java 2>/dev/null | head -1)}
JAVA=${JAVA:-java}
TICK=$(getconf CLK_TCK)
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# utime+stime in clock ticks of the given pids (and, with -t, of their gst-launch-1.0 children).
ticks() {
  local sum=0 p f
  for p in "$@"; do
    f=/proc/$p/stat
    [[ -r $f ]] || continue
    # fields after the ")" of comm: utime is the 12th, stime the 13th
    set -- $(sed 's/^.*) //' "$f")
    sum=$((sum + ${12} + ${13}))
  done
  echo "$sum"
}

family() { echo "$1"; pgrep -P "$1" || true; }

# CPU seconds per second of the pids over one window.
window() {
  local before after
  before=$(ticks "$@"); sleep "$SECONDS_PER"; after=$(ticks "$@")
  echo "scale=4; ($after - $before) / $TICK / $SECONDS_PER" | bc
}

printf '| streams | ours (server + children), cores | of which the server JVM | raw gst-launch-1.0, cores | ratio |\n|---|---|---|---|---|\n'
COUNTS=("$@"); [[ ${#COUNTS[@]} -gt 0 ]] || COUNTS=(1 2 4)
for N1 in "${COUNTS[@]}"; do
  state=$WORK/state-$N1; mkdir -p "$state"
  defs="{"
  for i in $(seq 2 "$N1"); do
    [[ $i -gt 2 ]] && defs+=","
    defs+="\"s$i\": {\"source\":\"test\",\"width\":$W,\"height\":$H,\"framerate\":$FPS,\"destinations\":[\"127.0.0.1:$((40000 + 10 * N1 + i))\"],\"autostart\":true}"
  done
  defs+="}"
  echo "$defs" > "$WORK/streams.json"
  "$JAVA" -p out/mods:out/lib -m stream.server/stream.server.internal.Main --port 0 --bind 127.0.0.1 --source test \
    --width "$W" --height "$H" --framerate "$FPS" --dest "127.0.0.1:$((40000 + 10 * N1 + 1))" --state-dir "$state" \
    --start --streams "$WORK/streams.json" > "$WORK/server.log" 2>&1 &
  server=$!; PIDS+=("$server")
  for _ in $(seq 1 100); do grep -q listening "$WORK/server.log" && break; sleep 0.2; done
  sleep 8
  [[ $(pgrep -P "$server" | wc -l) -eq $N1 ]] || { echo "expected $N1 children; server log:"; cat "$WORK/server.log"; exit 1; }
  # The raw pipelines: each child's argv without the last branch (the server's statistics tap).
  raw_cmds=()
  for child in $(pgrep -P "$server"); do
    mapfile -d '' argv < "/proc/$child/cmdline"
    n=${#argv[@]}
    # drop: t. ! queue ! udpsink name=outK host=127.0.0.1 port=TAP (the last 8 arguments)
    cut=("${argv[@]:0:$((n - 8))}")
    raw_cmds+=("${cut[*]}")
  done
  ours_total=0; raw_total=0; jvm_total=0
  for r in $(seq 1 "$ROUNDS"); do
    fam=$(family "$server")
    b_all=$(ticks $fam); b_jvm=$(ticks "$server"); sleep "$SECONDS_PER"; a_all=$(ticks $fam); a_jvm=$(ticks "$server")
    ours_total=$(echo "scale=4; $ours_total + ($a_all - $b_all) / $TICK / $SECONDS_PER" | bc)
    jvm_total=$(echo "scale=4; $jvm_total + ($a_jvm - $b_jvm) / $TICK / $SECONDS_PER" | bc)
    # stop ours while raw runs, so both get the same machine
    kill -STOP $(family "$server") 2>/dev/null || true
    started=()
    for cmd in "${raw_cmds[@]}"; do
      # shellcheck disable=SC2086
      $cmd > /dev/null 2>&1 &
      started+=($!); PIDS+=($!)
    done
    sleep 3
    x=$(window "${started[@]}"); raw_total=$(echo "$raw_total + $x" | bc)
    kill -INT "${started[@]}" 2>/dev/null || true; wait "${started[@]}" 2>/dev/null || true
    kill -CONT $(family "$server") 2>/dev/null || true
    sleep 3
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
  ours=$(echo "scale=3; $ours_total / $ROUNDS" | bc); raw=$(echo "scale=3; $raw_total / $ROUNDS" | bc)
  jvm=$(echo "scale=3; $jvm_total / $ROUNDS" | bc)
  printf '| %d | %.3f | %.3f | %.3f | %.3fx |\n' "$N1" "$ours" "$jvm" "$raw" "$(echo "scale=4; $ours / $raw" | bc)"
done
