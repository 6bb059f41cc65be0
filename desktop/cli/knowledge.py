"""The knowledge base's files: `curate kb import` and `curate kb export`."""

from __future__ import annotations

from pathlib import Path

from desktop.cli.common import EXIT_FAIL, EXIT_OK, _backup_after_write, _open
from desktop.errors import CurateError


def cmd_kb(args) -> int:
    from desktop import kb_files as kb

    db = _open(args)
    path = Path(args.file)
    is_json = path.suffix.lower() == ".json"
    if args.kb_command == "import":
        if not path.is_file():
            raise CurateError(f"{path}: no such file")
        import time

        started = time.monotonic()
        db.refuse_if_read_only()
        rep = kb.import_file(db, path, type=getattr(args, "type", None))
        _backup_after_write(db, started)
        print(f"entities created {rep.created}, updated {rep.updated}, aliases added {rep.aliases_added}, "
              f"failed {len(rep.failed)}")
        for d in rep.differences:
            print(f"  kept: {d}")
        for f in rep.failed:
            print(f"  failed: {f}")
        return EXIT_FAIL if rep.failed else EXIT_OK
    n = kb.export_json(db, path) if is_json else kb.export_csv(db, path)
    print(f"{path}: {n} entities" if isinstance(n, int) else str(path))
    return EXIT_OK
