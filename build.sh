#!/usr/bin/env bash
# Builds, tests and links the live-stream project: three JPMS modules, one jlink image.
#
#   ./build.sh [phase...]     phases run in the order given; the default is "image"
#
#   setup    install the GStreamer packages this machine lacks (as root with apt-get),
#            or print the exact command to run
#   deps     download the pinned third-party jars (only when missing) and check their SHA-256
#   compile  compile every module with -Xlint:all -Werror and package modular jars
#   testkit  compile the test kit alone (out/testkit/stream.testkit.jar; test and bench do it first)
#   test     run every module's tests on the module path (JUnit Platform console launcher), with
#            the test kit (modules/stream.testkit: never in the image) compiled first
#   image    link out/image with the launchers stream-server, stream-client, stream-viewer and
#            their AOT caches (JDK 25+), made from training runs against a real stream
#   run      build the image, then start stream-server streaming (arguments after "--" go to it)
#   docs     javadoc for the three modules into out/docs
#   bench    run bench/run.sh (see bench/README.md); never fails the build
#   clean    remove out/ (downloaded jars stay in the cache)
#
# Environment: JAVA_HOME (a JDK 21 or newer; found by itself otherwise),
# STREAM_JDK_SEARCH (folders to look for JDKs in, instead of the usual ones),
# STREAM_JAR_CACHE (where downloaded jars are kept; default ~/.cache/java-stream/jars),
# STREAM_NO_INSTALL=1 (never install packages, only say what is missing),
# STREAM_TEST_MODULES="stream.server ..." (test only these modules),
# STREAM_TEST_ARGS="--include-classname .*ApiTest" (more console-launcher options).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VERSION=0.1.0
MIN_JAVA=21
OUT=out
CACHE=${STREAM_JAR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/java-stream/jars}
MODULES=(stream.viewer stream.client stream.server)
# What every module's tests and the bench start and wait for; on their paths, never linked.
TESTKIT=stream.testkit
LAUNCHERS=(stream-server stream-client stream-viewer)
LOCK=jlink/dependencies.lock
# Debian packages: what the stream needs at run time, and what the tests need besides.
# util-linux: setsid and setpriv, which start the child in a session of its own and make it die with the server.
RUNTIME_PACKAGES=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
                  gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-x
                  gstreamer1.0-nice util-linux   # libnice for webrtcbin (the WebRTC gateway)
                  libgstrtspserver-1.0-0)        # GStreamer's RTSP server library (the RTSP gateway)
# Xvfb, xwininfo, ffmpeg/ffprobe, ip netns and ss, systemd-analyze, mount (tmpfs), Janus with a
# client for its API (curl), nginx (the reverse-proxy test), a browser (Chromium) for the WebRTC, dashboard and Janus tests,
# and stand-in IP cameras: GStreamer's RTSP server library from Debian's /usr/bin/python3 (CameraTest),
# jq and file for the README's examples (ReadmeExamplesTest)
TEST_PACKAGES=(xvfb x11-utils ffmpeg iproute2 systemd mount janus curl chromium nginx python3-gi gir1.2-gst-rtsp-server-1.0 jq file
               pulseaudio pulseaudio-utils)   # a PulseAudio server of the test's own: a microphone that can disappear (MicrophoneTest)

banner() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 2; }
run() { printf '+ %s\n' "$*"; "$@"; }
# True when any file under the given paths is newer than the stamp file (or the stamp is missing).
stale() { local stamp=$1; shift; [[ ! -e $stamp ]] || [[ -n $(find "$@" -newer "$stamp" -print -quit 2>/dev/null) ]]; }

# ---------------------------------------------------------------- JDK
java_version_of() { # prints the feature version of the JDK at $1, or nothing
  local home=$1 v
  [[ -x $home/bin/javac && -x $home/bin/jlink && -x $home/bin/java ]] || return 0
  if [[ -f $home/release ]]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [[ -z ${v:-} ]]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  printf '%s' "${v:-}"
}

