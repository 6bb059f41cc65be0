"""The installer's inputs, checked without building the bundle (CI builds and smoke-tests it with
scripts/build_installer.sh): the PyInstaller spec, the wheel's package data, fonts and their
licence, icons, the one version number, the Linux and Windows installer files, the licences."""

from __future__ import annotations

import ast
import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_installer.spec"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


# -- the spec, run against stand-ins for PyInstaller's build objects ---------------------------------


class _Recorder:
    def __init__(self, kind, *args, **kwargs):
        self.kind, self.args, self.kwargs = kind, args, kwargs


# What the PySide6 hooks would collect: (path in the bundle, source, type); the source names the
# stand-in's ELF imports below.
SAMPLE_BINARIES = [
    ("PySide6/Qt/lib/libQt6Core.so.6", "Core", "BINARY"),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", "Widgets", "BINARY"),
    ("PySide6/Qt/lib/libQt6Qml.so.6", "Qml", "BINARY"),
    ("PySide6/Qt/lib/libQt6Network.so.6", "Network", "BINARY"),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", "Pdf", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "xcb", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "offscreen", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", "wayland", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", "vnc", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqico.so", "ico", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "svg", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "gtk3", "BINARY"),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "sqlite", "BINARY"),
    ("PySide6/Qt6Network.dll", "winnet", "BINARY"),
    ("PySide6/Qt6Widgets.dll", "winwidgets", "BINARY"),
    ("PySide6/plugins/platforms/qwindows.dll", "qwindows", "BINARY"),
    ("libpython3.11.so.1.0", "python", "BINARY"),
    ("libxcb-cursor.so.0", "xcb-cursor", "BINARY"),
    ("libcairo.so.2", "cairo", "BINARY"),
]
SAMPLE_IMPORTS = {"xcb": ["libxcb-cursor.so.0"], "gtk3": ["libcairo.so.2"]}
SAMPLE_DATAS = [
    ("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"),
    ("PySide6/Qt/translations/qtbase_hi.qm", "x", "DATA"),
    ("PySide6/Qt/qml/QtQuick/qmldir", "x", "DATA"),
    ("resources/fonts/OFL.txt", "x", "DATA"),
]


