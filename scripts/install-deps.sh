#!/usr/bin/env bash
# Installs the Debian (and Python) packages blurd builds and tests against, only those that are missing.
set -euo pipefail
packages=(pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libavdevice-dev libopenblas-dev ffmpeg python3
          libmosquitto-dev mosquitto mosquitto-clients chromium fonts-dejavu-core prometheus)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ] || [ "${1:-}" = "--update" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update
    [ "${#missing[@]}" -gt 0 ] && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "system packages: ok"
# The triage tests read timeline.otio with OpenTimelineIO's own Python package.
if ! python3 -c "import opentimelineio" 2>/dev/null; then
    python3 -m pip install --quiet "opentimelineio>=0.17"
fi
echo "python packages: ok"