find_jdk() {
  [[ -n ${JDK:-} ]] && return 0
  local candidates=() home v best="" best_v=0 seen=""
  [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
  local search=${STREAM_JDK_SEARCH:-"/usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* /usr/java/*
    $HOME/.sdkman/candidates/java/* $HOME/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home"}
  for home in $search; do
    [[ -d $home ]] && candidates+=("$home")
  done
  if [[ -z ${STREAM_JDK_SEARCH:-} ]] && command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in "${candidates[@]}"; do
    v=$(java_version_of "$home")
    [[ -n $v ]] || continue
    seen+="  $home (Java $v)"$'\n'
    # JAVA_HOME wins when it is new enough; otherwise the newest JDK found.
    if [[ $home == "${JAVA_HOME:-}" && $v -ge $MIN_JAVA ]]; then best=$home; best_v=$v; break; fi
    if (( v >= MIN_JAVA && v > best_v )); then best=$home; best_v=$v; fi
  done
  if [[ -z $best ]]; then
    {
      say "build.sh: no JDK $MIN_JAVA or newer found (one with javac and jlink is needed)."
      if [[ -n $seen ]]; then say "JDKs found, all too old:"; printf '%s' "$seen"; fi
      say "Install a full JDK $MIN_JAVA or newer (Debian 12 itself ships only 17): for example Eclipse"
      say "Temurin 21 or 25 (package temurin-25-jdk from Adoptium's Debian repository), or openjdk-21-jdk"
      say "on Debian 13 / Ubuntu 24.04. Then run again; point JAVA_HOME at it if it is somewhere unusual."
    } >&2
    exit 2
  fi
  if [[ -n ${JAVA_HOME:-} && $best != "$JAVA_HOME" ]]; then
    say "JAVA_HOME=$JAVA_HOME is older than Java $MIN_JAVA; using $best instead."
  fi
  JDK=$best; JDK_VERSION=$best_v
  JAVA=$JDK/bin/java; JAVAC=$JDK/bin/javac; JAR=$JDK/bin/jar; JLINK=$JDK/bin/jlink; JAVADOC=$JDK/bin/javadoc
  say "JDK: $JDK (Java $JDK_VERSION)"
}

# ---------------------------------------------------------------- system packages
missing_packages() { # prints the Debian packages from the arguments that are not installed
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
  done
}

ensure_packages() { # ensure_packages WHAT pkg...
  local what=$1; shift
  if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian: check for the tools themselves and name what to look for.
    command -v gst-launch-1.0 >/dev/null 2>&1 ||
      die "gst-launch-1.0 not found. Install GStreamer 1.x with its base, good, ugly (x264), bad and libav plugins."
    return 0
  fi
  local missing; missing=$(missing_packages "$@")
  [[ -z $missing ]] && return 0
  if [[ ${STREAM_NO_INSTALL:-0} != 1 && $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    banner "installing $what: $missing"
    run apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -qq --no-install-recommends $missing
  else
    die "missing Debian packages for $what: $missing
Install them with:  sudo apt-get install $missing"
  fi
}

phase_setup() { ensure_packages "the stream" "${RUNTIME_PACKAGES[@]}"; }

# ---------------------------------------------------------------- dependencies
# Reads the lock: scope module coordinates sha256. Fills IMAGE_DEPS and TEST_DEPS
# with "module|jar-path" entries.
read_lock() {
  IMAGE_DEPS=(); TEST_DEPS=()
  local scope module coords sum artifact version jar
  while read -r scope module coords sum; do
    [[ -z $scope || $scope == \#* ]] && continue
    IFS=: read -r _ artifact version <<<"$coords"
    jar=$CACHE/$artifact-$version.jar
    if [[ $scope == image ]]; then IMAGE_DEPS+=("$module|$jar|$coords|$sum"); else TEST_DEPS+=("$module|$jar|$coords|$sum"); fi
  done <"$LOCK"
}

fetch_and_check() { # module|jar|coords|sum
  local module jar coords sum actual
  IFS='|' read -r module jar coords sum <<<"$1"
  if [[ ! -f $jar ]]; then
    command -v mvn >/dev/null 2>&1 ||
      die "Maven (mvn) is needed to download $coords; install it (apt-get install maven) or put the jar at $jar"
    mkdir -p "$CACHE"
    run mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$CACHE" ||
      die "could not download $coords (is Maven Central reachable?)"
  fi
  actual=$(sha256sum "$jar" | cut -d' ' -f1)
  if [[ $actual != "$sum" ]]; then
    printf 'build.sh: checksum mismatch for %s\n  jar:      %s\n  expected: %s\n  actual:   %s\nDelete the jar to download it again, or fix the pin in %s.\n' \
      "$coords" "$jar" "$sum" "$actual" "$LOCK" >&2
    exit 2
  fi
}

phase_deps() {
  banner "deps: pinned jars in $CACHE"
  find_jdk
  read_lock
  local d module jar
  for d in "${IMAGE_DEPS[@]}" "${TEST_DEPS[@]}"; do fetch_and_check "$d"; done
  say "all $(( ${#IMAGE_DEPS[@]} + ${#TEST_DEPS[@]} )) jars present, SHA-256 verified"
  # Automatic modules become explicit ones: jlink refuses automatic modules.
  mkdir -p "$OUT/lib" "$OUT/test-lib"
  for d in "${IMAGE_DEPS[@]}"; do
    IFS='|' read -r module jar _ <<<"$d"
    local target=$OUT/lib/$module.jar descriptor=jlink/third-party/$module/module-info.java
    if stale "$target" "$jar" "$descriptor"; then
      local tmp=$OUT/tmp/$module; rm -rf "$tmp"; mkdir -p "$tmp"
      cp "$jar" "$target.part"
      run "$JAVAC" --release "$MIN_JAVA" --patch-module "$module=$jar" --module-path "$OUT/lib" -d "$tmp" "$descriptor"
      run "$JAR" --update --file "$target.part" --module-version "$(basename "$jar" .jar | sed 's/.*-//')" -C "$tmp" module-info.class
      mv "$target.part" "$target"
      "$JAR" --describe-module --file "$target" | head -1
    fi
  done
  for d in "${TEST_DEPS[@]}"; do
    IFS='|' read -r module jar _ <<<"$d"
    [[ -f $OUT/test-lib/$module.jar ]] || cp "$jar" "$OUT/test-lib/$module.jar"
  done
}

# ---------------------------------------------------------------- compile
main_class_of() { printf '%s.internal.Main' "$1"; }

phase_compile() {
  phase_deps
  banner "compile: ${MODULES[*]}"
  local stamp=$OUT/classes/.stamp
  if stale "$stamp" modules jlink/third-party "$LOCK" build.sh; then
    rm -rf "$OUT/classes"; mkdir -p "$OUT/classes" "$OUT/mods"
    run "$JAVAC" --release "$MIN_JAVA" -Xlint:all -Werror -encoding UTF-8 \
      --module-source-path "modules/*/main/java" \
      --module "$(IFS=,; echo "${MODULES[*]}")" \
      --module-path "$OUT/lib" \
      --module-version "$VERSION" \
      -d "$OUT/classes"
    local m
    for m in "${MODULES[@]}"; do
      # Files a module reads at run time (the dashboard's page) sit beside its classes.
      [[ -d modules/$m/main/resources ]] && run cp -R "modules/$m/main/resources/." "$OUT/classes/$m/"
      rm -f "$OUT/mods/$m.jar"
      run "$JAR" --create --file "$OUT/mods/$m.jar" --module-version "$VERSION" \
        --main-class "$(main_class_of "$m")" -C "$OUT/classes/$m" .
      "$JAR" --describe-module --file "$OUT/mods/$m.jar"
    done
    touch "$stamp"
  else
    say "up to date: $OUT/mods/*.jar"
  fi
}

# ---------------------------------------------------------------- test kit
# The test kit: one modular jar, out/testkit/stream.testkit.jar, on every test module path
# and on the bench's class path. It needs minimal-json and (for its JUnit extension) JUnit.
phase_testkit() {
  phase_deps
  local classes=$OUT/testkit/classes jar=$OUT/testkit/$TESTKIT.jar
  local test_lib; test_lib=$(ls "$OUT"/test-lib/*.jar | tr '\n' ':')
  if stale "$jar" "modules/$TESTKIT" build.sh; then
    banner "test kit: $jar"
    rm -rf "$classes"; mkdir -p "$classes"
    # shellcheck disable=SC2046
    run "$JAVAC" --release "$MIN_JAVA" -Xlint:all -Werror -encoding UTF-8 \
      --module-path "$OUT/lib:$test_lib" \
      --module-version "$VERSION" \
      -d "$classes" \
      $(find "modules/$TESTKIT/main/java" -name '*.java')
    rm -f "$jar"
    run "$JAR" --create --file "$jar" --module-version "$VERSION" -C "$classes" .
    "$JAR" --describe-module --file "$jar" | head -1
  fi
}

# ---------------------------------------------------------------- test
# Each module's tests form a same-named open module (modules/M/test/java/module-info.java)
# compiled together with M's main sources, so tests see M's internals; the other modules
# come from their jars. One console-launcher run per module.
phase_test() {
  phase_compile
  phase_testkit
  ensure_packages "the stream" "${RUNTIME_PACKAGES[@]}"
  ensure_packages "the tests" "${TEST_PACKAGES[@]}"
  banner "test"
  local m passed=0 failed=0 skipped=0 rc=0 status=0
  local test_lib; test_lib="$OUT/testkit/$TESTKIT.jar:$(ls "$OUT"/test-lib/*.jar | tr '\n' ':')"
  local selected=(${STREAM_TEST_MODULES:-${MODULES[*]}}) extra=(${STREAM_TEST_ARGS:-})
  for m in "${selected[@]}"; do
    [[ -d modules/$m/test/java ]] || { say "$m: no tests"; continue; }
    local classes=$OUT/test-classes/$m others=""
    local o; for o in "${MODULES[@]}"; do [[ $o == "$m" ]] || others+="$OUT/mods/$o.jar:"; done
    local path="$classes:$others$OUT/lib:$test_lib"
    if stale "$classes/.stamp" "modules/$m" "$OUT/classes/.stamp" "$OUT/testkit/$TESTKIT.jar"; then
      rm -rf "$classes"; mkdir -p "$classes"
      # shellcheck disable=SC2046
      run "$JAVAC" --release "$MIN_JAVA" -Xlint:all -Xlint:-requires-automatic -Werror -encoding UTF-8 \
        --module-path "$others$OUT/lib:$test_lib" \
        --module-version "$VERSION" \
        -d "$classes" \
        $(find "modules/$m/main/java" -name '*.java' ! -name module-info.java) \
        $(find "modules/$m/test/java" -name '*.java')
      [[ -d modules/$m/main/resources ]] && cp -R "modules/$m/main/resources/." "$classes/"
      touch "$classes/.stamp"
    fi
    local native=()
    if grep -Eq 'requires[^;]*(gstreamer|stream\.viewer)' "modules/$m/main/java/module-info.java"; then
      native=(--enable-native-access=com.sun.jna)
    fi
    local log=$OUT/test-reports/$m/console.txt
    rm -rf "$OUT/test-reports/$m"; mkdir -p "$OUT/test-reports/$m"
    say "+ $JAVA ... -m org.junit.platform.console execute --select-module $m"
    set +e
    "$JAVA" "${native[@]}" -XX:+UseSerialGC \
      -Dstream.build.dir="$PWD/$OUT" \
      -Dstream.version="$VERSION" \
      -Djunit.jupiter.execution.timeout.default=180s \
      --module-path "$path" --add-modules "$m" \
      -m org.junit.platform.console/org.junit.platform.console.ConsoleLauncher \
      execute --select-module "$m" --disable-banner --details=tree \
      --reports-dir "$OUT/test-reports/$m" "${extra[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    local p f s
    p=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' "$log")
    f=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\]$/\1/p' "$log")
    s=$(sed -n 's/^\[ *\([0-9]*\) tests skipped *\]$/\1/p' "$log")
    passed=$(( passed + ${p:-0} )); failed=$(( failed + ${f:-0} )); skipped=$(( skipped + ${s:-0} ))
    if (( rc != 0 )); then status=1; [[ -n $f && $f != 0 ]] || failed=$(( failed + 1 )); fi
  done
  say ""
  say "reports: $OUT/test-reports/<module>/"
  if (( passed + failed == 0 )); then say "no test ran"; status=1; fi
  say "tests: $passed passed, $failed failed, $skipped skipped"
  return $status
}

# ---------------------------------------------------------------- image
jna_platform() { # JNA's name for this platform's folder of native code, e.g. linux-x86-64
  local os arch
  case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; FreeBSD) os=freebsd ;; *) os=$(uname -s | tr 'A-Z' 'a-z') ;; esac
  case $(uname -m) in x86_64|amd64) arch=x86-64 ;; aarch64|arm64) arch=aarch64 ;; i?86) arch=x86 ;; *) arch=$(uname -m) ;; esac
  printf '%s-%s' "$os" "$arch"
}

# ---------------------------------------------------------------- AOT caches
# JDK 25 AOT caches (JEP 483/514: classes loaded and linked), made from training runs against a
# real server and stream; a launcher uses its cache when it is there, which roughly halves a cold
# start. A cache serves only JVMs with the module graph it was made with (main module, added
# modules, native access), and each repeats the JDK classes it holds (about 7 MB), so:
#   lib/server-viewer.aot  stream-server, stream-viewer and the server's media processes, which all
#                          run main module stream.server with stream.viewer added (stream-viewer and
#                          the media processes through stream.server's MediaMain); made with
#                          -Xshare:dump -XX:+AOTClassLinking from the classes both training runs loaded
#   lib/stream-client.aot  stream-client alone (-XX:AOTCacheOutput): the client's cold start is the
#                          one the bench holds against java -version, and a cache with the server's and
#                          viewer's classes as well costs it 10-20 ms of CPU (all of them load at start)
AOT_MIN_JAVA=25
AOT_CACHES=(server-viewer stream-client)
AOT_PIDS=()
# The client runs C1 only (-XX:TieredStopAtLevel=1), which uses no method profiles: its cache goes without (-0.6 MB).
AOT_NO_PROFILES="-XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining"
# The module graph of stream-server, stream-viewer and the media processes (MediaCommand): the cache's.
AOT_SHARED_GRAPH=(--enable-native-access=com.sun.jna --add-modules stream.viewer -m stream.server)
aot_cache_of() { if [[ $1 == stream-client ]]; then printf 'stream-client'; else printf 'server-viewer'; fi; }

free_udp_port() { # a UDP port nobody on this machine holds (from /proc/net/udp*)
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    grep -qi ":$(printf '%04X' "$p") " /proc/net/udp /proc/net/udp6 2>/dev/null || { printf '%s' "$p"; return 0; }
  done
}

http_get() { # http_get PORT PATH: one request over bash's /dev/tcp (no curl on a fresh machine)
  local fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&"$fd"
  head -1 <&"$fd"
  exec {fd}>&-
}

await_line() { # await_line FILE REGEX PID SECONDS: until FILE has a line matching REGEX (and PID lives)
  local i
  for (( i = 0; i < $4 * 10; i++ )); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || die "AOT training: the process $3 ended early; see $1"
    sleep 0.1
  done
  die "AOT training: no line /$2/ in $1 within $4 s"
}

aot_cleanup() { local p; for p in "${AOT_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; AOT_PIDS=(); }

# Training: the server starts, answers GET /control, /stream.sdp, /metrics and /health, starts a
# real test-pattern stream and stops it; the viewer decodes 60 frames of that stream; the client
# asks the running server for its status. The server and the viewer write the classes they loaded
# when they exit (made into server-viewer.aot after), the client writes its cache.
train_aot_caches() {
  local image=$1 dir=$OUT/aot-training
  local lib=$image/lib
  if (( JDK_VERSION < AOT_MIN_JAVA )); then
    say "no AOT caches: they need JDK $AOT_MIN_JAVA (this is $JDK_VERSION); the launchers start without"
    return 0
  fi
  local c missing=0
  for c in "${AOT_CACHES[@]}"; do [[ -s $lib/$c.aot ]] || missing=1; done
  if (( ! missing )) && ! stale "$lib/aot.stamp" "$image/.stamp"; then say "up to date: AOT caches"; return 0; fi
  ensure_packages "the training runs" "${RUNTIME_PACKAGES[@]}"
  banner "image: AOT caches from training runs (logs in $dir)"
  rm -rf "$dir"; mkdir -p "$dir/state"
  rm -f "$lib"/*.aot "$lib/aot.stamp"
  trap aot_cleanup EXIT
  local udp port url
  udp=$(free_udp_port)
  say "+ stream-server --port 0 --bind 127.0.0.1 --source test --dest 127.0.0.1:$udp (training)"
  STREAM_JAVA_OPTS="-XX:DumpLoadedClassList=$dir/server.classlist" "$image/bin/stream-server" --port 0 --bind 127.0.0.1 \
    --source test --dest "127.0.0.1:$udp" --state-dir "$dir/state" >"$dir/server.log" 2>&1 &
  local server=$!; AOT_PIDS+=("$server")
  await_line "$dir/server.log" 'listening on http://[^ ]*:[0-9]+/control' "$server" 30 # the line with the port, not the log's first
  port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9]*\)/control.*|\1|p' "$dir/server.log" | head -1)
  url=http://127.0.0.1:$port
  say "+ stream-viewer --port $udp --sink none --frames 60 (training)"
  STREAM_JAVA_OPTS="-XX:DumpLoadedClassList=$dir/viewer.classlist" "$image/bin/stream-viewer" --port "$udp" --sink none \
    --frames 60 --timeout 30 >"$dir/viewer.log" 2>&1 &
  local viewer=$!; AOT_PIDS+=("$viewer")
  await_line "$dir/viewer.log" 'waiting for the stream' "$viewer" 30
  say "+ stream-client status --server $url (training)"
  STREAM_JAVA_OPTS="-XX:AOTCacheOutput=$lib/stream-client.aot $AOT_NO_PROFILES" "$image/bin/stream-client" status --server "$url" \
    >"$dir/client.log" 2>&1 || die "AOT training: stream-client status failed; see $dir/client.log"
  local path
  for path in /health /metrics /stream.sdp /control; do http_get "$port" "$path" >>"$dir/http.log"; done
  run "$image/bin/stream-client" start --server "$url" >>"$dir/http.log"
  http_get "$port" /stream.sdp >>"$dir/http.log"
  wait "$viewer" || die "AOT training: stream-viewer decoded no 60 frames; see $dir/viewer.log"
  run "$image/bin/stream-client" stop --server "$url" >>"$dir/http.log"
  kill -TERM "$server"
  wait "$server" || true  # 143: ended by SIGTERM, as asked
  aot_cleanup; trap - EXIT
  # One class list of both runs: each class once (without the runs' own ids), then the lambda and
  # constant-pool lines of both.
  cat "$dir/server.classlist" "$dir/viewer.classlist" | grep -v '^[#@]' | awk '!seen[$1]++ { print $1 }' >"$dir/shared.classlist"
  cat "$dir/server.classlist" "$dir/viewer.classlist" | grep '^@' | awk '!seen[$0]++' >>"$dir/shared.classlist"
  run "$image/bin/java" -Xshare:dump -XX:+AOTClassLinking -XX:+UseSerialGC -XX:SharedClassListFile="$dir/shared.classlist" \
    -XX:SharedArchiveFile="$lib/server-viewer.aot" "${AOT_SHARED_GRAPH[@]}" >"$dir/dump.log" 2>&1 ||
    die "AOT cache: the dump of $lib/server-viewer.aot failed; see $dir/dump.log"
  for c in "${AOT_CACHES[@]}"; do
    [[ -s $lib/$c.aot ]] || die "AOT training: no cache $lib/$c.aot; see $dir/"
    say "$lib/$c.aot: $(( $(wc -c <"$lib/$c.aot") / 1048576 )) MiB"
  done
  touch "$lib/aot.stamp"
}

# The image's default CDS archive serves bin/java itself: the classes `java -version` loads (about
# 650; 7.8 MB). The launchers have AOT caches of their own, and the server's media processes (main
# classes of stream.viewer) use server-viewer.aot (MediaCommand), so jlink's full default list
# (--generate-cds-archive: 1,300 classes, 14 MB, and a no-compressed-oops twin) is not needed, nor
# the modules' own classes (10.4 MB with them).
default_cds_archive() {
  local image=$1 list=$OUT/tmp/cds
  rm -rf "$list"; mkdir -p "$list"
  "$image/bin/java" -Xshare:off -XX:DumpLoadedClassList="$list/java.txt" -version 2>/dev/null
  cat "$list"/*.txt | grep -v '^[#@]' | cut -d' ' -f1 | sort -u >"$list/classlist"
  run "$image/bin/java" -Xshare:dump -XX:SharedClassListFile="$list/classlist" \
    -XX:SharedArchiveFile="$image/lib/server/classes.jsa" >"$list/dump.log" 2>&1 ||
    die "the CDS archive could not be made; see $list/dump.log"
}

phase_image() {
  phase_compile
  banner "image: $OUT/image"
  local image=$OUT/image
  if ! stale "$image/.stamp" "$OUT/mods" "$OUT/lib" jlink; then
    say "up to date: $image"
  else
    rm -rf "$image"
    # JNA ships its native library for 30 platforms; the image runs on this one only.
    run "$JLINK" \
      --module-path "$OUT/mods:$OUT/lib" \
      --add-modules "$(IFS=,; echo "${MODULES[*]}")" \
      --output "$image" \
      --strip-debug \
      --no-header-files \
      --no-man-pages \
      --compress=zip-6 \
      --exclude-resources="regex:/com\.sun\.jna/com/sun/jna/(?!$(jna_platform)/)[^/]+-[^/]+/.*"
    default_cds_archive "$image"
    # The JDK's libjvm.so keeps its full symbol table (5 MB); the dynamic symbols stay.
    if command -v strip >/dev/null 2>&1; then
      run strip --strip-unneeded "$image"/lib/server/libjvm.so
    fi
    local l
    for l in "${LAUNCHERS[@]}"; do
      install -m 0755 "jlink/launchers/$l" "$image/bin/$l"
    done
    touch "$image/.stamp"
  fi
  train_aot_caches "$image"
  banner "image check"
  run "$image/bin/java" --list-modules | grep -Ev '^(java|jdk)\.' || true
  # Each launcher's cache must be there, and with AOTMode=on an unusable one fails the launcher
  # instead of letting it start slowly.
  local check=""; (( JDK_VERSION < AOT_MIN_JAVA )) || check=-XX:AOTMode=on
  for l in "${LAUNCHERS[@]}"; do
    [[ -z $check || -s $image/lib/$(aot_cache_of "$l").aot ]] || die "image check: $image/lib/$(aot_cache_of "$l").aot is missing"
    run env STREAM_JAVA_OPTS="$check" "$image/bin/$l" --version
  done
  # A media process as the server starts one (MediaCommand), on the same cache.
  local media=()
  [[ -z $check ]] || media=("$check" "-XX:AOTCache=$image/lib/server-viewer.aot")
  say "+ $image/bin/java ${media[*]} ${AOT_SHARED_GRAPH[*]:0:3} -m stream.server/...MediaMain stream.viewer/...webrtc.Gateway --help"
  "$image/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m "${media[@]}" "${AOT_SHARED_GRAPH[@]:0:3}" \
    -m stream.server/stream.server.internal.process.MediaMain stream.viewer/stream.viewer.internal.webrtc.Gateway --help >/dev/null ||
    die "image check: a media process (the WebRTC gateway) does not start on $image/lib/server-viewer.aot"
  say ""
  say "image: $PWD/$image ($(du -sh "$image" | cut -f1))"
  say "start: $image/bin/stream-server      (then: $image/bin/stream-client)"
}

phase_run() {
  phase_setup
  phase_image
  # The main job: the server streaming at once (the camera, or the test pattern without one).
  banner "run: stream-server --start $*"
  exec "$OUT/image/bin/stream-server" --start "$@"
}

phase_docs() {
  phase_deps
  banner "docs: $OUT/docs"
  rm -rf "$OUT/docs"
  run "$JAVADOC" -quiet -Xdoclint:all,-missing \
    --module-source-path "modules/*/main/java" \
    --module "$(IFS=,; echo "${MODULES[*]}")" \
    --module-path "$OUT/lib" \
    -d "$OUT/docs" \
    -doctitle "live-stream $VERSION"
  say "docs: $PWD/$OUT/docs/index.html"
}

phase_bench() {
  phase_setup
  phase_image
  phase_testkit
  banner "bench"
  [[ -x bench/run.sh ]] || die "bench/run.sh is missing"
  bench/run.sh || say "bench: some measurement failed (see above); the build is not failed for it"
}

phase_clean() { banner "clean"; run rm -rf "$OUT"; }

# ---------------------------------------------------------------- main
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

(( $# )) || set -- image
while (( $# )); do
  case $1 in
    setup|deps|compile|testkit|test|image|docs|bench|clean) "phase_$1"; shift ;;
    run) shift; [[ ${1:-} == -- ]] && shift; phase_run "$@" ;;
    -h|--help|help) usage; exit 0 ;;
    *) printf 'build.sh: unknown phase "%s"\n\n' "$1" >&2; usage >&2; exit 1 ;;
  esac
done
