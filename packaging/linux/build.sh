#!/usr/bin/env bash
# Build photocheck for Linux: a PyInstaller folder, packed as a .tar.gz and as a .deb.
#
#     packaging/linux/build.sh            # -> dist/photocheck/, dist/*.tar.gz, dist/*.deb
#
# The bundle runs where the glibc is at least as new as the newest one its libraries ask
# for (built on Debian 12: 2.36; written into the .deb's Depends). Needs Python 3.10-3.13
# with its shared library (Debian: python3-venv; pyenv builds need
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
# (PyInstaller links the Qt libraries' names to their files; the links to those the spec
# left out point nowhere)
find "$OUT/photocheck" -xtype l -delete
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
install -Dm644 "$ROOT/packaging/linux/copyright" "$STAGE/usr/share/doc/photocheck/copyright"
SIZE=$(du -sk "$STAGE" | cut -f1)
# the newest glibc any program or library in the bundle asks for: the system must have it
GLIBC=$(find "$OUT/photocheck" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | cut -d_ -f2 \
    | sort -uV | tail -1)
echo "   needs glibc $GLIBC or newer"
# Depends: what Qt needs of the system and does not bring (the bundle holds the rest)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    -e "s/@GLIBC@/$GLIBC/" "$ROOT/packaging/linux/control.in" > "$STAGE/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$STAGE"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
ls -l "$OUT"/*.tar.gz "$DEB"
