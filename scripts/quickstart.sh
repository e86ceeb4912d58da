#!/usr/bin/env bash
# One command from a fresh clone: install what is missing, build blurd, make a short sample
# clip (a sharp moving pattern whose middle second is defocused), and analyse it with the
# embedded default model. Output goes to data/quickstart/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product blurd
out=data/quickstart
mkdir -p "$out"
clip="$out/sample.mp4"
if [ ! -s "$clip" ]; then
    # testsrc2 is sharp and textured; gblur between 1 s and 2 s stands in for a focus pull.
    ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=3" \
        -vf "gblur=sigma=6:enable='between(t,1,2)'" -c:v libx264 -crf 23 -pix_fmt yuv420p "$clip"
fi
.build/release/blurd analyze "$clip" --output "$out/sample.jsonl"
echo "wrote $out/sample.jsonl; per-frame scores:"
python3 - "$out/sample.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "summary" in o:
        print("summary:", o["summary"])
    elif o["frame"] % 5 == 0:
        print(f'frame {o["frame"]:3d}  pts {o["pts"]:5.2f}s  state {o["state"]:10s} score {o["score"]}  blurred {o["blurred_fraction"]}')
PY
