#!/usr/bin/env bash
# Soak of `blurd serve`: four live loopback cameras (ffmpeg sending MPEG-TS over UDP) for
# MINUTES, with random source kills (the camera is gone for a few seconds, so the stream
# reconnects) and in-place restarts (a new encoder on the same port at once, so the timestamps
# jump back); no Prometheus scraping. Prints RSS at start and end, reconnects, timestamp jumps,
# frames decoded, analysed and dropped (drop-oldest), and the exit of a final SIGTERM.
#
#   scripts/soak-serve.sh MINUTES [BLURD] [SEED]
#
# BLURD defaults to .build/release/blurd, else .build/debug/blurd. Everything goes to
# data/soak-serve/ (config, daemon log, JSON Lines, rss.tsv, events.tsv, summary.txt).
# Small sources (320x240 at 10 fps, 2 analysed frames per second per camera) keep it from
# starving a shared machine; run it under `nice`.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:?usage: scripts/soak-serve.sh MINUTES [BLURD] [SEED]}
blurd=${2:-}
seed=${3:-18}
if [[ -z "$blurd" ]]; then
    if [[ -x .build/release/blurd ]]; then blurd=.build/release/blurd; else blurd=.build/debug/blurd; fi
fi
blurd=$(realpath "$blurd")
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 && "$minutes" -le 10080 ]] || { echo "MINUTES: 1 … 10080" >&2; exit 2; }

out=data/soak-serve
rm -rf "$out"
mkdir -p "$out/jsonl"
out=$(realpath "$out")
RANDOM=$seed
cameras=(cam1 cam2 cam3 cam4)

# Free loopback ports from the kernel: four UDP sources and the HTTP listener (never scraped).
read -r -a ports < <(python3 - <<'EOF'
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
socks.append(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
)
http_port=${ports[4]}

{
    echo "http: {listen: 127.0.0.1:$http_port}"
    echo "streams:"
    for i in 0 1 2 3; do
        cat <<EOF
  - name: ${cameras[$i]}
    url: udp://127.0.0.1:${ports[$i]}
    analysis_size: 320
    sampling: {fps: 2}
    timeout_s: 5
    reconnect: {initial_s: 0.5, max_s: 4}
    outputs:
      jsonl: {path: $out/jsonl/${cameras[$i]}.jsonl}
EOF
    done
} > "$out/blurd.yaml"
"$blurd" serve --config "$out/blurd.yaml" --check

declare -a senders
start_sender() {  # index
    ffmpeg -nostdin -loglevel error -re -f lavfi -i "testsrc2=size=320x240:rate=10" \
        -c:v mpeg2video -g 10 -f mpegts "udp://127.0.0.1:${ports[$1]}?pkt_size=1316" \
        </dev/null >/dev/null 2>>"$out/senders.log" &
    senders[$1]=$!
}
stop_sender() { kill -9 "${senders[$1]}" 2>/dev/null || true; wait "${senders[$1]}" 2>/dev/null || true; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

"$blurd" serve --config "$out/blurd.yaml" 2>"$out/serve.log" >/dev/null &
daemon=$!
cleanup() {
    for i in 0 1 2 3; do stop_sender "$i"; done
    kill -TERM "$daemon" 2>/dev/null || true
}
trap cleanup EXIT
for i in 0 1 2 3; do start_sender "$i"; done

# Warm-up: the start RSS is taken once every stream has analysed frames for a minute.
sleep 60
start_rss=$(rss_kib "$daemon")
printf 'elapsed_s\trss_kib\n' > "$out/rss.tsv"
printf 'elapsed_s\tcamera\tevent\tdown_s\n' > "$out/events.tsv"
begin=$SECONDS
end=$((begin + minutes * 60 - 60))
kills=0 restarts=0 next_rss=$begin
while (( SECONDS < end )); do
    kill -0 "$daemon" 2>/dev/null || { echo "blurd serve died" >&2; break; }
    if (( SECONDS >= next_rss )); then
        printf '%d\t%s\n' $((SECONDS - begin + 60)) "$(rss_kib "$daemon")" >> "$out/rss.tsv"
        next_rss=$((SECONDS + 60))
    fi
    sleep $((20 + RANDOM % 40))
    (( SECONDS < end )) || break
    i=$((RANDOM % 4))
    if (( RANDOM % 2 )); then
        # Source kill: the camera is silent longer than timeout_s (5 s) some of the time.
        down=$((1 + RANDOM % 15))
        stop_sender "$i"; sleep "$down"; start_sender "$i"
        kills=$((kills + 1))
        printf '%d\t%s\tkill\t%d\n' $((SECONDS - begin + 60)) "${cameras[$i]}" "$down" >> "$out/events.tsv"
    else
        stop_sender "$i"; start_sender "$i"
        restarts=$((restarts + 1))
        printf '%d\t%s\trestart\t0\n' $((SECONDS - begin + 60)) "${cameras[$i]}" >> "$out/events.tsv"
    fi
done
sleep 10
end_rss=$(rss_kib "$daemon")
max_rss=$(awk 'NR > 1 && $2 > m {m = $2} END {print m + 0}' "$out/rss.tsv")
stop_begin=$(date +%s.%N)
kill -TERM "$daemon"
status=0
wait "$daemon" || status=$?
stop_end=$(date +%s.%N)
stop_seconds=$(awk -v a="$stop_begin" -v b="$stop_end" 'BEGIN {printf "%.1f", b - a}')
trap - EXIT
for i in 0 1 2 3; do stop_sender "$i"; done

python3 - "$out" "$minutes" "$start_rss" "$end_rss" "$max_rss" "$kills" "$restarts" "$status" "$stop_seconds" <<'EOF' | tee "$out/summary.txt"
import glob, json, re, sys
out, minutes, start_rss, end_rss, max_rss, kills, restarts, status, stop_s = sys.argv[1:]
totals = dict(connections=0, frames_decoded=0, frames_analysed=0, frames_dropped=0, corrupt_packets=0)
jumps = bad = 0
for path in sorted(glob.glob(f"{out}/jsonl/*.jsonl")):
    for line in open(path, encoding="utf-8"):
        try:
            obj = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if "summary" in obj:
            totals["connections"] += 1
            for key in ("frames_decoded", "frames_analysed", "frames_dropped", "corrupt_packets"):
                totals[key] += obj["summary"][key]
        elif obj.get("discontinuity") is not None:
            jumps += 1
log = open(f"{out}/serve.log", encoding="utf-8", errors="replace").read()
# A lost connection is "running → reconnecting"; each further failed attempt to reopen is
# "reconnecting → reconnecting"; "reconnecting → running" is a stream back.
lost = len(re.findall(r"running → reconnecting", log))
attempts = len(re.findall(r"→ reconnecting", log))
back = len(re.findall(r"reconnecting → running", log))
failed = len(re.findall(r"→ failed", log))
jump_lines = len(re.findall(r"timestamps jumped", log))
print(f"minutes={minutes} source_kills={kills} in_place_restarts={restarts}")
print(f"rss_kib start={start_rss} end={end_rss} max={max_rss}")
print(f"connections_lost={lost} reconnect_attempts={attempts} reconnected={back} failed={failed} "
      f"connections={totals['connections']} timestamp_jumps: frames={jumps} log_lines={jump_lines}")
print(f"frames decoded={totals['frames_decoded']} analysed={totals['frames_analysed']} "
      f"dropped={totals['frames_dropped']} corrupt_packets={totals['corrupt_packets']} unparsable_lines={bad}")
print(f"sigterm exit={status} after {stop_s} s")
EOF