def run_spec(monkeypatch, tmp_path, platform: str) -> dict:
    built: dict = {"exes": [], "analysis": None, "collect": None, "bundle": None}

    def analysis(scripts, **kw):
        a = _Recorder("Analysis", scripts, **kw)
        a.binaries = list(SAMPLE_BINARIES)
        a.datas = list(SAMPLE_DATAS) + [(dest, src, "DATA") for src, dest in kw["datas"]]
        a.pure, a.scripts = [], []
        built["analysis"] = a
        return a

    def exe(*args, **kw):
        e = _Recorder("EXE", *args, **kw)
        built["exes"].append(e)
        return e

    def collect(*args, **kw):
        built["collect"] = _Recorder("COLLECT", *args, **kw)
        return built["collect"]

    def bundle(*args, **kw):
        built["bundle"] = _Recorder("BUNDLE", *args, **kw)
        return built["bundle"]

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda pkg: [pkg, pkg + ".ui.app"]
    hooks.copy_metadata = lambda dist: [(f"/site/{dist}-{VERSION}.dist-info", f"{dist}-{VERSION}.dist-info")]
    hooks.collect_data_files = lambda pkg: [(f"/site/{pkg}/data.json", f"{pkg}/data")]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda src: [(n, "/lib/" + n) for n in SAMPLE_IMPORTS.get(src, [])]
    for name, mod in {
        "PyInstaller": types.ModuleType("PyInstaller"), "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks, "PyInstaller.depend": types.ModuleType("PyInstaller.depend"),
        "PyInstaller.depend.bindepend": bindepend,
    }.items():
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.setattr(sys, "platform", platform)
    namespace = {
        "__name__": "__main__", "SPECPATH": str(ROOT), "workpath": str(tmp_path / "work"),
        "Analysis": analysis, "PYZ": lambda *a, **k: _Recorder("PYZ", *a, **k), "EXE": exe,
        "COLLECT": collect, "BUNDLE": bundle,
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    built["ns"] = namespace
    return built


def test_spec_is_valid_python():
    ast.parse(SPEC.read_text(encoding="utf-8"))


def test_spec_collects_resources_seeds_metadata_and_the_whole_package(monkeypatch, tmp_path):
    built = run_spec(monkeypatch, tmp_path, "linux")
    a = built["analysis"]
    datas = a.kwargs["datas"]
    assert (str(ROOT / "resources"), "resources") in datas
    assert (str(ROOT / "seeds"), "seeds") in datas
    assert any(dest == f"curate-{VERSION}.dist-info" for _src, dest in datas)  # --version in the bundle
    assert any(dest.startswith("indic_transliteration") for _src, dest in datas)
    assert "desktop.ui.app" in a.kwargs["hiddenimports"]  # the window is imported lazily by the CLI
    assert Path(a.args[0][0]).is_file()
    assert built["ns"]["VERSION"] == VERSION


def test_spec_leaves_out_unused_qt_and_build_tools(monkeypatch, tmp_path):
    built = run_spec(monkeypatch, tmp_path, "linux")
    excludes = set(built["analysis"].kwargs["excludes"])
    for mod in ("PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtNetwork", "PySide6.QtPdf", "PySide6.QtSql",
                "PySide6.QtWebEngineCore", "pytest", "PyInstaller", "tests", "tkinter"):
        assert mod in excludes, mod
    for used in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"):
        assert used not in excludes
    # the modules the window uses are exactly the ones kept
    used = set()
    for py in (ROOT / "desktop").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", py.read_text(encoding="utf-8")))
    assert used and not {f"PySide6.{m}" for m in used} & excludes

    kept = {dest for dest, _src, _kind in built["analysis"].binaries}
    for dest in ("PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Widgets.so.6",
                 "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                 "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/imageformats/libqico.so",
                 "PySide6/Qt6Widgets.dll", "PySide6/plugins/platforms/qwindows.dll", "libpython3.11.so.1.0",
                 "libxcb-cursor.so.0"):
        assert dest in kept, dest
    for dest in ("PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6",
                 "PySide6/Qt/plugins/platforms/libqvnc.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                 "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
                 "PySide6/Qt6Network.dll",
                 "libcairo.so.2"):  # needed only by the dropped GTK theme
        assert dest not in kept, dest
    kept_data = {dest for dest, _src, _kind in built["analysis"].datas}
    assert "PySide6/Qt/translations/qtbase_de.qm" not in kept_data
    assert "PySide6/Qt/qml/QtQuick/qmldir" not in kept_data
    assert "resources/fonts/OFL.txt" in kept_data


def test_spec_linux_one_console_executable(monkeypatch, tmp_path):
    built = run_spec(monkeypatch, tmp_path, "linux")
    assert [(e.kwargs["name"], e.kwargs["console"]) for e in built["exes"]] == [("curate", True)]
    assert built["collect"].kwargs["name"] == "curate"
    assert built["bundle"] is None


def test_spec_windows_console_and_windowed_executables_with_version(monkeypatch, tmp_path):
    built = run_spec(monkeypatch, tmp_path, "win32")
    assert [(e.kwargs["name"], e.kwargs["console"]) for e in built["exes"]] == [("curate", True), ("curatew", False)]
    for e in built["exes"]:
        assert e.kwargs["icon"].endswith("curate.ico") and Path(e.kwargs["icon"]).is_file()
        text = Path(e.kwargs["version"]).read_text(encoding="utf-8")
        assert f"StringStruct('ProductVersion', '{VERSION}')" in text  # installer/windows.iss reads it
        nums = tuple(int(re.match(r"\d*", p).group() or 0) for p in VERSION.split("."))
        assert f"filevers={(nums + (0, 0, 0, 0))[:4]}" in text
        ast.parse(text)  # PyInstaller evaluates this as a Python expression


def test_spec_macos_app_bundle_with_icon_and_version(monkeypatch, tmp_path):
    built = run_spec(monkeypatch, tmp_path, "darwin")
    b = built["bundle"]
    assert b.kwargs["name"] == "Curate.app"
    assert b.kwargs["version"] == VERSION
    assert b.kwargs["info_plist"]["CFBundleShortVersionString"] == VERSION
    assert b.kwargs["icon"].endswith("curate.icns") and Path(b.kwargs["icon"]).is_file()
    assert [e.kwargs["console"] for e in built["exes"]] == [False]


# -- the wheel -------------------------------------------------------------------------------------


def test_pyproject_ships_resources_and_seeds_inside_the_package():
    st = PYPROJECT["tool"]["setuptools"]
    assert st["package-dir"]["desktop._data.resources"] == "resources"
    assert st["package-dir"]["desktop._data.seeds"] == "seeds"
    assert "**/*" in st["package-data"]["desktop._data.resources"]
    assert "*" in st["package-data"]["desktop._data.seeds"]
    assert {"desktop._data.resources", "desktop._data.seeds"} <= set(st["packages"])
    # where desktop/paths.py looks for them in an installed package
    from desktop import paths

    assert '"_data"' in Path(paths.__file__).read_text(encoding="utf-8")


def test_pyproject_lists_every_code_package():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "desktop").rglob("__init__.py")}
    missing = on_disk - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


