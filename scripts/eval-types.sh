#!/usr/bin/env bash
# Scores blur types on the set of scripts/make-type-set.sh (docs/MODEL.md, issue 17 target 2):
# runs `BLURD analyze` on every clip of data/types/cases.csv (every 5th frame) with the extra
# options given (--model, --precision), then reports, over the analysed frames of the blurred
# clips, how often the frame's blur_type is the clip's (a null type counts as wrong), and over
# the motion clips, the motion_angle error (modulo 180; a null angle counts as a miss): the
# share within 20 degrees and the median. Per clip and in total; the JSON Lines and the case
# list scored are kept in data/types/out/OPTIONS/ (one folder per set of extra options).
#   scripts/eval-types.sh .build/release/blurd --model data/train/blurseg-v3.blurdmodel
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
blurd="$1"; shift
set_dir="$root/data/types"
[[ -f "$set_dir/cases.csv" ]] || { echo "no $set_dir/cases.csv: run scripts/make-type-set.sh" >&2; exit 2; }
out="$set_dir/out/$(printf '%s' "${*:-default}" | tr -c 'A-Za-z0-9.-' '_')"
mkdir -p "$out"
cp "$set_dir/cases.csv" "$out/cases.csv"
tail -n +2 "$out/cases.csv" | while IFS=, read -r clip type angle; do
    "$blurd" analyze "$set_dir/$clip" --every 5 "$@" --output "$out/${clip%.mp4}.jsonl" 2>/dev/null
done
python3 - "$out" <<'PY'
import csv, json, os, statistics, sys
out = sys.argv[1]
rows, typed, correct, errors = [], 0, 0, []
for case in csv.DictReader(open(os.path.join(out, "cases.csv"))):
    log = os.path.join(out, case["clip"][:-4] + ".jsonl")
    frames = [json.loads(l) for l in open(log) if l.startswith('{"frame"')]
    frames = [f for f in frames if f["state"] == "ok"]
    if frames and "blur_type" not in frames[0]:
        sys.exit("the model has no blur-type heads (no blur_type in the JSON Lines)")
    good = sum(f.get("blur_type") == case["type"] for f in frames)
    typed += len(frames); correct += good
    clip_errors = []
    if case["type"] == "motion":
        truth = float(case["angle"])
        for f in frames:
            a = f.get("motion_angle")
            clip_errors.append(180.0 if a is None else min(abs(a - truth) % 180, 180 - abs(a - truth) % 180))
        errors += clip_errors
    kinds = {}
    for f in frames: kinds[f.get("blur_type")] = kinds.get(f.get("blur_type"), 0) + 1
    angles = [f.get("motion_angle") for f in frames if f.get("motion_angle") is not None]
    print(f'{case["clip"]:40s} {case["type"]:8s} {case["angle"] or "-":>4s}  type {good}/{len(frames)}  seen {kinds}'
          + (f'  angles {statistics.median(angles):.0f} (median of {len(angles)})' if angles else ''))
print(f"type accuracy over {typed} frames of blurred clips: {correct / max(1, typed):.3f} (target >= 0.90)")
if errors:
    within = sum(e <= 20 for e in errors) / len(errors)
    print(f"motion frames: {len(errors)}, direction within 20 deg: {within:.3f} (target >= 0.80), "
          f"median error {statistics.median(errors):.1f} deg (a missing angle counts 180)")
PY
