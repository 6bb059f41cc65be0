"""What every part of the database package shares, at its bottom so that each backend module
can use it without importing the rest: the one error type the rest of Curate catches, and the
interface of a change signal (each backend has its own: :class:`desktop.db.sqlite._DataVersion`
polls a file, :class:`desktop.db.postgres.Listener` listens on the server)."""

from __future__ import annotations

from desktop.errors import CurateError


class DatabaseError(CurateError):
    """A database problem worth one clear line to the user."""


class ChangeSignal:
    def wait(self, timeout: float = 0.0) -> bool:  # pragma: no cover - interface
        """True when a change was committed elsewhere since the last call (waits up to
        ``timeout`` seconds for one)."""
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        pass
