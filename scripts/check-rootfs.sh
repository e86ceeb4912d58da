#!/usr/bin/env bash
# The check that stands in for building deploy/Containerfile where no container engine is:
# debootstraps a minimal Debian 12 (bookworm) into ROOTFS, installs only the runtime packages
# of deploy/runtime-packages.txt in it, copies in the blurd binary and the Swift runtime's .so
# files (as the Containerfile does), and runs `blurd analyze` and `blurd triage` on a clip
# inside `chroot`. Needs root and network (Debian's archive). Not part of the test suite.
#
#   bash scripts/check-rootfs.sh [BLURD_BINARY] [ROOTFS]
#   (defaults: .build/release/blurd, /tmp/blurd-rootfs)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-.build/release/blurd}"
rootfs="${2:-/tmp/blurd-rootfs}"
swift_runtime="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux"

if [[ ! -x "$rootfs/bin/sh" ]]; then
    command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian
fi
# A container always has /proc; a bare chroot does not, and the Swift runtime reads the command
# line from /proc/self/cmdline (without it blurd sees no arguments and prints its usage).
mountpoint -q "$rootfs/proc" || mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc"' EXIT
mapfile -t packages < <(grep -v '^#' deploy/runtime-packages.txt | grep -v '^$')
chroot "$rootfs" apt-get update -q
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"

install -D -m 0755 "$binary" "$rootfs/usr/local/bin/blurd"
mkdir -p "$rootfs/usr/lib/swift/linux"
cp -a "$swift_runtime"/*.so "$rootfs/usr/lib/swift/linux/"
echo /usr/lib/swift/linux > "$rootfs/etc/ld.so.conf.d/swift.conf"
chroot "$rootfs" ldconfig

# Nothing may resolve outside the root: ldd inside it lists what is missing.
if chroot "$rootfs" ldd /usr/local/bin/blurd | grep "not found"; then
    echo "check-rootfs: libraries missing in the image" >&2
    exit 1
fi
# A clip made outside (the image has no ffmpeg CLI), analysed inside.
mkdir -p "$rootfs/work/lib"
ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=25:duration=2" -c:v libx264 -pix_fmt yuv420p \
    "$rootfs/work/lib/clip.mp4"
echo "not a clip" > "$rootfs/work/lib/notes.txt"
chroot "$rootfs" /usr/local/bin/blurd analyze /work/lib/clip.mp4 --output /work/clip.jsonl
tail -n 1 "$rootfs/work/clip.jsonl"
chroot "$rootfs" /usr/local/bin/blurd triage /work/lib --output-dir /work/out --shard 0/1
chroot "$rootfs" /usr/local/bin/blurd triage --report-only /work/out
echo "check-rootfs: blurd runs in $rootfs with only: ${packages[*]} + the Swift runtime"
