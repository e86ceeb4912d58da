#!/usr/bin/env bash
# Puts real photographs from Debian packages into data/photos/ as grey PNGs (long side
# ≤ 1024 px) for self-supervised blur synthesis, and fixes a held-out split by image.
#
# Idempotent: packages are fetched with `apt-get download` (never installed) only when their
# .deb is missing, unpacked with `dpkg -x` only once, and a PNG is converted only when absent.
#
# How the photographs were chosen: every image file of the five packages was looked at on a
# contact sheet, and only camera photographs are in the allow-list below. Left out on purpose:
# renders, drawings, paintings, gradients and logos (most of ukui-wallpapers, gnome-backgrounds
# and mate's abstract/desktop folders; Blender_Suzanne, HappyFish, blox, starry_night, cards,
# pic*.png), images that are blurred already (text_defocus, text_motion, licenseplate_motion),
# and the second image of near-duplicate pairs (aloeR, basketball2, graf3, leuvenB,
# rubberwhale2, ela_modified, the other left*/right* calibration shots) so a held-out image
# never has a twin in training. opencv-doc's *.avi clips are reserved for independent
# evaluation and lomiri-wallpapers is reserved too: neither is touched.
#
# Split: an image goes to validation when the first 8 hex digits of the md5 of its output
# file name, mod 100, are below 15 (≈15%). The lists are data/photos/{train,val}-list.txt.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/data"
debs="$data/debs"
pkgs="$data/pkgs"
photos="$data/photos"
mkdir -p "$debs" "$pkgs" "$photos"

packages=(opencv-doc plasma-workspace-wallpapers mate-backgrounds)

# "package|path inside the package|output name"
cv=usr/share/doc/opencv-doc/examples
kde=usr/share/wallpapers
mate=usr/share/backgrounds/mate/nature
allow=(
    "opencv-doc|$cv/alphamat/input_images/plant.jpg|opencv-plant"
    "opencv-doc|$cv/data/aero1.jpg|opencv-aero1"
    "opencv-doc|$cv/data/aero3.jpg|opencv-aero3"
    "opencv-doc|$cv/data/aloeL.jpg|opencv-aloe"
    "opencv-doc|$cv/data/apple.jpg|opencv-apple"
    "opencv-doc|$cv/data/baboon.jpg|opencv-baboon"
    "opencv-doc|$cv/data/basketball1.png|opencv-basketball"
    "opencv-doc|$cv/data/board.jpg|opencv-board"
    "opencv-doc|$cv/data/box_in_scene.png|opencv-box-in-scene"
    "opencv-doc|$cv/data/building.jpg|opencv-building"
    "opencv-doc|$cv/data/butterfly.jpg|opencv-butterfly"
    "opencv-doc|$cv/data/chicky_512.png|opencv-chicky"
    "opencv-doc|$cv/data/ela_original.jpg|opencv-notebook"
    "opencv-doc|$cv/data/fruits.jpg|opencv-fruits"
    "opencv-doc|$cv/data/graf1.png|opencv-graffiti"
    "opencv-doc|$cv/data/home.jpg|opencv-home"
    "opencv-doc|$cv/data/left.jpg|opencv-books"
    "opencv-doc|$cv/data/left01.jpg|opencv-calibration"
    "opencv-doc|$cv/data/leuvenA.jpg|opencv-leuven"
    "opencv-doc|$cv/data/messi5.jpg|opencv-football"
    "opencv-doc|$cv/data/orange.jpg|opencv-orange"
    "opencv-doc|$cv/data/rubberwhale1.png|opencv-rubberwhale"
    "opencv-doc|$cv/data/smarties.png|opencv-smarties"
    "opencv-doc|$cv/data/squirrel_cls.jpg|opencv-squirrel"
    "opencv-doc|$cv/data/stuff.jpg|opencv-stuff"
    "opencv-doc|$cv/reg/home.png|opencv-brick-house"
    "opencv-doc|$cv/text/scenetext01.jpg|opencv-scenetext01"
    "opencv-doc|$cv/text/scenetext02.jpg|opencv-scenetext02"
    "opencv-doc|$cv/text/scenetext03.jpg|opencv-scenetext03"
    "opencv-doc|$cv/text/scenetext04.jpg|opencv-scenetext04"
    "opencv-doc|$cv/text/scenetext05.jpg|opencv-scenetext05"
    "opencv-doc|$cv/text/scenetext06.jpg|opencv-scenetext06"
    "plasma-workspace-wallpapers|$kde/BytheWater/contents/images/2560x1600.jpg|plasma-bythewater"
    "plasma-workspace-wallpapers|$kde/ColdRipple/contents/images/2560x1600.jpg|plasma-coldripple"
    "plasma-workspace-wallpapers|$kde/ColorfulCups/contents/images/2560x1600.jpg|plasma-colorfulcups"
    "plasma-workspace-wallpapers|$kde/DarkestHour/contents/images/2560x1600.jpg|plasma-darkesthour"
    "plasma-workspace-wallpapers|$kde/EveningGlow/contents/images/2560x1600.jpg|plasma-eveningglow"
    "plasma-workspace-wallpapers|$kde/FallenLeaf/contents/images/2560x1600.jpg|plasma-fallenleaf"
    "plasma-workspace-wallpapers|$kde/Grey/contents/images/2560x1600.jpg|plasma-grey"
    "plasma-workspace-wallpapers|$kde/Kite/contents/images/2560x1600.jpg|plasma-kite"
    "plasma-workspace-wallpapers|$kde/OneStandsOut/contents/images/2560x1600.jpg|plasma-onestandsout"
    "plasma-workspace-wallpapers|$kde/Path/contents/images/2560x1600.jpg|plasma-path"
    "plasma-workspace-wallpapers|$kde/summer_1am/contents/images/2560x1600.jpg|plasma-summer1am"
    "mate-backgrounds|$mate/Aqua.jpg|mate-aqua"
    "mate-backgrounds|$mate/Blinds.jpg|mate-blinds"
    "mate-backgrounds|$mate/Dune.jpg|mate-dune"
    "mate-backgrounds|$mate/FreshFlower.jpg|mate-freshflower"
    "mate-backgrounds|$mate/Garden.jpg|mate-garden"
    "mate-backgrounds|$mate/GreenMeadow.jpg|mate-greenmeadow"
    "mate-backgrounds|$mate/LadyBird.jpg|mate-ladybird"
    "mate-backgrounds|$mate/RainDrops.jpg|mate-raindrops"
    "mate-backgrounds|$mate/Storm.jpg|mate-storm"
    "mate-backgrounds|$mate/TwoWings.jpg|mate-twowings"
    "mate-backgrounds|$mate/Wood.jpg|mate-wood"
    "mate-backgrounds|$mate/YellowFlower.jpg|mate-yellowflower"
)

