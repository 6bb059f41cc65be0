"""Bulk writes inside a session's transaction, for writers of many rows at once (an import, a
detection run writing 100,000+ suggestions, the stored linking keys): one driver-level
``executemany`` instead of SQLAlchemy's per-row processing, and ``ON CONFLICT`` so that the
unique constraints decide between concurrent writers.  The same code serves both backends; the
:class:`desktop.db.Database` methods of the same names are these functions."""

from __future__ import annotations

from sqlmodel import Session

from desktop.db.sqlite import _total_changes


def insert_many(session: Session, table, rows: list[dict]) -> None:
    """Insert many rows that share the same keys with one driver-level executemany, inside
    the session's transaction.  (SQLAlchemy's per-row parameter processing costs ~15 µs a
    row, which dominates when detection writes 100,000 suggestions; here each column's
    bind processor runs once per distinct value.)"""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or ())
    procs = []
    for key in order:
        proc = table.c[key].type._cached_bind_processor(dialect)
        if proc is None:
            procs.append(None)
        else:
            memo: dict = {}
            procs.append(lambda v, proc=proc, memo=memo: memo[v] if v in memo else memo.setdefault(v, proc(v)))
    params = [tuple(row[k] if p is None else p(row[k]) for k, p in zip(order, procs)) for row in rows]
    conn.exec_driver_sql(compiled.string, params)


def insert_new(session: Session, table, rows: list[dict], key: str) -> list[int]:
    """Insert the ``rows`` whose ``key`` (a column with a unique constraint, such as an
    article's content hash) is not in ``table`` yet, and return the ids of the rows
    inserted.  One ``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id`` on both backends:
    the constraint itself decides, so two processes importing the same files each insert
    only what the other has not, and neither fails; the rows left out are the duplicates."""
    if not rows:
        return []
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table).on_conflict_do_nothing(index_elements=[table.c[key]]).returning(table.c.id)
    return list(session.execute(stmt, rows).scalars().all())


def insert_rows(session: Session, table, columns: list[str], rows: list[tuple],
                constants: dict | None = None, skip_conflicts: bool = False) -> int:
    """The fast path of :func:`insert_many` for bulk writers (detection writes 100,000+
    suggestions): ``rows`` are tuples in ``columns`` order holding plain ints, floats,
    strings and None (what sqlite3 binds natively, so no per-value conversion runs);
    ``constants`` are columns with one value for every row (timestamps, a status), converted
    once by their column type and appended to each tuple.  ``skip_conflicts`` leaves out a
    row that would break a unique constraint (``ON CONFLICT DO NOTHING``, the same words on
    SQLite and PostgreSQL).  Returns the number of rows inserted."""
    if not rows:
        return 0
    conn = session.connection()
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    tail_cols = list(constants or ())
    tail = []
    for key in tail_cols:
        proc = table.c[key].type._cached_bind_processor(dialect)
        value = constants[key]
        tail.append(value if proc is None else proc(value))
    names = ", ".join(quote(c) for c in list(columns) + tail_cols)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    marks = ", ".join([mark] * (len(columns) + len(tail_cols)))
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    t = tuple(tail)
    before = _total_changes(conn)
    res = conn.exec_driver_sql(sql, [r + t for r in rows] if t else rows)
    if before is not None:
        return _total_changes(conn) - before
    return res.rowcount if res.rowcount is not None and res.rowcount >= 0 else len(rows)
