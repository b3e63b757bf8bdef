#!/usr/bin/env sh
# Render the shipped 64 px PNG icon from the SVG (for notification servers without an SVG loader).
# Needs gdk-pixbuf-thumbnailer (Debian: libgdk-pixbuf2.0-bin) with the librsvg pixbuf loader.
set -eu
icons="$(dirname "$0")/../src/stretchbreak/data/icons"
gdk-pixbuf-thumbnailer -s 64 "$icons/stretchbreak.svg" "$icons/stretchbreak-64.png"
echo "wrote $icons/stretchbreak-64.png"
