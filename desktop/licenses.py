"""The licences of Curate and of what it ships (Qt-free: the About dialog and `curate --licenses`).

Each entry names a component, its licence and the file under `resources/` that holds the text;
every file is shipped in the package and the bundle (tests/test_packaging.py checks they exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.paths import resource


@dataclass(frozen=True)
class Component:
    name: str
    licence: str
    file: str  # relative to resources/
    note: str = ""

    @property
    def path(self) -> Path:
        return resource(*self.file.split("/"))

    def text(self) -> str:
        """The licence text; a one-line explanation if the file is missing (never raises)."""
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError as exc:
            return f"{self.file}: cannot read the licence text ({exc.strerror or exc})"


COMPONENTS: tuple[Component, ...] = (
    Component("Curate", "MIT", "licenses/Curate-MIT.txt", "this application"),
    Component("Qt 6, PySide6 and shiboken6", "LGPL-3.0-only", "licenses/LGPL-3.0.txt",
              "the window toolkit; how its conditions are met: Qt-PySide6-NOTICE.txt"),
    Component("Qt and PySide6: notice", "LGPL-3.0-only", "licenses/Qt-PySide6-NOTICE.txt",
              "source code and replacing the libraries"),
    Component("GNU GPL 3.0", "GPL-3.0 (the base of the LGPL 3.0)", "licenses/GPL-3.0.txt",
              "the LGPL 3.0 adds its permissions to this text"),
    Component("Noto Sans Bengali, Noto Sans Devanagari", "SIL Open Font License 1.1 (OFL-1.1)", "fonts/OFL.txt",
              "the bundled fonts"),
    Component("GeoNames place names", "CC BY 4.0", "licenses/THIRD-PARTY-NOTICES.txt",
              "the generated place gazetteer (resources/gazetteer/geonames.tsv) uses GeoNames data, "
              "https://www.geonames.org/ (selected and filtered)"),
    Component("Python", "PSF-2.0", "licenses/Python-PSF.txt", "the interpreter inside the bundle"),
    Component("psycopg 3 and psycopg-binary", "LGPL-3.0-only", "licenses/LGPL-3.0.txt",
              "the PostgreSQL driver (team mode); how its conditions are met and what its binary wheel "
              "bundles: psycopg-binary-NOTICE.txt"),
    Component("psycopg-binary: notice", "LGPL-3.0-only; bundled libraries under their own licences",
              "licenses/psycopg-binary-NOTICE.txt",
              "replacing psycopg; libpq, OpenSSL, Kerberos, OpenLDAP, Cyrus SASL, keyutils, libxcrypt"),
    Component("libpq (PostgreSQL client library, in psycopg-binary)", "PostgreSQL License",
              "licenses/PostgreSQL-libpq.txt", "connects to the team server"),
    Component("OpenSSL 3 (in psycopg-binary)", "Apache-2.0", "licenses/Apache-2.0.txt",
              "TLS for libpq's connections (sslmode)"),
    Component("keyutils and libxcrypt (in psycopg-binary)", "LGPL-2.1-or-later", "licenses/LGPL-2.1.txt",
              "libraries libpq's Kerberos support loads"),
    Component("Python packages (SQLModel, SQLAlchemy, RapidFuzz, regex and more)",
              "MIT, BSD, Apache-2.0 and others", "licenses/THIRD-PARTY-NOTICES.txt",
              "every Python package in the bundle (SQLModel, SQLAlchemy, pydantic, regex, appdirs, "
              "pyahocorasick, indic-transliteration, RapidFuzz and their dependencies), each with its own "
              "licence text"),
)


def components() -> tuple[Component, ...]:
    return COMPONENTS


def summary() -> str:
    """Plain text, one component a line: name, licence, file (for `curate --licenses`)."""
    lines = []
    for c in COMPONENTS:
        lines.append(f"{c.name}: {c.licence} ({c.path})")
    return "\n".join(lines)
