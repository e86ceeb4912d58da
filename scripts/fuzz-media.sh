#!/usr/bin/env bash
# The damaged-media campaign: short clips of many codecs and containers, made with ffmpeg's
# lavfi test sources, are damaged deterministically from SEED (bytes overwritten, bits flipped,
# ranges zeroed, truncated, headers only, chunks duplicated, random data) and each is analysed by
# `blurd analyze` under a per-file timeout, one at a time. A run may exit with any documented
# code (0, 4, 5, 6, 7), but never die by a signal (a trap or a crash) or exceed the timeout (a
# hang), and every exit-0 output must parse as JSON Lines and end with its summary line.
#
#   scripts/fuzz-media.sh [--files N] [--seed S] [--budget-minutes M] [--timeout S] [--blurd PATH]
#
# Defaults: 1000 files, seed 18, 90 minutes in all (files not reached by then are counted as not
# run), 60 s per file, .build/release/blurd else .build/debug/blurd. Work goes to
# data/fuzz-media/ (clips/, damaged/, results.tsv, summary.txt, and the input and stderr of any
# finding under findings/). Exit 0 when nothing was found, 1 otherwise. Run it under `nice`.
set -euo pipefail
cd "$(dirname "$0")/.."

files=1000 seed=18 budget=90 timeout=60 blurd=
while [[ $# -gt 0 ]]; do
    case "$1" in
        --files) files=$2; shift 2;;
        --seed) seed=$2; shift 2;;
        --budget-minutes) budget=$2; shift 2;;
        --timeout) timeout=$2; shift 2;;
        --blurd) blurd=$2; shift 2;;
        *) echo "unknown argument $1" >&2; exit 2;;
    esac
done
for value in "$files" "$seed" "$budget" "$timeout"; do
    [[ "$value" =~ ^[0-9]+$ && "$value" -ge 1 && "$value" -le 1000000 ]] || { echo "numbers: 1 … 1000000" >&2; exit 2; }
done
if [[ -z "$blurd" ]]; then
    if [[ -x .build/release/blurd ]]; then blurd=.build/release/blurd; else blurd=.build/debug/blurd; fi
fi
blurd=$(realpath "$blurd")
out=data/fuzz-media
mkdir -p "$out/clips"

# name|input options|output options|file name. Two seconds at 10 fps (MPEG-1: 25), 160x120, so that every
# damaged copy is analysed in about a second; a few carry audio so that interleaving is damaged too.
clips=(
    "h264-mp4|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v libx264 -g 5 -pix_fmt yuv420p|h264.mp4"
    "h264-ts|-f lavfi -i testsrc2=size=160x120:rate=10 -f lavfi -i sine=frequency=440:sample_rate=8000|-c:v libx264 -g 5 -c:a aac -shortest|h264.ts"
    "h264-mkv-aac|-f lavfi -i mandelbrot=size=160x120:rate=10 -f lavfi -i sine=frequency=220:sample_rate=8000|-c:v libx264 -bf 2 -c:a aac -shortest|h264.mkv"
    "hevc-mkv|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v libx265 -x265-params log-level=error|hevc.mkv"
    "mjpeg-avi|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v mjpeg -q:v 5|mjpeg.avi"
    "vp9-webm|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 5|vp9.webm"
    "vp8-webm|-f lavfi -i smptebars=size=160x120:rate=10|-c:v libvpx -deadline realtime -g 5|vp8.webm"
    "mpeg4-avi|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v mpeg4 -g 5|mpeg4.avi"
    "mpeg4-mp4|-f lavfi -i rgbtestsrc=size=160x120:rate=10|-c:v mpeg4 -bf 1 -g 5|mpeg4.mp4"
    "mpeg2-ts|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v mpeg2video -g 5|mpeg2.ts"
    "mpeg1-mpg|-f lavfi -i testsrc2=size=160x120:rate=25|-c:v mpeg1video -g 5|mpeg1.mpg"
    "av1-mkv|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v libaom-av1 -cpu-used 8 -g 5|av1.mkv"
    "prores-mov|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v prores|prores.mov"
    "ffv1-mkv|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v ffv1|ffv1.mkv"
    "theora-ogg|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v libtheora -g 5|theora.ogv"
    "h263-3gp|-f lavfi -i testsrc2=size=176x144:rate=10|-c:v h263 -g 5|h263.3gp"
    "flv1-flv|-f lavfi -i testsrc2=size=160x120:rate=10|-c:v flv -g 5|flv1.flv"
)
for clip in "${clips[@]}"; do
    IFS='|' read -r name input output file <<< "$clip"
    [[ -s "$out/clips/$file" ]] && continue
    # shellcheck disable=SC2086  # the option lists are split on purpose
    ffmpeg -nostdin -loglevel error -y $input -t 2 $output "$out/clips/$file"
done

exec python3 - "$blurd" "$out" "$files" "$seed" "$budget" "$timeout" <<'EOF'
import collections, json, os, random, shutil, signal, subprocess, sys, time

