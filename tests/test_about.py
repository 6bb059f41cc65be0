"""The About dialog: version, description, licences and their texts; the application icon."""

import pytest

pytestmark = pytest.mark.gui


@pytest.fixture
def about(qtbot):
    from desktop.ui.about import AboutDialog

    dlg = AboutDialog()
    qtbot.addWidget(dlg)
    return dlg


def test_shows_the_version_from_pyproject(about):
    from desktop import __version__

    assert __version__ and __version__[0].isdigit()
    assert __version__ in about.version_label.text()
    assert "Qt " in about.runtime_label.text() and "PySide6 " in about.runtime_label.text()


def test_lists_lgpl_and_ofl_with_their_texts(about):
    names = about.licence_names()
    assert any("LGPL-3.0" in n and "Qt" in n for n in names)
    assert any("Open Font License" in n and "Noto" in n for n in names)
    assert any(n.startswith("Curate") for n in names)
    assert any("GeoNames" in n and "CC BY 4.0" in n for n in names)  # attribution the data licence asks

    def text_of(fragment):
        row = next(i for i, n in enumerate(names) if fragment in n)
        about.licence_list.setCurrentRow(row)
        return about.licence_text.toPlainText()

    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text_of("LGPL-3.0-only")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text_of("Open Font License")
    assert "MIT License" in text_of("Curate")
    assert "SQLAlchemy" in text_of("Python packages")


def test_every_listed_licence_text_is_readable(about):
    for row in range(about.licence_list.count()):
        about.licence_list.setCurrentRow(row)
        text = about.licence_text.toPlainText()
        assert len(text) > 200, about.licence_list.item(row).text()
        assert "cannot read the licence text" not in text


# The offscreen platform plugin (tests only) cannot pass size hints of a dialog over its parent.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints")
def test_show_about_opens_without_blocking_and_closes(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox, QWidget

    from desktop.ui.about import show_about

    parent = QWidget()
    qtbot.addWidget(parent)
    dlg = show_about(parent)
    qtbot.waitExposed(dlg)
    assert dlg.isVisible() and dlg.windowTitle() == "About Curate"
    with qtbot.waitSignal(dlg.rejected):
        dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close).click()


def test_app_icon_has_every_size(qapp):
    from PySide6.QtCore import QSize

    from desktop.ui.about import ICON_SIZES, app_icon

    icon = app_icon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(n, n) for n in ICON_SIZES} <= sizes
    assert icon.pixmap(QSize(32, 32)).width() == 32


def test_lists_psycopg_and_the_libraries_its_binary_wheel_bundles():
    """Team mode ships psycopg (LGPL-3.0) with libpq and OpenSSL inside psycopg-binary: each is
    listed with its licence and a readable text, as the other components are."""
    from desktop.licenses import components, summary

    by_name = {c.name: c for c in components()}

    def one(fragment):
        (c,) = [c for n, c in by_name.items() if fragment in n]
        assert c.path.is_file() and len(c.text()) > 500, c.file
        return c

    psycopg = one("psycopg 3")
    assert psycopg.licence == "LGPL-3.0-only" and "GNU LESSER GENERAL PUBLIC LICENSE" in psycopg.text()
    notice = one("psycopg-binary: notice").text()
    for lib in ("libpq", "OpenSSL", "Kerberos", "OpenLDAP", "Cyrus SASL", "keyutils", "libxcrypt"):
        assert lib in notice, lib
    libpq = one("libpq")
    assert libpq.licence == "PostgreSQL License" and "PostgreSQL Global Development Group" in libpq.text()
    openssl = one("OpenSSL")
    assert openssl.licence == "Apache-2.0" and "Apache License" in openssl.text() and "Version 2.0" in openssl.text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in one("keyutils").text()
    lines = summary().splitlines()
    assert any(line.startswith("libpq") and "PostgreSQL License" in line for line in lines)
    assert any(line.startswith("OpenSSL") and "Apache-2.0" in line for line in lines)


def test_the_bundled_libraries_named_are_the_ones_psycopg_binary_carries():
    """Every shared library of the installed psycopg-binary wheel is covered by the notice."""
    import importlib.util
    from pathlib import Path

    from desktop.licenses import components

    spec = importlib.util.find_spec("psycopg_binary")
    if spec is None or not spec.origin:
        pytest.fail("psycopg-binary is a dependency of Curate and must be installed")
    libs = Path(spec.origin).parent.parent / "psycopg_binary.libs"
    notice = next(c for c in components() if c.name == "psycopg-binary: notice").text()
    stems = {p.name.split("-")[0].split(".")[0] for p in libs.glob("*.so*")} if libs.is_dir() else set()
    named = {"libpq": "libpq", "libssl": "OpenSSL", "libcrypto": "OpenSSL", "libgssapi_krb5": "Kerberos",
             "libkrb5": "Kerberos", "libk5crypto": "Kerberos", "libkrb5support": "Kerberos",
             "libcom_err": "libcom_err", "libldap": "OpenLDAP", "liblber": "OpenLDAP", "libsasl2": "Cyrus SASL",
             "libkeyutils": "keyutils", "libcrypt": "libxcrypt"}
    assert stems <= set(named), f"a library the notice does not cover: {sorted(stems - set(named))}"
    for stem in stems:
        assert named[stem] in notice, stem
