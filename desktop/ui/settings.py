"""The window's settings, declared once, on top of QSettings (an INI file in the per-user config
folder, e.g. ``~/.config/Curate/curate.ini``).

Window state (geometry, splitters) and preferences (font size, show rejected, last database) are
separate sections, the way Picard keeps ``persist`` apart from options."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import appdirs
from PySide6.QtCore import QByteArray, QSettings

from desktop.paths import APP_AUTHOR, APP_NAME

DEFAULT_FONT_SIZE = 13
MIN_FONT_SIZE, MAX_FONT_SIZE = 8, 40
#: automatic linking: the best candidate's minimum score (``desktop.linking.autolink.SETTINGS.threshold``)
MIN_THRESHOLD, MAX_THRESHOLD = 0.50, 1.00
#: learning: train after every N new confirmations (the key predates the Preferences entry)
KEY_TRAIN_EVERY = "learning/train_every"
MIN_TRAIN_EVERY, MAX_TRAIN_EVERY = 1, 10_000


def default_threshold() -> float:
    from desktop.linking.autolink import LinkSettings

    return float(LinkSettings.threshold)


def default_settings_path() -> Path:
    # computed each time (appdirs reads the environment), so a changed HOME is honoured
    return Path(appdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "curate.ini"


class Settings:
    """Typed accessors; every value has a default and a bad stored value falls back to it."""

    def __init__(self, path: Optional[str | Path] = None):
        self.path = Path(path) if path is not None else default_settings_path()
        self.qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- helpers -------------------------------------------------------------------------------

    def _get(self, key: str, default: Any, kind: type) -> Any:
        value = self.qs.value(key, default)
        try:
            if kind is bool:
                if isinstance(value, str):
                    return value.lower() in ("1", "true", "yes")
                return bool(value)
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _bytes(self, key: str) -> Optional[QByteArray]:
        value = self.qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def sync(self) -> None:
        self.qs.sync()

    # -- persist: window state -----------------------------------------------------------------

    @property
    def geometry(self) -> Optional[QByteArray]:
        return self._bytes("persist/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.qs.setValue("persist/geometry", value)

    @property
    def window_state(self) -> Optional[QByteArray]:
        return self._bytes("persist/window_state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self.qs.setValue("persist/window_state", value)

    def splitter(self, name: str) -> Optional[list[int]]:
        value = self.qs.value(f"persist/splitter_{name}")
        if not value:
            return None
        try:
            sizes = [int(v) for v in (value if isinstance(value, (list, tuple)) else str(value).split(","))]
        except (TypeError, ValueError):
            return None
        return sizes or None

    def set_splitter(self, name: str, sizes: list[int]) -> None:
        self.qs.setValue(f"persist/splitter_{name}", ",".join(str(int(s)) for s in sizes))

    # -- options -------------------------------------------------------------------------------

    @property
    def font_size(self) -> int:
        size = self._get("options/font_size", DEFAULT_FONT_SIZE, int)
        return max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, size))

    @font_size.setter
    def font_size(self, value: int) -> None:
        self.qs.setValue("options/font_size", int(value))

    @property
    def show_rejected(self) -> bool:
        return self._get("options/show_rejected", False, bool)

    @show_rejected.setter
    def show_rejected(self, value: bool) -> None:
        self.qs.setValue("options/show_rejected", bool(value))

    @property
    def autolink_threshold(self) -> float:
        value = self._get("options/autolink_threshold", default_threshold(), float)
        if value != value:  # NaN
            value = default_threshold()
        return round(max(MIN_THRESHOLD, min(MAX_THRESHOLD, value)), 2)

    @autolink_threshold.setter
    def autolink_threshold(self, value: float) -> None:
        self.qs.setValue("options/autolink_threshold", round(max(MIN_THRESHOLD, min(MAX_THRESHOLD, float(value))), 2))

    def apply_autolink_threshold(self) -> float:
        """Hand the stored threshold to the linking core (at start-up and after a change)."""
        from desktop.linking import autolink

        autolink.SETTINGS.threshold = self.autolink_threshold
        return autolink.SETTINGS.threshold

    @property
    def max_file_size_mb(self) -> int:
        """Import: files larger than this are skipped with one failure line (default 50 MB)."""
        return max(1, min(100_000, self._get("options/max_file_size_mb", 50, int)))

    @max_file_size_mb.setter
    def max_file_size_mb(self, value: int) -> None:
        self.qs.setValue("options/max_file_size_mb", max(1, min(100_000, int(value))))

    @property
    def train_every(self) -> int:
        """Learning: train the model in the background after this many new confirmations."""
        from desktop.detection.learning.store import EVERY

        return max(MIN_TRAIN_EVERY, min(MAX_TRAIN_EVERY, self._get(KEY_TRAIN_EVERY, EVERY, int)))

    @train_every.setter
    def train_every(self, value: int) -> None:
        self.qs.setValue(KEY_TRAIN_EVERY, max(MIN_TRAIN_EVERY, min(MAX_TRAIN_EVERY, int(value))))

    @property
    def last_database(self) -> str:
        return self._get("options/last_database", "", str)

    @last_database.setter
    def last_database(self, value: str) -> None:
        self.qs.setValue("options/last_database", str(value))

    @property
    def last_article(self) -> Optional[int]:
        v = self._get("options/last_article", 0, int)
        return v or None

    @last_article.setter
    def last_article(self, value: Optional[int]) -> None:
        self.qs.setValue("options/last_article", int(value or 0))

    @property
    def last_folder(self) -> str:
        return self._get("options/last_folder", "", str)

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self.qs.setValue("options/last_folder", str(value))
