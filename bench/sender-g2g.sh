#!/usr/bin/env bash
# Glass-to-glass of sender variants, side by side: a focused companion of bench/run.sh's
# phase 3 for trying changes to the server's gst-launch-1.0 pipeline (the part after the
# source: encoder options, the tee and queues, the udpsinks). Every variant runs with the
# same receiver (bench.Probe: rtpbin ! rtph264depay ! h264parse ! avdec_h264 ! appsink
# sync=false) and the same RFC 6051 NTP-64 capture time inserted right after the payloader,
# as in bench/README.md. Variants are interleaved and their order rotates every round, so
# load from other work on the machine falls on all of them alike.
#
# Usage: bench/sender-g2g.sh [VARIANT...]   (default: all; names below)
# "server" is ours: the server from out/mods (./build.sh compile) with --start, its own child
# given the capture time by a gst-launch-1.0 shim first on its PATH, as bench/run.sh does.
# Environment:
#   G2G_ROUNDS=3      rounds (each variant once per round and rate)
#   G2G_SECONDS=8     frames measured per run, after G2G_WARMUP=2 s of frames not counted
#   G2G_RATES="30 60" frame rates (1280x720)
#   G2G_PORT=19150    the UDP port the probe listens on (loopback)
# Needs out/lib (./build.sh compile) and a JDK 21+ (JAVA_HOME or /usr/lib/jvm).
# Prints one line per run and a table: per variant and rate, the median of the runs' p50
# (with the lowest and highest), and the median of their p95. Files in out/bench/sender-g2g/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ROUNDS=${G2G_ROUNDS:-3}
SECONDS_PER_RUN=${G2G_SECONDS:-8}
WARMUP=${G2G_WARMUP:-2}
RATES=${G2G_RATES:-30 60}
PORT=${G2G_PORT:-19150}
WORK=$ROOT/out/bench/sender-g2g
CLASSES=$WORK/classes
CP=$CLASSES:$ROOT/out/lib/com.sun.jna.jar

JDK=${JAVA_HOME:-}
if [[ -z $JDK ]]; then for c in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do [[ -x $c/bin/javac ]] && { JDK=$c; break; }; done; fi
[[ -x $JDK/bin/javac ]] || { echo "sender-g2g: no JDK with javac: set JAVA_HOME" >&2; exit 2; }
[[ -f $ROOT/out/lib/com.sun.jna.jar ]] || { echo "sender-g2g: no out/lib: run ./build.sh compile" >&2; exit 2; }
mkdir -p "$CLASSES"
"$JDK/bin/javac" --release 21 -nowarn -cp "$ROOT/out/lib/com.sun.jna.jar" -d "$CLASSES" bench/src/bench/Probe.java

