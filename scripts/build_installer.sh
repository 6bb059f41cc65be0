#!/usr/bin/env bash
# Build the one-folder bundle (dist/curate/) with PyInstaller, smoke-test it the way a user starts
# it (a fresh home, a bare environment, no virtualenv), check the size budget, and pack the Linux
# tarball dist/curate-<version>-linux-<arch>.tar.gz (bundle, .desktop file, icons, install.sh).
#
#   bash scripts/build_installer.sh           (from anywhere; uses ./.venv, made if missing)
#
# Fails on a non-zero exit or on ANY output to stderr from the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PIP_DISABLE_PIP_VERSION_CHECK=1
# 150 MB until team mode; psycopg's binary wheel adds 10 MB (libpq with its own OpenSSL and
# Kerberos, so the installed app can join a team server with TLS and GSSAPI like any libpq tool)
SIZE_BUDGET_MB=${SIZE_BUDGET_MB:-160}
start=$(date +%s)

say() { printf '== %s\n' "$*"; }
die() { printf 'build_installer: %s\n' "$*" >&2; exit 1; }

# -- the build environment ----------------------------------------------------------------------
PY=.venv/bin/python
if [ ! -x "$PY" ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if ! "$PY" -c "import PyInstaller, desktop" 2>/dev/null; then
  say "installing the build extra"
  .venv/bin/pip install -q -e '.[build]'
fi
VERSION=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")
INSTALLED=$("$PY" -c "from importlib.metadata import version; print(version('curate'))")
if [ "$VERSION" != "$INSTALLED" ]; then  # the installed metadata is what the bundle ships
  say "installed metadata says $INSTALLED, pyproject.toml $VERSION: reinstalling"
  .venv/bin/pip install -q -e '.[build]'
fi

# -- build ----------------------------------------------------------------------------------------
say "building curate $VERSION"
rm -rf dist/curate
mkdir -p build
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist build_installer.spec >build/pyinstaller.log 2>&1 \
  || { tail -40 build/pyinstaller.log >&2; die "pyinstaller failed (full log: build/pyinstaller.log)"; }
grep -F "build_installer.spec:" build/pyinstaller.log || true
EXE=dist/curate/curate
[ -x "$EXE" ] || die "$EXE was not built"

# -- smoke test, as a user starts it -----------------------------------------------------------
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
# run NAME ARGS...: the bundle in a bare environment with a fresh home; stdout to $SMOKE/NAME.out;
# fails on a non-zero exit or on anything at all on stderr
run() {
  local name=$1; shift
  local home="$SMOKE/home-$name"
  mkdir -p "$home"
  local rc=0
  (cd "$home" && env -i HOME="$home" PATH=/usr/bin:/bin "$ROOT/$EXE" "$@") \
    >"$SMOKE/$name.out" 2>"$SMOKE/$name.err" || rc=$?
  if [ "$rc" -ne 0 ] || [ -s "$SMOKE/$name.err" ]; then
    echo "--- curate $* (exit $rc) stdout:" >&2; cat "$SMOKE/$name.out" >&2
    echo "--- stderr:" >&2; cat "$SMOKE/$name.err" >&2
    die "smoke test '$name' failed"
  fi
  echo "   ok: curate $* "
}

say "smoke test (env -i, fresh HOME, PATH=/usr/bin:/bin)"
run version --version
[ "$(cat "$SMOKE/version.out")" = "curate $VERSION" ] || die "--version printed '$(cat "$SMOKE/version.out")', want 'curate $VERSION'"
run licenses --licenses
if ! grep -q "LGPL-3.0" "$SMOKE/licenses.out" || ! grep -q "OFL" "$SMOKE/licenses.out"; then
  die "--licenses lacks LGPL or OFL"
fi
run selftest selftest
sed 's/^/   | /' "$SMOKE/selftest.out"
SEEDS=("$ROOT"/seeds/*.txt)
SEED=${SEEDS[0]}
run import --db "$SMOKE/fresh.db" import "$SEED"
grep -qE "^imported 1 articles?, .*duplicates 0, failed 0" "$SMOKE/import.out" || die "import printed: $(cat "$SMOKE/import.out")"
run check --db "$SMOKE/fresh.db" check
run help --help
# the PostgreSQL driver is in the bundle: a server that is not there is one line, exit 1, not a
# missing module (port 9 on loopback: nothing listens there)
set +e
mkdir -p "$SMOKE/home-pg"; env -i HOME="$SMOKE/home-pg" PATH=/usr/bin:/bin "$ROOT/$EXE" --db postgresql://curate@127.0.0.1:9/none list \
  >"$SMOKE/pg.out" 2>"$SMOKE/pg.err"
pg_rc=$?
set -e
[ "$pg_rc" = 1 ] && [ "$(wc -l <"$SMOKE/pg.err")" = 1 ] && ! grep -qi "psycopg\|module\|internal" "$SMOKE/pg.err" \
  || die "a server URL did not give one clear line (exit $pg_rc): $(cat "$SMOKE/pg.err")"
say "ok: a missing team server is one line: $(cat "$SMOKE/pg.err")"

# -- size budget ------------------------------------------------------------------------------------
SIZE_MB=$(du -sm dist/curate | cut -f1)
say "dist/curate: ${SIZE_MB} MB (budget ${SIZE_BUDGET_MB} MB); largest files:"
# awk reads all of sort's output (NR <= 8 prints the largest): `head` would close the pipe early and,
# under pipefail, sort's SIGPIPE would fail the build (exit 141) whenever its output passed a pipe buffer
find dist/curate -type f -printf '%s %P\n' | sort -rn | awk 'NR <= 8 {printf "   %6.1f MB  %s\n", $1/1048576, $2}'
[ "$SIZE_MB" -le "$SIZE_BUDGET_MB" ] || die "the bundle is ${SIZE_MB} MB, over the ${SIZE_BUDGET_MB} MB budget"

# -- the Linux tarball ----------------------------------------------------------------------------
ARCH=$(uname -m)
PKG=curate-$VERSION-linux-$ARCH
STAGE=build/$PKG
rm -rf "$STAGE"
mkdir -p "$STAGE/icons"
cp -a dist/curate "$STAGE/curate"
cp installer/curate.desktop installer/install.sh installer/uninstall.sh "$STAGE/"
chmod +x "$STAGE/install.sh" "$STAGE/uninstall.sh"
cp resources/icons/curate.svg resources/icons/curate-*.png "$STAGE/icons/"
cat >"$STAGE/README.txt" <<EOF
Curate $VERSION for Linux ($ARCH)

Install for yourself (menu entry, icon, and ~/.local/bin/curate):   ./install.sh
Install for everyone (/opt/curate, /usr/local/bin/curate):        sudo ./install.sh --system
Or run it in place:                                                 ./curate/curate
Check the installation:                                             curate selftest
Remove:                                                             ./uninstall.sh  (or sudo ./uninstall.sh --system)

Qt needs a few system libraries that most desktops have; on a minimal Debian/Ubuntu:
  sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libegl1 libgl1 libfontconfig1
Licences: Help > About in the app, curate --licenses, and curate/_internal/resources/licenses/.
EOF
TARBALL=dist/$PKG.tar.gz
tar -C build -czf "$TARBALL" "$PKG"
rm -rf "$STAGE"
say "$TARBALL: $(du -h "$TARBALL" | cut -f1)"
say "done in $(( $(date +%s) - start )) s"
