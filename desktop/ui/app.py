"""Starting the window: ``run(db_path)`` for ``curate`` with no command, and
``selftest_window(db)`` for ``curate selftest``."""

from __future__ import annotations

import sys
from typing import Optional

from PySide6.QtCore import QCoreApplication, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from desktop.db import Database
from desktop import queries

from .errors import install_excepthook, setup_logging
from .fonts import register_fonts, ui_font


def application() -> QApplication:
    """The QApplication (created once, named so QSettings and log folders agree)."""
    QCoreApplication.setOrganizationName("Curate")
    QCoreApplication.setApplicationName("Curate")
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1] or ["curate"])
    app.setApplicationDisplayName("Curate")
    from desktop.ui.about import app_icon

    app.setWindowIcon(app_icon())
    register_fonts()
    app.setFont(ui_font(app.font()))
    return app  # type: ignore[return-value]


def remembered_database() -> Optional[str]:
    """The database the window had open last time, if that file still exists (``curate`` with no
    ``--db`` and no ``$CURATE_DB`` reopens it)."""
    from pathlib import Path

    from .settings import Settings

    from desktop.db import is_server_url

    last = Settings().last_database
    if last and is_server_url(last):  # a team server (its address holds no password)
        return last
    return last if last and Path(last).is_file() else None


def quit_on_signals(app: QApplication):
    """SIGTERM (the session ends, ``kill``) and SIGINT (Ctrl+C in the terminal) end the event loop
    the normal way, so the window closes and saves its settings (last article, geometry).  Returns
    a function that puts the previous handlers back."""
    import signal

    from PySide6.QtCore import QTimer

    previous = {}

    def handler(_signum, _frame):
        app.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[sig] = signal.signal(sig, handler)
        except (ValueError, OSError):  # pragma: no cover - not the main thread
            pass
    # Python runs signal handlers only between bytecodes: wake up now and then while Qt waits
    timer = QTimer()
    timer.timeout.connect(lambda: None)
    timer.start(300)

    def restore() -> None:
        timer.stop()
        for sig, h in previous.items():
            signal.signal(sig, h)

    return restore


def run(db_path: str) -> int:
    app = application()
    setup_logging()
    install_excepthook()
    from desktop.errors import CurateError

    from .main_window import MainWindow

    try:
        db = Database(db_path)
    except CurateError as exc:
        print(f"curate: {exc}", file=sys.stderr)
        return 1
    window = MainWindow(db)
    from .live import attach

    attach(window)  # colleagues' changes (team mode, or a CLI run on the same file) appear live
    window.show()
    window.text_pane.setFocus()
    restore_signals = quit_on_signals(app)
    try:
        return app.exec()
    finally:
        restore_signals()
        if window.isVisible():  # quit without closing the window (e.g. the session ended)
            window.close()
        window.live.stop()
        window.deleteLater()
        window.db.close()  # File → Open/New Database may have switched it (the old one is closed then)
        if window.db is not db:
            db.close()


def selftest_window(db: Database) -> dict:
    """Build the window offscreen-capable on ``db``, open the article with the most mentions,
    render it and count the highlighted mentions."""
    application()
    from .main_window import MainWindow
    from .settings import Settings

    # the offscreen platform warns that it cannot resize windows; that is not a failure here
    def quiet(mode, context, message):  # pragma: no cover - depends on the platform plugin
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        elif mode in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(quiet)

    ids = queries.article_ids(db, sort="suggested", descending=True)
    window = MainWindow(db, Settings())
    try:
        window.resize(1400, 900)
        article_id: Optional[int] = ids[0] if ids else None
        window.open_article(article_id)
        window.show()
        QApplication.processEvents()
        pixmap = window.grab()
        return {
            "highlights": len(window.text_pane.highlighted),
            "article_id": article_id,
            "rendered": not pixmap.isNull(),
            "size": [pixmap.width(), pixmap.height()],
        }
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        qInstallMessageHandler(previous)
