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


def cmd_proposals(args) -> int:
    """`curate proposals`: the new entities proposed for names the knowledge base lacks
    (desktop.linking.proposals); ``--accept KEY`` / ``--accept-all`` creates them."""
    from desktop import curation
    from desktop.cli.common import _print_json
    from desktop.linking import proposals as props

    type_ = args.type.upper() if args.type else None
    writes = bool(args.accept or args.accept_all)
    db = _open(args, read_only=not writes)
    if args.name and not args.accept:
        raise CurateError("--name goes with --accept KEY (one proposal)")
    if writes:
        db.refuse_if_read_only()
        if args.accept:
            keys = [args.accept]
        else:
            with db.session() as s:
                keys = [p.key for p in props.proposals(s, min_mentions=args.min_mentions, type=type_)]
        made = []
        for key in keys:
            ch = curation.accept_proposal(db, key, args.name)
            made.append({"key": key, "entity_id": ch.value.id, "name": ch.value.name, "type": ch.value.type,
                         "linked": ch.count, "notes": list(ch.notes)})
        if args.json:
            _print_json(made)
        else:
            for m in made:
                print(f"created entity {m['entity_id']} ‘{m['name']}’ ({m['type']}), {m['linked']} mention"
                      f"{'s' if m['linked'] != 1 else ''} linked (still suggested: confirm them)")
                for note in m["notes"]:
                    print(f"  note: {note}")
            if not made:
                print("no proposals to accept")
        return EXIT_OK
    with db.session() as s:
        found = props.proposals(s, min_mentions=args.min_mentions, type=type_)
    if args.json:
        _print_json([{"key": p.key, "type": p.type, "name": p.name, "mentions": len(p.mentions),
                      "articles": p.articles, "surfaces": dict(p.surfaces.most_common())} for p in found])
        return EXIT_OK
    if not found:
        print("no proposed entities")
        return EXIT_OK
    print("key\ttype\tproposed name\tmentions\tarticles\tsurfaces")
    for p in found:
        surfaces = ", ".join(f"{t} ×{n}" if n > 1 else t for t, n in p.surfaces.most_common())
        print(f"{p.key}\t{p.type}\t{p.name}\t{len(p.mentions)}\t{p.articles}\t{surfaces}")
    return EXIT_OK
