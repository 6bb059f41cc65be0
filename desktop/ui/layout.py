"""Fitting the window to the screen it is on.

The window opens within the screen's available geometry (a 1280×720 laptop as well as a 4K
screen with HiDPI scaling: Qt works in device-independent pixels), a saved geometry from a larger
screen is clamped to this one, opening a dock never grows the window beyond the screen, and a
floating dock opens on-screen."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QByteArray, QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget

#: the size the window asks for on a screen that has room
PREFERRED = (1400, 900)


def available(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, *PREFERRED)


def clamp_rect(rect: QRect, area: QRect) -> QRect:
    """``rect`` moved and shrunk to lie within ``area``."""
    w, h = min(rect.width(), area.width()), min(rect.height(), area.height())
    x = min(max(rect.x(), area.x()), area.x() + area.width() - w)
    y = min(max(rect.y(), area.y()), area.y() + area.height() - h)
    return QRect(x, y, w, h)


def _frame_margins(window: QWidget) -> tuple[int, int, int, int]:
    """Left, top, right and bottom of the window manager's frame (0 before the window is shown)."""
    fg, g = window.frameGeometry(), window.geometry()
    return (max(0, g.left() - fg.left()), max(0, g.top() - fg.top()),
            max(0, fg.right() - g.right()), max(0, fg.bottom() - g.bottom()))


def restore_window(window: QMainWindow, geometry: Optional[QByteArray], state: Optional[QByteArray]) -> None:
    """The saved geometry and dock state (clamped to this screen), else the preferred size."""
    area = available(window)
    if geometry is None or not window.restoreGeometry(geometry):
        w, h = min(PREFERRED[0], area.width()), min(PREFERRED[1], area.height())
        window.setGeometry(QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h))
    window.setMinimumSize(min(window.minimumSizeHint().width(), area.width()),
                          min(window.minimumSizeHint().height(), area.height()))
    if state is not None:
        window.restoreState(state)
    fit_window(window)


def fit_window(window: QMainWindow) -> None:
    """Keep the window (frame included) within the screen's available geometry."""
    area = available(window)
    if window.isMaximized() or window.isFullScreen():
        return
    left, top, right, bottom = _frame_margins(window)
    inner = area.adjusted(left, top, -right, -bottom)
    g = window.geometry()
    fitted = clamp_rect(g, inner)
    if fitted != g:
        window.setGeometry(fitted)


def fit_floating(dock: QWidget, window: QWidget) -> None:
    """A dock just detached: on the window's screen, at most two thirds of it."""
    area = available(window)
    g = dock.geometry()
    w = min(g.width(), area.width() * 2 // 3)
    h = min(g.height(), area.height() * 2 // 3)
    dock.setGeometry(clamp_rect(QRect(g.x(), g.y(), w, h), area))
