#!/usr/bin/env python3
"""A private PostgreSQL server for development and tests.

    python scripts/pg_server.py start [--dir DIR]   # prints the URL (postgresql://...) on stdout
    python scripts/pg_server.py stop --dir DIR

``start`` installs Debian's ``postgresql`` package when no ``initdb`` is found (as root, after
``apt-get update``), runs ``initdb`` in a temporary folder (as the ``postgres`` user when started
as root, since the server refuses to run as root), and starts the server on a free port of
127.0.0.1 only, with trust authentication for local connections (a throw-away instance: no
password anywhere).  The data folder is printed on stderr and written to ``DIR/url``.

tests/conftest.py imports :func:`start` and :func:`stop` to start the same instance itself when
no ``CURATE_TEST_PG`` URL is given.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return versions[-1] if versions else None


def ensure_installed() -> None:
    """Install Debian's PostgreSQL server when initdb is missing (needs root)."""
    if _bin("initdb") and _bin("pg_ctl"):
        return
    if os.geteuid() != 0:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql, as root)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "postgresql", "postgresql-contrib"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    if not (_bin("initdb") and _bin("pg_ctl")):
        raise SystemExit("PostgreSQL was installed but initdb/pg_ctl are not found")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *cmd]
    return cmd


def start(base: str | os.PathLike | None = None) -> tuple[str, Path]:
    """Start a server; returns (url, base folder).  The URL connects as the superuser."""
    ensure_installed()
    base = Path(base) if base else Path(tempfile.mkdtemp(prefix="curate-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    data, sock = base / "data", base / "sock"
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, SUPERUSER)
        shutil.chown(sock, SUPERUSER)
        os.chmod(base, 0o755)
    user = SUPERUSER if os.geteuid() == 0 else None
    init = [_bin("initdb"), "-D", str(data), "-E", "UTF8", "--locale=C.UTF-8", "--auth=trust"]
    if user is None:
        init += ["-U", SUPERUSER]
    subprocess.run(_as_owner(init), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    port = _free_port()
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    proc = subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
                                     "-o", opts, "-w", "-t", "60", "start"]),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        raise SystemExit(f"the PostgreSQL server did not start: {proc.stderr.strip()}\n{log[-2000:]}")
    url = f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres"
    (base / "url").write_text(url + "\n")
    return url, base


def stop(base: str | os.PathLike, *, remove: bool = True) -> None:
    base = Path(base)
    data = base / "data"
    if data.exists():
        subprocess.run(_as_owner([_bin("pg_ctl") or "pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if remove:
        shutil.rmtree(base, ignore_errors=True)


def restart(base: str | os.PathLike) -> None:
    """Restart the server (same port and data): for tests of a connection lost mid-session."""
    data = Path(base) / "data"
    subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "restart"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("start", "stop", "restart"))
    ap.add_argument("--dir", help="folder for the instance (start: default a new temporary folder)")
    args = ap.parse_args(argv)
    if args.command == "start":
        url, base = start(args.dir)
        print(f"PostgreSQL running; folder {base} (stop: {sys.argv[0]} stop --dir {base})", file=sys.stderr)
        print(url)
    else:
        if not args.dir:
            ap.error(f"{args.command} needs --dir")
        stop(args.dir) if args.command == "stop" else restart(args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
