#!/usr/bin/env bash
# Streaming benchmark for `blurd analyze` at 1080p (METHOD=classic by default, or cnn).
#
# Makes a 10 s 1080p25 H.264 clip (ffmpeg testsrc2), then times in the same run:
#   1. ffmpeg decode only            (the ceiling: blurd cannot decode faster)
#   2. ffmpeg -vf blurdetect         (the nearest peer: FFmpeg's own blur filter)
#   3. blurd analyze --method $METHOD (release build), JSON Lines to /dev/null
# and prints frames per second and blurd's ratios to both. Each command runs RUNS times and the
# fastest run counts (the machine is shared, the fastest is the least disturbed).
#
# Usage: scripts/bench-analyze.sh [extra blurd analyze options...]
# Environment: METHOD (classic or cnn, default classic), RUNS (default 3), WORK (default /tmp/blurd-bench), BLURD (default: release
# build in .build-bench, built if missing).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
METHOD=${METHOD:-classic}
WORK=${WORK:-/tmp/blurd-bench}
CLIP="$WORK/clip-1080p25.mp4"
FRAMES=250
mkdir -p "$WORK"

if [[ -z "${BLURD:-}" ]]; then
    swift build -c release --scratch-path .build-bench --product blurd >&2
    BLURD=.build-bench/release/blurd
fi

if [[ ! -s "$CLIP" ]]; then
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=25" -t 10 \
        -c:v libx264 -preset medium -crf 23 -pix_fmt yuv420p "$CLIP"
fi

# Wall seconds of the fastest of RUNS runs of the given command.
fastest() {
    local best=""
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1
        end=$(date +%s.%N)
        best=$(awk -v a="$best" -v b="$(echo "$end - $start" | bc -l)" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}

decode=$(fastest ffmpeg -hide_banner -nostdin -threads 0 -i "$CLIP" -f null -)
peer=$(fastest ffmpeg -hide_banner -nostdin -threads 0 -i "$CLIP" -vf blurdetect -f null -)
blurd=$(fastest "$BLURD" analyze "$CLIP" --method "$METHOD" "$@")

frames_out=$("$BLURD" analyze "$CLIP" --method "$METHOD" "$@" | grep -c '"frame"')
if [[ "$frames_out" != "$FRAMES" ]]; then
    echo "blurd analysed $frames_out frames, expected $FRAMES" >&2
    exit 1
fi

awk -v d="$decode" -v p="$peer" -v b="$blurd" -v n="$FRAMES" -v m="$METHOD" -v cores="$(nproc)" 'BEGIN {
    printf "clip: 1920x1080 25 fps H.264, %d frames; %d cores; fastest of runs\n", n, cores
    printf "%-40s %8.1f fps\n", "ffmpeg -f null (decode only)", n / d
    printf "%-40s %8.1f fps\n", "ffmpeg -vf blurdetect", n / p
    printf "%-40s %8.1f fps\n", "blurd analyze --method " m, n / b
    printf "blurd / decode-only: %.2f   blurd / blurdetect: %.2f\n", d / b, p / b
}'
