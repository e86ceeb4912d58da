#!/usr/bin/env bash
# How many 1080p25 H.264 cameras does one box watch? Starts STREAMS loopback cameras (ffmpeg
# sending one pre-encoded clip in a loop over UDP MPEG-TS with `-c copy`, 2 s GOP, so the
# senders cost little), one `blurd serve` watching all of them with `keyframes_only: true`
# (MODE=keyframes) or `sampling: {fps: 1}` (MODE=fps1), waits WARMUP seconds, then measures
# over SECONDS: blurd's own CPU (user + sys of its process from /proc, not the senders'), as a
# percentage of the whole machine, its peak RSS, and the frames analysed and dropped
# (drop-oldest) in that window, from its /metrics. The issue's bar: blurd's CPU <= 80 % of the
# machine and no drops growing over the window.
#
#   scripts/bench-capacity.sh STREAMS [MODE] [SECONDS]
#
# Environment: BLURD (default .build/release/blurd), WARMUP (default 30), WORK (default
# /tmp/blurd-bench-capacity). Needs a quiet machine: the figure is a share of the machine's CPU.
set -euo pipefail
cd "$(dirname "$0")/.."

streams=${1:?usage: scripts/bench-capacity.sh STREAMS [keyframes|fps1] [SECONDS]}
mode=${2:-keyframes}
seconds=${3:-60}
warmup=${WARMUP:-30}
work=${WORK:-/tmp/blurd-bench-capacity}
blurd=$(realpath "${BLURD:-.build/release/blurd}")
[[ "$streams" =~ ^[0-9]+$ && "$streams" -ge 1 && "$streams" -le 500 ]] || { echo "STREAMS: 1 … 500" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 10 && "$seconds" -le 86400 ]] || { echo "SECONDS: 10 … 86400" >&2; exit 2; }
[[ "$warmup" =~ ^[0-9]+$ && "$warmup" -le 3600 ]] || { echo "WARMUP: 0 … 3600" >&2; exit 2; }
case "$mode" in
    keyframes) sampling="{keyframes_only: true}" ;;
    fps1) sampling="{fps: 1}" ;;
    *) echo "MODE: keyframes or fps1" >&2; exit 2 ;;
esac
mkdir -p "$work"
clip="$work/camera-1080p25-gop50.ts"
if [[ ! -s "$clip" ]]; then
    # 20 s of a moving test pattern, one key frame every 2 s, as a camera encodes it.
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=25:duration=20" \
        -c:v libx264 -preset veryfast -g 50 -keyint_min 50 -sc_threshold 0 -pix_fmt yuv420p -f mpegts "$clip"
fi

# Free loopback ports from the kernel: one UDP port per camera and the HTTP listener.
read -r -a ports < <(python3 - "$streams" <<'EOF'
import socket, sys
n = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
socks.append(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
http_port=${ports[$streams]}
config="$work/blurd.yaml"
{
    echo "http: {listen: 127.0.0.1:$http_port}"
    echo "streams:"
    for ((i = 0; i < streams; i++)); do
        printf '  - {name: cam%03d, url: "udp://127.0.0.1:%s", sampling: %s, timeout_s: 10}\n' "$i" "${ports[$i]}" "$sampling"
    done
} > "$config"
"$blurd" serve --config "$config" --check >/dev/null

senders=()
cleanup() {
    for pid in "${senders[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -n "${daemon:-}" ]] && kill -TERM "$daemon" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for ((i = 0; i < streams; i++)); do
    ffmpeg -nostdin -loglevel error -re -stream_loop -1 -i "$clip" -c copy -f mpegts \
        "udp://127.0.0.1:${ports[$i]}?pkt_size=1316" </dev/null >/dev/null 2>>"$work/senders.log" &
    senders+=($!)
done
"$blurd" serve --config "$config" >/dev/null 2>"$work/serve.log" &
daemon=$!

cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
metric_sum() {  # metric name: the sum over streams
    curl -s "http://127.0.0.1:$http_port/metrics" | awk -v m="$1" '$1 ~ "^"m"({|$)" {s += $2} END {printf "%d\n", s}'
}
sleep "$warmup"
ticks0=$(cpu_ticks); analysed0=$(metric_sum blurd_stream_frames_analysed_total)
dropped0=$(metric_sum blurd_stream_frames_dropped_total); t0=$(date +%s.%N)
sleep "$seconds"
ticks1=$(cpu_ticks); analysed1=$(metric_sum blurd_stream_frames_analysed_total)
dropped1=$(metric_sum blurd_stream_frames_dropped_total); t1=$(date +%s.%N)
rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$daemon/status")
running=$(curl -s "http://127.0.0.1:$http_port/healthz" | grep -o '"running"' | wc -l || true)

python3 - "$streams" "$mode" "$ticks0" "$ticks1" "$t0" "$t1" "$analysed0" "$analysed1" "$dropped0" "$dropped1" \
    "$rss" "$(getconf CLK_TCK)" "$(nproc)" "$running" <<'EOF'
import sys
(streams, mode, k0, k1, t0, t1, a0, a1, d0, d1, rss, hz, cores, running) = sys.argv[1:]
wall = float(t1) - float(t0)
cpu = (int(k1) - int(k0)) / int(hz)
share = 100 * cpu / wall / int(cores)
print(f"{streams} cameras, {mode}: blurd CPU {cpu:.1f} s in {wall:.1f} s = {share:.1f} % of {cores} cores; "
      f"{int(a1) - int(a0)} frames analysed ({(int(a1) - int(a0)) / wall:.1f}/s), {int(d1) - int(d0)} dropped in the window; "
      f"peak RSS {int(rss) / 1024:.0f} MB; streams running (healthz): {running}")
EOF
