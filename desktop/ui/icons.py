"""Small line icons drawn in code for the panels' compact tool rows (the platform's standard
icons have nothing for "merge" or "split"; drawing them keeps the bundle free of image files).
They take the palette's text colour, so they read on light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPen, QPixmap

#: drawn on a 16×16 grid; the pixmap is 4× that for HiDPI screens
_GRID, _SCALE = 16, 4


def _arrow_head(p: QPainter, tip: QPointF, dx: float, dy: float) -> None:
    """A small open arrow head at ``tip`` pointing along (dx, dy)."""
    import math

    angle = math.atan2(dy, dx)
    for side in (-0.55, 0.55):
        a = angle + math.pi + side
        p.drawLine(QLineF(tip, QPointF(tip.x() + 3.5 * math.cos(a), tip.y() + 3.5 * math.sin(a))))


def _draw(kind: str, p: QPainter) -> None:
    line = p.drawLine
    if kind == "new":  # a plus
        line(QLineF(8, 3, 8, 13))
        line(QLineF(3, 8, 13, 8))
    elif kind == "rename":  # a pencil over a line of text
        line(QLineF(4, 12, 12, 4))
        line(QLineF(3, 13, 4.5, 13))
        line(QLineF(10.5, 2.5, 13.5, 5.5))
        line(QLineF(2, 15, 14, 15))
    elif kind == "merge":  # two paths becoming one
        line(QLineF(3, 2, 8, 8))
        line(QLineF(13, 2, 8, 8))
        line(QLineF(8, 8, 8, 14))
        _arrow_head(p, QPointF(8, 14), 0, 1)
    elif kind == "split":  # one path becoming two
        line(QLineF(8, 2, 8, 7))
        line(QLineF(8, 7, 3, 13))
        line(QLineF(8, 7, 13, 13))
        _arrow_head(p, QPointF(3, 13), -5, 6)
        _arrow_head(p, QPointF(13, 13), 5, 6)
    elif kind == "delete":  # a cross
        line(QLineF(4, 4, 12, 12))
        line(QLineF(12, 4, 4, 12))
    else:
        raise KeyError(f"no icon {kind!r}")


def line_icon(kind: str, colour: QColor | None = None) -> QIcon:
    """The icon ``kind`` (new, rename, merge, split, delete)."""
    if colour is None:
        app = QGuiApplication.instance()
        colour = app.palette().windowText().color() if app is not None else QColor("#202020")
    pm = QPixmap(_GRID * _SCALE, _GRID * _SCALE)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(_SCALE, _SCALE)
    p.setPen(QPen(colour, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    _draw(kind, p)
    p.end()
    return QIcon(pm)


__all__ = ["line_icon"]
