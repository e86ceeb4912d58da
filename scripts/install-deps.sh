#!/usr/bin/env bash
# Installs the Debian packages blurd builds and tests against, only those that are missing.
set -euo pipefail
packages=(pkg-config libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libavdevice-dev libopenblas-dev ffmpeg python3 libmosquitto-dev mosquitto mosquitto-clients prometheus)
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