# The shim: rtpbin and the NTP-64 extension right after the payloader of the server's argv
# (the rewrite of bench/src/bench/Bench.java's shimScript), then the real gst-launch-1.0.
REALGST=$(command -v gst-launch-1.0)
mkdir -p "$WORK/shim" "$WORK/state"; chmod 700 "$WORK/state"
cat >"$WORK/shim/gst-launch-1.0" <<SHIM
#!/bin/bash
out=(); inserted=0; pay=0
for a in "\$@"; do
  if [[ \$inserted == 0 && \${#out[@]} -gt 0 && \$a != -* ]]; then out+=(rtpbin name=rbntp rtcp-sync-send-time=false); inserted=1; fi
  out+=("\$a")
  if [[ \$a == rtph264pay && \$pay == 0 ]]; then pay=1; fi
  if [[ \$a == '!' && \$pay == 1 ]]; then
    out+=('application/x-rtp,extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64' '!' rbntp.send_rtp_sink_0 rbntp.send_rtp_src_0 '!')
    pay=2
  fi
done
printf '%s ' "\${out[@]}" >"$WORK/server-argv.txt"
exec "$REALGST" "\${out[@]}"
SHIM
chmod +x "$WORK/shim/gst-launch-1.0"

# The server's pipeline up to and with the payloader (StreamPlan), then the capture time.
front() { # RATE [x264enc extra options...]
  local rate=$1; shift
  echo "rtpbin name=rb rtcp-sync-send-time=false videotestsrc is-live=true pattern=ball ! videoconvert ! videoscale !" \
    "videorate drop-only=true ! video/x-raw,format=I420,width=1280,height=720,framerate=$rate/1 !" \
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=$rate bitrate=2000 $* !" \
    "video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=1 pt=96 !" \
    "application/x-rtp,extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64 ! rb.send_rtp_sink_0 rb.send_rtp_src_0 !"
}
TAP=$((PORT + 1)) # the second destination stands in for the server's RTP tap; nothing listens there

# Each variant: the whole sender pipeline at a rate. "raw" is what bench/run.sh calls raw: the
# server's argv up to the payloader, then one default udpsink.
variant() { # NAME RATE
  local r=$2
  case $1 in
    raw)            echo "$(front "$r") udpsink host=127.0.0.1 port=$PORT" ;;
    raw-nosync)     echo "$(front "$r") udpsink host=127.0.0.1 port=$PORT sync=false" ;;
    tee)            echo "$(front "$r") tee name=t t. ! queue ! udpsink host=127.0.0.1 port=$PORT t. ! queue ! udpsink host=127.0.0.1 port=$TAP" ;;
    tee-nosync)     echo "$(front "$r") tee name=t t. ! queue ! udpsink host=127.0.0.1 port=$PORT sync=false t. ! queue ! udpsink host=127.0.0.1 port=$TAP sync=false" ;;
    # without queues the sinks must not preroll (async=false): the first would block the tee's only thread
    tee-noq-nosync) echo "$(front "$r") tee name=t t. ! udpsink host=127.0.0.1 port=$PORT sync=false async=false t. ! udpsink host=127.0.0.1 port=$TAP sync=false async=false" ;;
    threads1)       echo "$(front "$r" threads=1) tee name=t t. ! queue ! udpsink host=127.0.0.1 port=$PORT sync=false t. ! queue ! udpsink host=127.0.0.1 port=$TAP sync=false" ;;
    server)         echo "(the server's own child)" ;;
    *) echo "sender-g2g: unknown variant $1" >&2; exit 2 ;;
  esac
}
ALL=(raw raw-nosync tee tee-nosync tee-noq-nosync threads1 server)
if (($#)); then VARIANTS=("$@"); else VARIANTS=("${ALL[@]}"); fi
for v in "${VARIANTS[@]}"; do variant "$v" 30 >/dev/null; done

PROBE=""; SENDER=""
cleanup() {
  [[ -n $SENDER ]] && kill -INT "$SENDER" 2>/dev/null && sleep 0.3 && kill -KILL "$SENDER" 2>/dev/null
  [[ -n $PROBE ]] && kill -KILL "$PROBE" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# p50 p95 max (ms) of the frames after the warm-up, from a probe output file.
stats() {
  awk -v w="$WARMUP" 'NR>1 { if (!t0) t0=$1; if ($1-t0 > w*1e9) print $2/1e6 }' "$1" | sort -n |
    awk '{ a[NR]=$1 } END { if (NR == 0) { print "NA NA NA 0"; exit }
      printf "%.1f %.1f %.1f %d\n", a[int((NR-1)*0.5)+1], a[int((NR-1)*0.95)+1], a[NR], NR }'
}

RUNS=$WORK/runs.txt
: >"$RUNS"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
n=${#VARIANTS[@]}
for ((round = 0; round < ROUNDS; round++)); do
  for rate in $RATES; do
    for ((k = 0; k < n; k++)); do
      v=${VARIANTS[$(((k + round) % n))]}
      out=$WORK/$v-$rate-$round.txt
      "$JDK/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$CP" bench.Probe latency "$PORT" \
        "$((SECONDS_PER_RUN + WARMUP))" "$out" >"$WORK/probe.log" 2>&1 &
      PROBE=$!
      sleep 0.8 # the probe's JVM and pipeline up before the first packet
      if [[ $v == server ]]; then
        PATH=$WORK/shim:$PATH "$JDK/bin/java" -p "$ROOT/out/mods:$ROOT/out/lib" -m stream.server --port 0 --bind 127.0.0.1 \
          --state-dir "$WORK/state" --source test --framerate "$rate" --dest "127.0.0.1:$PORT" --start >"$WORK/sender.log" 2>&1 &
      else
        # word splitting only (no eval, globbing off): $! is gst-launch-1.0 itself
        set -f; gst-launch-1.0 -e $(variant "$v" "$rate") >"$WORK/sender.log" 2>&1 &
        set +f
      fi
      SENDER=$!
      wait "$PROBE" || true
      PROBE=""
      kill -INT "$SENDER" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$SENDER" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$SENDER" 2>/dev/null || true # a sender that does not end on EOS within 5 s
      wait "$SENDER" 2>/dev/null || true
      SENDER=""
      [[ -f $out ]] || : >"$out"
      read -r p50 p95 max frames < <(stats "$out")
      printf '%-15s %3s fps round %d: p50 %6s ms  p95 %6s ms  max %6s ms  (%s frames)\n' "$v" "$rate" "$round" "$p50" "$p95" "$max" "$frames"
      echo "$v $rate $round $p50 $p95 $max $frames" >>"$RUNS"
    done
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
median() { sort -n | awk '{ a[NR]=$1 } END { if (NR) printf "%.1f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2 }'; }
col() { awk -v v="$1" -v r="$2" -v c="$3" '$1==v && $2==r && $4!="NA" { print $c }' "$RUNS"; }
echo "variant          fps  runs  p50: median (lowest-highest)  p95: median"
for rate in $RATES; do
  for v in "${VARIANTS[@]}"; do
    runs=$(col "$v" "$rate" 4 | wc -l)
    if ((runs == 0)); then printf '%-15s %4s     0  (no frames)\n' "$v" "$rate"; continue; fi
    printf '%-15s %4s  %4d  %6s ms (%s-%s)  %6s ms\n' "$v" "$rate" "$runs" "$(col "$v" "$rate" 4 | median)" \
      "$(col "$v" "$rate" 4 | sort -n | head -1)" "$(col "$v" "$rate" 4 | sort -n | tail -1)" "$(col "$v" "$rate" 5 | median)"
  done
done
