"""Curation and team work: `curate undo`/`redo`, `mention`, `article`, `assign`, `history`."""

from __future__ import annotations

from desktop.cli.common import EXIT_FAIL, EXIT_OK, _open, _print_json


def cmd_undo(args) -> int:
    from desktop import history

    db = _open(args)
    if getattr(args, "skip", False):
        entry = history.skip(db)
        if entry is None:
            print("nothing to skip")
            return EXIT_FAIL
        print(f"skipped: {entry.summary} (it stays applied; the next undo takes the action before it)")
        return EXIT_OK
    fn = history.undo if args.command == "undo" else history.redo
    entry = fn(db)
    if entry is None:
        print(f"nothing to {args.command} for {history.current_user()}")
        return EXIT_FAIL
    print(f"{args.command}: {entry.summary}")
    return EXIT_OK


def cmd_mention(args) -> int:
    from desktop import curation

    db = _open(args)
    verb = args.mention_command
    if verb in ("confirm", "reject"):
        fn = curation.confirm if verb == "confirm" else curation.reject
        for mid in args.ids:
            m = fn(db, mid).value
            print(f"{verb}ed mention {m.id} ‘{m.text}’" if verb == "confirm" else f"rejected mention {m.id} ‘{m.text}’")
            if verb == "confirm" and m.entity_id is None and m.proposal:  # offered, not forced
                print(f"  no entity yet; a new one is proposed for it: curate proposals --accept '{m.proposal}'")
    elif verb == "type":
        m = curation.set_type(db, args.id, args.type.upper()).value
        print(f"mention {m.id} ‘{m.text}’ is {m.type}")
    elif verb == "link":
        m = curation.link(db, args.id, args.entity_id).value
        print(f"mention {m.id} ‘{m.text}’ linked to entity {m.entity_id}")
    else:
        m = curation.add_mention(db, args.article, args.start, args.end, args.type.upper()).value
        print(f"mention {m.id} {m.start}-{m.end} ‘{m.text}’ {m.type}")
    return EXIT_OK


def cmd_article(args) -> int:
    from desktop import curation

    db = _open(args)
    art = curation.set_article_status(db, args.id, args.status).value
    print(f"article {art.id} is {art.status.replace('_', ' ')}")
    return EXIT_OK


def cmd_assign(args) -> int:
    from desktop.team import assign

    db = _open(args)
    ids = assign(db, args.to, args.ids, status=args.status, count=args.count)
    print(f"assigned {len(ids)} article{'s' if len(ids) != 1 else ''} to {args.to or 'nobody'}"
          + (f": {' '.join(map(str, ids))}" if 0 < len(ids) <= 20 else ""))
    return EXIT_OK


def cmd_history(args) -> int:
    from desktop import history

    db = _open(args)
    rows = history.entries(db, limit=args.limit)
    if args.json:
        _print_json([{"id": h.id, "at": h.at, "user": h.user, "kind": h.kind, "action": h.action,
                      "summary": h.summary, "article_id": h.article_id, "state": h.state} for h in rows])
    else:
        for h in rows:
            mark = "" if h.kind != "action" or h.state == "done" else f" ({h.state})"
            print(f"{h.id}\t{h.at:%Y-%m-%d %H:%M:%S}\t{h.user}\t{h.kind}\t{h.summary}{mark}")
    return EXIT_OK
