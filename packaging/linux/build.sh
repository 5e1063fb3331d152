#!/usr/bin/env bash
# Build photocheck for Linux: a PyInstaller folder, packed as a .tar.gz and as a .deb.
#
#     packaging/linux/build.sh            # -> dist/photocheck/, dist/*.tar.gz, dist/*.deb
#
# Needs Python 3.10-3.13 with its shared library (Debian: python3-venv; pyenv builds need
# PYTHON_CONFIGURE_OPTS=--enable-shared) and dpkg-deb for the .deb. The build gets a
# virtual environment of its own (build/venv): nothing is installed for the system.
# PYTHON (default python3), OUT (default dist) and BUILD (default build) can be set.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
OUT=$(mkdir -p "${OUT:-$ROOT/dist}" && cd "${OUT:-$ROOT/dist}" && pwd)
BUILD=$(mkdir -p "${BUILD:-$ROOT/build}" && cd "${BUILD:-$ROOT/build}" && pwd)
APP_ID=io.github.photocheck.PhotoCheck
PYINSTALLER="pyinstaller==6.22.3"

echo "== a build environment ($BUILD/venv)"
"$PYTHON" -m venv "$BUILD/venv"
"$BUILD/venv/bin/python" -m pip install --quiet --upgrade pip
"$BUILD/venv/bin/python" -m pip install --quiet "$ROOT" "$PYINSTALLER"

echo "== the bundle ($OUT/photocheck)"
rm -rf "$OUT/photocheck"
"$BUILD/venv/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$OUT" \
    --workpath "$BUILD/pyinstaller" "$ROOT/packaging/pyinstaller/photocheck.spec"
ln -s photocheck "$OUT/photocheck/photocheck-gui"  # the app's name for the same program
VERSION=$("$OUT/photocheck/photocheck" --version | awk '{print $NF}')

echo "== $OUT/photocheck-$VERSION-linux-$(uname -m).tar.gz"
tar -C "$OUT" -czf "$OUT/photocheck-$VERSION-linux-$(uname -m).tar.gz" photocheck

if ! command -v dpkg-deb >/dev/null; then
    echo "(no dpkg-deb here: no .deb)"
    exit 0
fi
ARCH=$(dpkg --print-architecture)
DEB="$OUT/photocheck_${VERSION}_${ARCH}.deb"
echo "== $DEB"
STAGE="$BUILD/deb"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/metainfo" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$OUT/photocheck" "$STAGE/opt/photocheck"
ln -s ../../opt/photocheck/photocheck "$STAGE/usr/bin/photocheck"
ln -s ../../opt/photocheck/photocheck "$STAGE/usr/bin/photocheck-gui"
RES="$ROOT/photocheck/resources"
install -m 644 "$RES/$APP_ID.desktop" "$STAGE/usr/share/applications/"
install -m 644 "$RES/$APP_ID.metainfo.xml" "$STAGE/usr/share/metainfo/"
install -m 644 "$RES/$APP_ID.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/"
SIZE=$(du -sk "$STAGE" | cut -f1)
# Depends: what Qt needs of the system and does not bring (the bundle holds the rest)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    "$ROOT/packaging/linux/control.in" > "$STAGE/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$STAGE"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
ls -l "$OUT"/*.tar.gz "$DEB"
