#!/usr/bin/env bash
# Builds data/real-clips/: in-focus camera clips shipped in Debian packages (a phone video, a
# webcam, two handheld cameras), as a robustness-format set of "sharp" cases, so that
# `blurd eval --robustness data/real-clips` shows how a model reads ordinary real video beyond
# the city clip of the robustness set. "In focus" is judged by eye: there is no ground truth,
# and parts of a scene may sit outside the depth of field, so read the figures as a check of
# real-footage behaviour, not as targets. None of these is reserved for independent
# evaluation (opencv-doc's clips and lomiri-wallpapers are, and are not used).
#   scripts/make-real-clips-set.sh
set -euo pipefail

data="$(cd "$(dirname "$0")/.." && pwd)/data"
debs="$data/debs"
pkgs="$data/pkgs"
out="$data/real-clips"
mkdir -p "$debs" "$pkgs" "$out"

# name, Debian package, path inside it
clips=(
    "phone-dog forensics-samples-files usr/share/forensics-samples/original-files/movie1/VID_20191220_170832.mp4"
    "handheld-cockatoo python3-imageio usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4"
    "webcam-ball python3-mecavideo usr/share/pymecavideo/data/video/balle-jbart.mp4"
    "camera-lego python3-hug-doc usr/share/doc/python3-hug/examples/streaming_movie_server/movie.mp4"
)

echo "name,kind,video,mask,sigmas" > "$out/cases.csv"
for clip in "${clips[@]}"; do
    read -r name package path <<< "$clip"
    if [[ ! -f "$pkgs/$package/$path" ]]; then
        if ! ls "$debs/${package}"_*.deb >/dev/null 2>&1; then
            (cd "$debs" && apt-get download "$package" >&2)
        fi
        dpkg -x "$(ls "$debs/${package}"_*.deb | head -n 1)" "$pkgs/$package"
    fi
    ln -sf "$pkgs/$package/$path" "$out/$name.${path##*.}"
    echo "$name,sharp,$name.${path##*.},," >> "$out/cases.csv"
done
echo "real-clips set: $out (${#clips[@]} clips)"
