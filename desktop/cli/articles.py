"""Articles in and out: `curate import`, `detect`, `learn`, `export`."""

from __future__ import annotations

import sys

from desktop.cli.common import EXIT_FAIL, EXIT_OK, _backup_after_write, _open, _print_json
from desktop.errors import CurateError


def cmd_import(args) -> int:
    import time

    from desktop.importing import MAX_FILE_BYTES, import_paths

    started = time.monotonic()
    db = _open(args)
    report = import_paths(db, args.paths, detect=not args.no_detect,
                          max_file_bytes=args.max_file_size or MAX_FILE_BYTES, as_suggestions=args.as_suggestions,
                          text_only=args.text_only, encoding=args.encoding, csv_delimiter=args.csv_delimiter)
    print(report.summary())
    for line in report.details():
        print(f"  {line}")
    for f in report.failed:
        print(f"  failed: {f}")
    if report.stopped:
        print(f"curate: {report.stopped}", file=sys.stderr)
        return EXIT_FAIL
    if report.imported:
        _backup_after_write(db, started)
        from desktop.detection.learning import store

        if store.train_detached_if_due(db) is not None:  # confirmed mentions came in: learn from them
            print("  learning: training the model in the background on the new confirmations")
    return EXIT_FAIL if report.failed else EXIT_OK


def cmd_detect(args) -> int:
    import time

    from desktop.detection.service import detect_articles

    started = time.monotonic()
    db = _open(args)
    db.refuse_if_read_only()
    ids = args.article or None
    if ids:
        from desktop.importing import pending_detection

        ids = sorted(set(ids) | set(pending_detection(db)))  # finish what a killed import left
    if args.link_threshold is not None:
        if not 0.0 < args.link_threshold <= 1.0:
            raise CurateError(f"--link-threshold {args.link_threshold}: must be above 0 and at most 1")
    res = detect_articles(db, ids, link=not args.no_link, link_threshold=args.link_threshold)
    print(f"detected over {res.articles} articles: {res.added} new suggestions, {res.linked} linked")
    _backup_after_write(db, started)
    return EXIT_OK


def cmd_learn(args) -> int:
    from desktop.detection.learning import store

    db = _open(args)
    if args.reset:
        n = store.reset(db)
        print(f"dropped the learned model ({n} trainings); suggestions come from the rules, the lists and the "
              f"learned surfaces again")
        return EXIT_OK
    rep = store.train(db)
    if args.json:
        _print_json(dict(version=rep.version, articles=rep.articles, mentions=rep.mentions, active=rep.active,
                         seconds=round(rep.seconds, 2), evaluation=rep.evaluation))
        return EXIT_OK
    print(f"model {rep.version}: trained on {rep.mentions} confirmed mentions in {rep.articles} articles "
          f"in {rep.seconds:.1f} s")
    for line in store.evaluation_lines(rep.evaluation):
        print(line)
    print("the model makes suggestions (it beat the rules and lists held out)" if rep.active else
          "the model makes no suggestions (it did not beat the rules and lists held out)")
    return EXIT_OK


def cmd_export(args) -> int:
    from desktop.exporting import export

    db = _open(args, read_only=True)
    files = export(db, args.out, fmt=args.format, status=args.status, all_entities=args.all_entities)
    for f in files:
        print(f)
    return EXIT_OK
