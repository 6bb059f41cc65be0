"""Where things are: bundled resources and seeds (source tree, installed package or frozen
bundle), and the per-user data, log and config directories (appdirs)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs

APP_NAME = "Curate"
APP_AUTHOR = "Curate"


def _bundle_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    """`resources` or `seeds`: next to the package in a checkout or bundle, or installed as
    package data (`desktop/_data/<name>`) from a wheel."""
    for candidate in (_bundle_root() / name, Path(__file__).resolve().parent / "_data" / name):
        if candidate.is_dir():
            return candidate
    return _bundle_root() / name


def resources_dir() -> Path:
    return _find("resources")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def seeds_dir() -> Path:
    return _find("seeds")


def user_data_dir() -> Path:
    return Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    return Path(appdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    env = os.environ.get("CURATE_DB")
    if env:
        return Path(env)
    return user_data_dir() / "curate.db"