blurd, out, files, seed, budget_min, timeout = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
clips = sorted(os.listdir(f"{out}/clips"))
damaged_dir = f"{out}/damaged"
shutil.rmtree(damaged_dir, ignore_errors=True)
shutil.rmtree(f"{out}/findings", ignore_errors=True)
os.makedirs(damaged_dir)
rng = random.Random(seed)

def damage(data, kind):
    data = bytearray(data)
    n = len(data)
    if kind == "overwrite":        # a few runs of random bytes
        for _ in range(rng.randint(1, 8)):
            at, length = rng.randrange(n), rng.randint(1, 64)
            data[at:at + length] = rng.randbytes(min(length, n - at))
    elif kind == "bitflip":        # single bits anywhere, the header included
        for _ in range(rng.randint(1, 32)):
            data[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "zero":           # a zeroed range, as a lost disk block
        at = rng.randrange(n)
        length = rng.randint(16, max(16, n // 4))
        data[at:at + length] = bytes(min(length, n - at))
    elif kind == "truncate":       # cut anywhere
        data = data[:rng.randrange(1, n)]
    elif kind == "headers":        # only the first few hundred bytes
        data = data[:rng.randint(8, 1024)]
    elif kind == "duplicate":      # a chunk repeated elsewhere (a confused writer)
        at, length = rng.randrange(n), rng.randint(64, 4096)
        chunk = data[at:at + length]
        to = rng.randrange(n)
        data[to:to] = chunk
    elif kind == "random":         # nothing but random data
        data = bytearray(rng.randbytes(rng.randint(1, n)))
    return bytes(data)

kinds = ["overwrite", "bitflip", "zero", "truncate", "headers", "duplicate", "random"]
weights = [4, 4, 3, 3, 1, 2, 1]
start = time.monotonic()
deadline = start + budget_min * 60
exits, by_kind = collections.Counter(), collections.defaultdict(collections.Counter)
findings, bad_outputs, ran = [], [], 0
with open(f"{out}/results.tsv", "w", buffering=1) as results:
    results.write("file\tclip\tdamage\tseconds\toutcome\n")
    for index in range(files):
        clip, kind = rng.choice(clips), rng.choices(kinds, weights)[0]
        # The damage is drawn before the deadline check, so a file's bytes depend on SEED and
        # its index only, whatever the budget.
        data = damage(open(f"{out}/clips/{clip}", "rb").read(), kind)
        if time.monotonic() > deadline:
            continue
        name = f"{index:05d}-{kind}-{clip}"
        path = f"{damaged_dir}/{name}"
        open(path, "wb").write(data)
        began = time.monotonic()
        try:
            run = subprocess.run([blurd, "analyze", path, "--size", "64", "--timeout", "20"],
                                 capture_output=True, timeout=timeout)
            code = run.returncode
            outcome = f"exit {code}" if code >= 0 else f"signal {signal.Signals(-code).name}"
        except subprocess.TimeoutExpired as expired:
            run, code, outcome = expired, None, "hang"
        seconds = time.monotonic() - began
        ran += 1
        if code == 0:
            lines = (run.stdout or b"").decode("utf-8", "replace").splitlines()
            try:
                objects = [json.loads(line) for line in lines]
                if not objects or "summary" not in objects[-1]:
                    raise ValueError("no summary line at the end")
            except ValueError as error:
                outcome = f"exit 0, bad output: {error}"
                bad_outputs.append(name)
        exits[outcome] += 1
        by_kind[kind][outcome] += 1
        if outcome.startswith(("signal", "hang")) or "bad output" in outcome or (code is not None and code not in (0, 4, 5, 6, 7)):
            findings.append(f"{name}: {outcome}")
            os.makedirs(f"{out}/findings", exist_ok=True)
            shutil.copy(path, f"{out}/findings/{name}")
            open(f"{out}/findings/{name}.stderr", "wb").write(run.stderr or b"")
        results.write(f"{name}\t{clip}\t{kind}\t{seconds:.2f}\t{outcome}\n")
        os.remove(path)

elapsed = time.monotonic() - start
lines = [f"blurd: {blurd}",
         f"seed {seed}: {ran} of {files} damaged files run in {elapsed / 60:.1f} min ({len(clips)} source clips, "
         f"timeout {timeout} s per file, budget {budget_min} min)",
         "outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(exits.items())),
         "by damage: " + "; ".join(f"{k} " + ", ".join(f"{o}: {c}" for o, c in sorted(v.items()))
                                    for k, v in sorted(by_kind.items())),
         f"crashes (signals): {sum(v for k, v in exits.items() if k.startswith('signal'))}, "
         f"hangs: {exits['hang']}, exit-0 outputs that did not parse or lacked the summary: {len(bad_outputs)}"]
lines += [f"finding: {f}" for f in findings]
open(f"{out}/summary.txt", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if findings else 0)
EOF
