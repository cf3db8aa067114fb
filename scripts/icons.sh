#!/usr/bin/env bash
# Regenerates the icon set in icons/ from icons/icon.svg (needs librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../icons"
rsvg-convert -w 1024 -h 1024 icon.svg -o icon.png
for size in 32 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "${size}x${size}.png"
done
cp 256x256.png 128x128@2x.png