def test_seeds_are_flat_so_the_seed_glob_ships_them_all():
    assert any((ROOT / "seeds").iterdir())
    assert not [p for p in (ROOT / "seeds").iterdir() if p.is_dir()]


# -- fonts -------------------------------------------------------------------------------------------


def _font_names(path: Path) -> dict[int, str]:
    data = path.read_bytes()
    (num_tables,) = struct.unpack(">H", data[4:6])
    for i in range(num_tables):
        tag, _sum, off, _len = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        if tag == b"name":
            _fmt, count, strings = struct.unpack(">HHH", data[off: off + 6])
            names = {}
            for j in range(count):
                pid, _eid, _lid, nid, length, o = struct.unpack(">HHHHHH", data[off + 6 + 12 * j: off + 18 + 12 * j])
                if pid == 3:
                    names[nid] = data[off + strings + o: off + strings + o + length].decode("utf-16-be")
            return names
    return {}


def test_required_fonts_are_bundled():
    fonts = ROOT / "resources" / "fonts"
    for family in ("NotoSansBengali", "NotoSansDevanagari"):
        for style in ("Regular", "Bold"):
            path = fonts / f"{family}-{style}.ttf"
            names = _font_names(path)
            assert names[2] == style
            assert names[1].replace(" ", "") == family


