"""Exceptions that carry a message meant for the curator (one clear line, no traceback)."""


class CurateError(Exception):
    """Base class: `str(exc)` is the message shown to the user."""


class InputError(CurateError):
    """Bad input from the user: a missing or unreadable file, a malformed CSV/JSONL line..."""


class ConflictError(CurateError):
    """An action cannot be applied (or undone) because the data changed underneath it."""
