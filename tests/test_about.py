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
