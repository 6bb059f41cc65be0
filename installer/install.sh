#!/usr/bin/env bash
# Install Curate from the unpacked tarball: the program folder, a `curate` command, the menu entry
# and the icon.
#
#   ./install.sh               for you:      ~/.local/opt/curate, ~/.local/bin/curate,
#                                            ~/.local/share/applications, ~/.local/share/icons
#   sudo ./install.sh --system for everyone: /opt/curate, /usr/local/bin/curate,
#                                            /usr/share/applications, /usr/share/icons
#   ./install.sh --prefix DIR  the program in DIR/opt/curate, the rest under DIR (packagers)
#
# Installing again replaces the program; your database (~/.local/share/Curate) is never touched.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
MODE=user PREFIX=
while [ $# -gt 0 ]; do
  case "$1" in
    --system) MODE=system ;;
    --user) MODE=user ;;
    --prefix) shift; [ $# -gt 0 ] || { usage >&2; exit 2; }; MODE=prefix; PREFIX=$1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

case "$MODE" in
  user)
    DATA=${XDG_DATA_HOME:-$HOME/.local/share}
    APPDIR=$HOME/.local/opt/curate BINDIR=$HOME/.local/bin ;;
  system)
    [ "$(id -u)" -eq 0 ] || { echo "install.sh: --system needs root (sudo ./install.sh --system)" >&2; exit 1; }
    DATA=/usr/share APPDIR=/opt/curate BINDIR=/usr/local/bin ;;
  prefix)
    mkdir -p "$PREFIX"; PREFIX=$(cd "$PREFIX" && pwd)
    DATA=$PREFIX/share APPDIR=$PREFIX/opt/curate BINDIR=$PREFIX/bin ;;
esac
[ -x "$HERE/curate/curate" ] || { echo "install.sh: $HERE/curate/curate not found: run me from the unpacked tarball" >&2; exit 1; }

echo "Installing Curate into $APPDIR"
rm -rf "$APPDIR.new"
mkdir -p "$(dirname "$APPDIR")"
cp -a "$HERE/curate" "$APPDIR.new"
rm -rf "$APPDIR"
mv "$APPDIR.new" "$APPDIR"

mkdir -p "$BINDIR"
ln -sfn "$APPDIR/curate" "$BINDIR/curate"

for png in "$HERE"/icons/curate-*.png; do
  n=$(basename "$png" .png); n=${n#curate-}
  install -D -m 0644 "$png" "$DATA/icons/hicolor/${n}x${n}/apps/curate.png"
done
install -D -m 0644 "$HERE/icons/curate.svg" "$DATA/icons/hicolor/scalable/apps/curate.svg"

# the menu entry runs the installed program by its full path (~/.local/bin may not be on the
# desktop session's PATH)
mkdir -p "$DATA/applications"
sed -e "s|^Exec=.*|Exec=$APPDIR/curate|" -e "s|^TryExec=.*|TryExec=$APPDIR/curate|" \
  "$HERE/curate.desktop" >"$DATA/applications/curate.desktop"
chmod 0644 "$DATA/applications/curate.desktop"

# what uninstall.sh removes
cat >"$APPDIR/install-manifest.txt" <<MANIFEST
$BINDIR/curate
$DATA/applications/curate.desktop
$DATA/icons/hicolor/scalable/apps/curate.svg
$(for png in "$HERE"/icons/curate-*.png; do n=$(basename "$png" .png); n=${n#curate-}; echo "$DATA/icons/hicolor/${n}x${n}/apps/curate.png"; done)
MANIFEST
cp "$HERE/uninstall.sh" "$APPDIR/uninstall.sh"
chmod +x "$APPDIR/uninstall.sh"

if [ "$MODE" != prefix ]; then  # refresh the menu and icon caches where the tools exist
  if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$DATA/applications" 2>/dev/null || true; fi
  if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true; fi
fi

echo "Installed. Start Curate from the menu or with: $BINDIR/curate"
case ":$PATH:" in *":$BINDIR:"*) ;; *) echo "(add $BINDIR to your PATH to type just 'curate')" ;; esac
echo "Check the installation with: $BINDIR/curate selftest"
echo "Remove it with: $APPDIR/uninstall.sh$([ "$MODE" = system ] && echo ' --system')$([ "$MODE" = prefix ] && echo " --prefix $PREFIX")"
