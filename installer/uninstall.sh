#!/usr/bin/env bash
# Remove what install.sh installed (the program folder, the `curate` command, the menu entry and
# the icons). Your data — the database and settings in ~/.local/share/Curate and ~/.config — stays.
#
#   ./uninstall.sh                 what ./install.sh installed for you
#   sudo ./uninstall.sh --system   what sudo ./install.sh --system installed
#   ./uninstall.sh --prefix DIR    what ./install.sh --prefix DIR installed
set -euo pipefail

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
MODE=user PREFIX=
while [ $# -gt 0 ]; do
  case "$1" in
    --system) MODE=system ;;
    --user) MODE=user ;;
    --prefix) shift; [ $# -gt 0 ] || { usage >&2; exit 2; }; MODE=prefix; PREFIX=$1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

case "$MODE" in
  user) DATA=${XDG_DATA_HOME:-$HOME/.local/share}; APPDIR=$HOME/.local/opt/curate ;;
  system)
    [ "$(id -u)" -eq 0 ] || { echo "uninstall.sh: --system needs root" >&2; exit 1; }
    DATA=/usr/share; APPDIR=/opt/curate ;;
  prefix) PREFIX=$(cd "$PREFIX" && pwd); DATA=$PREFIX/share; APPDIR=$PREFIX/opt/curate ;;
esac

MANIFEST=$APPDIR/install-manifest.txt
if [ ! -f "$MANIFEST" ]; then
  echo "uninstall.sh: Curate is not installed in $APPDIR (no $MANIFEST)" >&2
  exit 1
fi
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ -L "$f" ] || [ -f "$f" ]; then rm -f "$f"; fi
done <"$MANIFEST"
rm -rf "$APPDIR"

if [ "$MODE" != prefix ]; then
  if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$DATA/applications" 2>/dev/null || true; fi
  if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true; fi
fi
echo "Curate removed from $APPDIR. Your data in ~/.local/share/Curate is still there."
