#!/usr/bin/env bash
# Does `blurd triage` keep the machine busy across files? Times, in one sitting, a folder of
# 20 short clips against one long clip holding the same total frames (1080p25 H.264 of ffmpeg's
# testsrc2, libx264 veryfast), both with triage's defaults, and prints
# decoded frames per wall-clock second of each and their ratio (the issue asks short/long
# >= 0.9), plus CPU seconds (user + sys) per minute of footage. Each set runs RUNS times,
# alternating, and the fastest run counts. Needs a quiet machine: wall-clock figures on a
# shared one say little (the script prints `uptime` first).
#
# Usage: scripts/bench-triage.sh [extra blurd triage options...]
# Environment: RUNS (default 3), SHORT_S (seconds of each short clip, default 3), WORK (default
# /tmp/blurd-bench-triage), BLURD (default: release build in .build-bench, built if missing).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SHORT_S=${SHORT_S:-3}
WORK=${WORK:-/tmp/blurd-bench-triage}
COUNT=20
mkdir -p "$WORK/short" "$WORK/long"

if [[ -z "${BLURD:-}" ]]; then
    swift build -c release --scratch-path .build-bench --product blurd >&2
    BLURD=.build-bench/release/blurd
fi

clip() {  # clip PATH SECONDS
    [[ -s "$1" ]] && return
    ffmpeg -hide_banner -loglevel error -y -f lavfi \
        -i "testsrc2=size=1920x1080:rate=25:duration=$2" -c:v libx264 -preset veryfast -pix_fmt yuv420p "$1"
}
for i in $(seq -w 1 "$COUNT"); do clip "$WORK/short/clip-$i.mp4" "$SHORT_S"; done
clip "$WORK/long/long.mp4" $((SHORT_S * COUNT))

echo "machine: $(nproc) cores; uptime: $(uptime)"
# "WALL USER SYS" of the fastest (by wall clock) of RUNS runs of triage on folder $1.
declare -A best
run() {
    local out="$WORK/out-$(basename "$1")" times frames key
    rm -rf "$out"
    /usr/bin/time -o "$WORK/time" -f "%e %U %S" "$BLURD" triage "$1" --output-dir "$out" --progress none "${@:2}" \
        > /dev/null 2>&1
    times=$(tail -n 1 "$WORK/time")
    frames=$(python3 -c "import json,sys; print(sum(r.get('frames_decoded', 0) for r in json.load(open(sys.argv[1]))['clips']))" "$out/triage.json")
    key=$(basename "$1")
    if [[ -z "${best[$key]:-}" ]] || awk -v a="${times%% *}" -v b="${best[$key]%% *}" 'BEGIN { exit !(a < b) }'; then
        best[$key]="$times $frames"
    fi
}
for _ in $(seq "$RUNS"); do
    run "$WORK/short" "$@"
    run "$WORK/long" "$@"
done

python3 - "${best[short]}" "${best[long]}" "$SHORT_S" "$COUNT" <<'PY'
import sys
short, long = (list(map(float, s.split())) for s in sys.argv[1:3])
minutes = float(sys.argv[3]) * int(sys.argv[4]) / 60
for name, (wall, user, system, frames) in (("20 short clips", short), ("1 long clip", long)):
    print(f"{name:16} {int(frames)} frames decoded in {wall:.2f} s wall: {frames / wall:7.1f} fps; "
          f"CPU {user + system:.1f} s (user {user:.1f} + sys {system:.1f}) = {(user + system) / minutes:.1f} CPU-s per minute of footage")
print(f"short/long frames per second: {(short[3] / short[0]) / (long[3] / long[0]):.3f}")
PY
