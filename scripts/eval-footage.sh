#!/usr/bin/env bash
# Scores cnn-fp32, cnn-int8 and classic on every variant of the real-footage region set
# (scripts/make-footage-set.sh), one table row per variant and method.
#   scripts/eval-footage.sh [blurd binary] [extra blurd eval flags, e.g. --model FILE]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
blurd="${1:-$root/.build/release/blurd}"
shift || true
[[ -d "$root/data/footage/sharp" ]] || "$root/scripts/make-footage-set.sh"

printf '%-13s %s\n' variant "method     precision  recall   F0.3     IoU      MAE      AP       accuracy  ms/image"
for dir in "$root"/data/footage/*/; do
    variant="$(basename "$dir")"
    "$blurd" eval --images "$dir/images" --masks "$dir/masks" "$@" | tail -n 3 | sed "s/^/$(printf '%-13s ' "$variant")/"
done
