#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each for a bounded time.
#
#   Fuzz/run.sh [SECONDS]          every target SECONDS seconds (default 45), from the committed corpus; fails on
#                                  any crash, leak, timeout or out-of-memory; prints executions per target
#   Fuzz/run.sh --long [SECONDS]   every target SECONDS seconds (default 600), then re-minimizes the committed
#                                  corpus (Fuzz/Corpus/<target>) from itself, the seeds and what the run found
#
# Every run also replays Fuzz/Regressions/<target>: inputs that once found a bug, kept out of minimization.
#
# FUZZ_TARGETS="FuzzStrictJSON FuzzIDToken" limits the run to some targets. A finding is kept in
# Fuzz/.build/findings/<target>-crash-… (the input) with the log next to it; docs/fuzzing.md says what to do.
set -euo pipefail
cd "$(dirname "$0")"

long=false
if [[ "${1:-}" == "--long" ]]; then
  long=true
  shift
fi
seconds=${1:-$($long && echo 600 || echo 45)}
read -r -a targets <<< "${FUZZ_TARGETS:-FuzzTelegramProof FuzzStrictJSON FuzzIDToken FuzzConfigurationYAML FuzzExchangeBody}"

# The dictionaries each target's mutations draw on, and the largest input worth trying (just above each limit the
# parser enforces: 8 KiB proofs and tokens).
dictionaries() {
  case "$1" in
    FuzzTelegramProof) echo "initdata json" ;;
    FuzzStrictJSON) echo "json" ;;
    FuzzIDToken) echo "idtoken json" ;;
    FuzzConfigurationYAML) echo "yaml" ;;
    FuzzExchangeBody) echo "exchange json" ;;
  esac
}
# FuzzIDToken verifies on Swift's concurrency runtime, which frees part of a task's memory after the input returns;
# libFuzzer would take that for a possible leak and scan the heap after every input. Leaks are still found: the
# sanitizer checks the whole heap when the run ends.
options() {
  case "$1" in
    FuzzIDToken) echo "-detect_leaks=0" ;;
  esac
}
max_len() {
  case "$1" in
    FuzzTelegramProof | FuzzIDToken | FuzzExchangeBody) echo 9000 ;;
    *) echo 4096 ;;
  esac
}

# Swift's own crash backtracer reads memory the address sanitizer then reports; libFuzzer prints the stack instead.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

build=(swift build -c release --scratch-path .build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "== building the fuzz targets"
build_start=$(date +%s)
"${build[@]}"
bin=$("${build[@]}" --show-bin-path)
echo "== built in $(( $(date +%s) - build_start )) s"

work=.build/fuzz-work
findings=.build/findings
rm -rf "$work"
mkdir -p "$work" "$findings"
seeds=""
if $long; then
  seeds="$work/seeds"
  python3 make-seeds.py "$seeds"
fi

failed=()
summary=()
for target in "${targets[@]}"; do
  mkdir -p "Corpus/$target" "$work/$target"
  dict="$work/$target.dict"
  : > "$dict"
  for part in $(dictionaries "$target"); do cat "Dictionaries/$part.dict" >> "$dict"; done
  inputs=("Corpus/$target")
  if [[ -n "$seeds" && -d "$seeds/$target" ]]; then inputs+=("$seeds/$target"); fi
  regressions=()
  if [[ -d "Regressions/$target" ]]; then regressions=("Regressions/$target"); fi
  log="$findings/$target.log"
  echo "== $target: ${seconds} s"
  status=0
  if (( seconds > 0 )); then
    # New inputs go to the scratch folder first; the committed corpus is only read (re-minimized in --long mode).
    # shellcheck disable=SC2046
    "$bin/$target" "$work/$target" "${inputs[@]}" "${regressions[@]}" -dict="$dict" -max_len="$(max_len "$target")" $(options "$target") \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$findings/$target-" > "$log" 2>&1 || status=$?
    grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+DONE|==[0-9]+== ?ERROR|SUMMARY|.*Fatal error)' "$log" || true
  fi
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" 2>/dev/null | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" 2>/dev/null | tail -1)
  if (( status != 0 )); then
    failed+=("$target")
    echo "!! $target failed (exit $status); log: Fuzz/$log"
    tail -n 40 "$log"
  elif $long; then
    # Minimized on edge coverage alone (no hit counters), which keeps the corpus to a few hundred small inputs.
    merged="$work/$target.merged"
    mkdir -p "$merged"
    # shellcheck disable=SC2046
    "$bin/$target" -merge=1 -use_counters=0 "$merged" "${inputs[@]}" "$work/$target" -max_len="$(max_len "$target")" \
      $(options "$target") -timeout=10 -rss_limit_mb=2048 > "$work/$target.merge.log" 2>&1
    rm -rf "Corpus/$target"
    mv "$merged" "Corpus/$target"
    echo "   corpus: $(find "Corpus/$target" -type f | wc -l) inputs, $(cat "Corpus/$target"/* | wc -c) bytes"
  fi
  summary+=("$(printf '| %-22s | %12s | %14s | %8s |' "$target" "${rate:--}" "${executions:--}" "${rss:--}")")
done

echo
echo "Fuzzing, ${seconds} s per target:"
echo "| target                 | executions/s | executions     | peak MiB |"
echo "| ---------------------- | -----------: | -------------: | -------: |"
printf '%s\n' "${summary[@]}"
if (( ${#failed[@]} > 0 )); then
  echo "failed: ${failed[*]}"
  exit 1
fi