for p in "${packages[@]}"; do
    if ! compgen -G "$debs/${p}_*.deb" > /dev/null; then
        (cd "$debs" && apt-get download "$p")
    fi
    if [ ! -d "$pkgs/$p" ]; then
        deb=$(compgen -G "$debs/${p}_*.deb" | head -n 1)
        dpkg -x "$deb" "$pkgs/$p.partial"
        mv "$pkgs/$p.partial" "$pkgs/$p"
    fi
done

: > "$photos/train-list.txt.tmp"
: > "$photos/val-list.txt.tmp"
for entry in "${allow[@]}"; do
    IFS='|' read -r pkg path name <<< "$entry"
    src="$pkgs/$pkg/$path"
    out="$photos/$name.png"
    if [ ! -f "$src" ]; then
        echo "fetch-photos: missing $src" >&2
        exit 1
    fi
    if [ ! -f "$out" ]; then
        # Area averaging when shrinking keeps the photo's own sharpness without aliasing.
        ffmpeg -nostdin -loglevel error -y -i "$src" \
            -vf "scale='if(gt(iw,ih),min(1024,iw),-2)':'if(gt(iw,ih),-2,min(1024,ih))':flags=area,format=gray" \
            -frames:v 1 "$out.tmp.png"
        mv "$out.tmp.png" "$out"
    fi
    bucket=$(( 16#$(printf '%s' "$name.png" | md5sum | cut -c1-8) % 100 ))
    if [ "$bucket" -lt 15 ]; then
        echo "$name.png" >> "$photos/val-list.txt.tmp"
    else
        echo "$name.png" >> "$photos/train-list.txt.tmp"
    fi
done
mv "$photos/train-list.txt.tmp" "$photos/train-list.txt"
mv "$photos/val-list.txt.tmp" "$photos/val-list.txt"

echo "photos: $(wc -l < "$photos/train-list.txt") train, $(wc -l < "$photos/val-list.txt") validation in $photos"