def test_every_font_has_its_licence_beside_it_and_a_recorded_source():
    fonts = [p for p in (ROOT / "resources").rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc")]
    assert fonts
    for font in fonts:
        ofl = font.parent / "OFL.txt"
        assert ofl.is_file(), f"{font.name}: no OFL.txt beside it"
        assert "SIL OPEN FONT LICENSE Version 1.1" in ofl.read_text(encoding="utf-8")
        assert "Open Font License" in _font_names(font).get(13, ""), f"{font.name} is not under the OFL"
        readme = (font.parent / "README.md").read_text(encoding="utf-8")
        assert font.name in readme and "fonts-noto-core" in readme


# -- icons -------------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_exist_in_every_size_claimed():
    icons = ROOT / "resources" / "icons"
    for n in ICON_SIZES:
        assert _png_size((icons / f"curate-{n}.png").read_bytes()) == (n, n)
    svg = ET.parse(icons / "curate.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 512 512"
    from desktop.ui import about

    assert tuple(about.ICON_SIZES) == ICON_SIZES


def test_windows_ico_holds_png_images_up_to_256():
    data = (ROOT / "resources" / "icons" / "curate.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, h, _c, _r, _planes, _bpp, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        w, h = w or 256, h or 256
        assert _png_size(data[offset: offset + length]) == (w, h)
        sizes.add(w)
    assert {16, 32, 48, 256} <= sizes


def test_macos_icns_holds_png_images_up_to_1024():
    data = (ROOT / "resources" / "icons" / "curate.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    pos, sizes = 8, set()
    while pos < len(data):
        kind, length = data[pos: pos + 4], struct.unpack(">I", data[pos + 4: pos + 8])[0]
        sizes.add(_png_size(data[pos + 8: pos + length])[0])
        pos += length
    assert pos == len(data)
    assert {16, 32, 128, 256, 512, 1024} <= sizes


# -- the version -----------------------------------------------------------------------------------


def test_one_version_number():
    import desktop
    from desktop import _version

    assert desktop.__version__ == VERSION
    assert _version.VERSION == VERSION, "desktop/_version.py (the frozen fallback) must match pyproject.toml"


def test_cli_prints_the_version_and_the_licences(capsys):
    from desktop.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"curate {VERSION}"
    assert main(["--licenses"]) == 0
    out = capsys.readouterr().out
    assert "LGPL-3.0" in out and "OFL" in out and "MIT" in out


# -- licences ----------------------------------------------------------------------------------------


def test_every_listed_licence_file_exists():
    from desktop.licenses import components

    comps = components()
    assert {c.licence.split()[0] for c in comps} >= {"MIT", "LGPL-3.0-only", "SIL", "PSF-2.0"}
    for c in comps:
        assert c.path.is_file(), c.file
        assert len(c.text()) > 500, c.file


def test_third_party_notices_cover_every_runtime_dependency():
    notices = (ROOT / "resources" / "licenses" / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8").lower()

    def key(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    names = {key(re.split(r"[\s<>=!~\[;]", dep, maxsplit=1)[0]) for dep in PYPROJECT["project"]["dependencies"]}
    in_notices = {key(n) for n in re.findall(r"^([A-Za-z0-9_.\-]+) \d[^:]*:", notices, re.M)}
    assert names <= in_notices, f"regenerate with scripts/make_notices.py: {sorted(names - in_notices)}"


def test_licences_module_is_qt_free():
    code = "import sys, desktop.licenses; sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# -- the frozen entry point ------------------------------------------------------------------------


def _entry_module():
    ns: dict = {"__name__": "curate_entry"}
    exec(compile((ROOT / "installer" / "entry.py").read_text(encoding="utf-8"), "entry.py", "exec"), ns)
    return ns


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux locale coercion")
def test_frozen_entry_uses_utf8_under_the_c_locale(monkeypatch):
    coerce = _entry_module()["_coerce_c_locale"]
    for var in ("LC_ALL", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(var, raising=False)
    coerce()
    assert os.environ["LC_CTYPE"] == "C.UTF-8"
    monkeypatch.setenv("LC_CTYPE", "bn_IN.UTF-8")
    coerce()
    assert os.environ["LC_CTYPE"] == "bn_IN.UTF-8"  # a real locale is left alone


# -- Linux installer files ---------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["installer/install.sh", "installer/uninstall.sh", "scripts/build_installer.sh"])
def test_shell_scripts_are_valid_bash(script):
    path = ROOT / script
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    res = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    if shutil.which("shellcheck"):
        res = subprocess.run(["shellcheck", str(path)], capture_output=True, text=True)
        assert res.returncode == 0, res.stdout


def test_desktop_file_has_the_required_keys():
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str  # keys are case-sensitive
    cp.read(ROOT / "installer" / "curate.desktop", encoding="utf-8")
    entry = cp["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Curate"
    assert entry["Exec"].split()[0] == "curate"  # install.sh rewrites it to the full path
    assert entry["Icon"] == "curate"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Office" in entry["Categories"].split(";")
    assert entry["Comment"]
    if shutil.which("desktop-file-validate"):
        res = subprocess.run(["desktop-file-validate", str(ROOT / "installer" / "curate.desktop")],
                             capture_output=True, text=True)
        assert res.returncode == 0 and not res.stdout.strip(), res.stdout


def test_install_and_uninstall_round_trip(tmp_path):
    """install.sh --prefix from an unpacked tarball layout (a stand-in program), then uninstall.sh."""
    pkg = tmp_path / "curate-1-linux"
    (pkg / "curate").mkdir(parents=True)
    prog = pkg / "curate" / "curate"
    prog.write_text("#!/bin/sh\necho curate stand-in\n")
    prog.chmod(0o755)
    (pkg / "icons").mkdir()
    for n in ICON_SIZES:
        shutil.copy(ROOT / "resources" / "icons" / f"curate-{n}.png", pkg / "icons")
    shutil.copy(ROOT / "resources" / "icons" / "curate.svg", pkg / "icons")
    for f in ("install.sh", "uninstall.sh", "curate.desktop"):
        shutil.copy(ROOT / "installer" / f, pkg)
    prefix = tmp_path / "prefix"
    res = subprocess.run(["bash", str(pkg / "install.sh"), "--prefix", str(prefix)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    app = prefix / "opt" / "curate"
    assert subprocess.run([str(prefix / "bin" / "curate")], capture_output=True, text=True).stdout == "curate stand-in\n"
    desktop = (prefix / "share" / "applications" / "curate.desktop").read_text()
    assert f"Exec={app}/curate\n" in desktop
    for n in ICON_SIZES:
        assert (prefix / "share" / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "curate.png").is_file()
    assert (prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / "curate.svg").is_file()

    res = subprocess.run(["bash", str(app / "uninstall.sh"), "--prefix", str(prefix)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert not app.exists()
    assert not (prefix / "bin" / "curate").exists() and not (prefix / "bin" / "curate").is_symlink()
    assert not (prefix / "share" / "applications" / "curate.desktop").exists()
    assert not list((prefix / "share" / "icons").rglob("curate.*"))


# -- Windows installer script -------------------------------------------------------------------------


def test_inno_setup_script_wraps_the_bundle():
    iss = (ROOT / "installer" / "windows.iss").read_text(encoding="utf-8")
    sections = set(re.findall(r"^\[(\w+)\]", iss, re.M))
    assert {"Setup", "Files", "Icons", "Tasks", "Run"} <= sections
    setup = dict(re.findall(r"^(\w+)=(.*)$", iss.split("[Setup]")[1].split("\n[")[0], re.M))
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["SourceDir"] == ".."
    # every file the script names exists, relative to SourceDir (the repository root)
    for key in ("SetupIconFile", "LicenseFile"):
        assert (ROOT / setup[key].replace("\\", "/")).is_file(), key
    assert 'Source: "dist\\curate\\*"' in iss and "recursesubdirs" in iss
    assert "{autoprograms}" in iss and "{app}\\curatew.exe" in iss  # Start menu runs the windowed exe
    assert "ProductVersion" in iss and not re.search(r'#define AppVersion "\d', iss)  # version from the exe
    assert iss.count("{#AppVersion}") >= 3


def test_docs_list_the_system_libraries_qt_needs():
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    for lib in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1"):
        assert lib in doc
    budget = re.search(r"SIZE_BUDGET_MB:-(\d+)", (ROOT / "scripts" / "build_installer.sh").read_text()).group(1)
    assert f"budget {budget} MB" in doc  # the README states the budget the build enforces
    assert "build_installer.sh" in doc and "windows.iss" in doc
