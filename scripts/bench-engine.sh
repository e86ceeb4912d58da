#!/usr/bin/env bash
# The CNN engine against ONNX Runtime and OpenVINO, in one sitting on one machine:
#   1. blurd bench (fp32 and int8, whole frame and tiled, with the sgemm peak),
#      as the environment is and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset;
#   2. shared/bench/engine_anchor.py on docs/blurseg-v1.bench.json (the same net, random
#      weights), from a copy patched for 1-channel input (the shared script draws 3-channel
#      calibration images whatever in_ch says);
#   3. blurd's whole-frame ms divided by each engine's (2 threads): < 1 means blurd is faster.
# Needs a release build and the venv from shared/bench/README.md:
#   swift build -c release --product blurd
#   python3 -m venv /tmp/anchor && /tmp/anchor/bin/pip install numpy onnx onnxruntime openvino nncf threadpoolctl sympy
set -euo pipefail
cd "$(dirname "$0")/.."
BLURD=${BLURD:-.build/release/blurd}
PYTHON=${PYTHON:-/tmp/anchor/bin/python}
SHARED=${SHARED:-../shared/bench}
OUT=${OUT:-$(mktemp -d /tmp/bench-engine.XXXXXX)}
mkdir -p "$OUT"
RUNS=${RUNS:-30}

sed -e 's/natural(rng, \*SIZES\[0\])/natural(rng, *SIZES[0], c=spec["in_ch"])/' \
    -e 's/natural(rng, \*s)/natural(rng, *s, c=spec["in_ch"])/' \
    "$SHARED/engine_anchor.py" > "$OUT/engine_anchor_1ch.py"
grep -q 'c=spec\["in_ch"\]' "$OUT/engine_anchor_1ch.py" || { echo "engine_anchor.py changed; patch it by hand" >&2; exit 1; }

echo "== $(date -u +%FT%TZ) $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BLURD" bench --threads 2 --runs "$RUNS" | tee "$OUT/blurd.txt"
echo "== blurd bench, whole frame only, OpenBLAS variables unset"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$BLURD" bench --threads 2 --runs "$RUNS" --net-only | tee "$OUT/blurd-unset.txt"
"$PYTHON" "$OUT/engine_anchor_1ch.py" docs/blurseg-v1.bench.json | tee "$OUT/anchor.txt"
echo "== $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$OUT/blurd.txt" "$OUT/anchor.txt" <<'PY'
import sys
def rows(path):
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and cells[0] and cells[0][0].isalnum() and not cells[0].startswith("---"):
            yield cells
blurd = {(c[0], c[2]): float(c[3]) for c in rows(sys.argv[1]) if c[1] == "net"}
print("\nblurd whole-frame ms / engine ms (2 threads; < 1: blurd faster)")
print("| engine | precision | input | engine ms | blurd fp32 / it | blurd int8 / it |")
print("|---|---|---|---|---|---|")
for c in rows(sys.argv[2]):
    if len(c) < 6 or c[2] != "2":
        continue
    try:
        ms = float(c[4])
    except ValueError:
        continue
    size = c[3]
    if (size, "fp32") in blurd:
        print(f"| {c[0]} | {c[1]} | {size} | {ms:.1f} | {blurd[(size, 'fp32')] / ms:.2f} | {blurd[(size, 'int8')] / ms:.2f} |")
PY
echo "(raw output in $OUT)"
