"""The Qt binding itself must not corrupt the interpreter.

PySide6 6.12.0 on Python 3.11 decrements None's reference count on every call of a method that
returns void (``setEnabled``, ``setText``, ...); after a few thousand calls the interpreter aborts
with ``Fatal Python error: none_dealloc``. pyproject.toml keeps PySide6 below 6.12; this test says
so clearly if a future version brings the bug back."""

import sys

from PySide6.QtWidgets import QLabel, QWidget


def test_void_calls_do_not_leak_references_to_none(qapp):
    w, label = QWidget(), QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        w.setEnabled(True)
        label.setText("x")
    after = sys.getrefcount(None)
    w.deleteLater()
    label.deleteLater()
    import PySide6

    assert after - before > -100, (
        f"PySide6 {PySide6.__version__} lost {before - after} references to None in 2,000 void calls: "
        "this version crashes the app; pin another one in pyproject.toml")
