"""Multi-row INSERTs and many-row UPDATEs for bulk ingestion, without the ORM's per-value work.

Why not `bulk_create`: its SQL compiler handles every value on its own (expression checks,
`pre_save`, `get_db_prep_save`, a placeholder each), and `bulk_history_create` first builds a
model instance for every history row. Profiled on a 2,000-article ingest (12,000 events, each
with a history row), that per-value Python was three quarters of the writer's storing time;
the database's own work was a tenth of it. Here each column gets one converter, chosen once
(values the database driver takes as they are pass straight through; others go through the
field's own `get_db_prep_save`, as the ORM would), and rows go in as multi-row INSERTs.

Why not `save()` per row or `bulk_update`: refreshing a batch's timeline entries saved
thousands of rows one by one (each UPDATE compiled anew, every column written), and
`bulk_update`'s CASE WHEN per column was slower still on SQLite; one UPDATE run for many rows
(`executemany`) is compiled once.

Used only where the ORM would do nothing more: plain fields, no signals expected
(`bulk_create` and `update()` send none either), the history rows `bulk_history_create` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.db import connections, router
from django.db.models import Field, Model
from django.utils import timezone

# Each field type whose values, when of exactly this Python type, the ORM hands the database
# driver unchanged (its `get_db_prep_save` is the identity on them).
_PLAIN: dict[str, type] = {
    "AutoField": int,
    "BigAutoField": int,
    "SmallAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveBigIntegerField": int,
    "PositiveSmallIntegerField": int,
    "FloatField": float,
    "BooleanField": bool,
    "CharField": str,
    "TextField": str,
    "SlugField": str,
}

_TEMPORAL = frozenset({"DateField", "DateTimeField"})

# Rows per INSERT at most (fewer when the database's parameter limit says so). SQLite reuses a
# statement's compiled form for every full chunk, as the SQL text is the same.
_MAX_ROWS = 500


def _converter(field: Field, connection) -> Callable[[object], object]:
    prepare = field.get_db_prep_save
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    plain = _PLAIN.get(kind)
    if kind in _TEMPORAL:
        # The field's own conversion, once per value: a batch's rows share a few dates and
        # one time (`now`), and on SQLite each conversion formats a string.
        converted: dict = {}

        def convert(value):
            try:
                return converted[value]
            except KeyError:
                result = converted[value] = prepare(value, connection)
                return result

        return convert
    if plain is None:  # JSON and anything else: always the field's own conversion
        return lambda value: prepare(value, connection)
    return lambda value: (
        value if value is None or type(value) is plain else prepare(value, connection)
    )


def insert_rows(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    returning_pk: bool = False,
) -> list[int]:
    """INSERT `rows` (values in the order of `columns`, the fields' attnames) into the model's
    table, many rows per statement. Returns the new primary keys in row order when asked
    (RETURNING: PostgreSQL, SQLite 3.35+; the ORM's `bulk_create` relies on the same order)."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    convert = [_converter(field, connection) for field in fields]
    quote = connection.ops.quote_name
    into = "INSERT INTO {} ({})".format(
        quote(opts.db_table), ", ".join(quote(field.column) for field in fields)
    )
    tail = f" RETURNING {quote(opts.pk.column)}" if returning_pk else ""
    rows = list(rows)
    if connection.vendor == "postgresql":
        # One array per column (as the ORM's bulk_create does there): a statement of a few
        # parameters that PostgreSQL plans at once, where thousands of literal rows parse
        # slowly. The cast drops a type's length (varchar, not varchar(200)): no truncation.
        types = [field.db_type(connection).split("(")[0] for field in fields]
        unnest = ", ".join(f"(%s)::{db_type}[]" for db_type in types)
        columns_params = [[conv(row[n]) for row in rows] for n, conv in enumerate(convert)]
        with connection.cursor() as cursor:
            cursor.execute(f"{into} SELECT * FROM UNNEST({unnest}){tail}", columns_params)
            return [row[0] for row in cursor.fetchall()] if returning_pk else []
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params or 65_535
    per_statement = max(1, min(_MAX_ROWS, limit // max(1, len(fields))))
    pairs = list(zip(convert, range(len(fields)), strict=True))
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [conv(row[n]) for row in chunk for conv, n in pairs]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(f"{into} VALUES {values}{tail}", params)
            if returning_pk:
                pks.extend(row[0] for row in cursor.fetchall())
    return pks


def insert_objects(objs: Sequence[Model], *, now=None) -> None:
    """`bulk_create` for new instances of one model: sets `auto_now(_add)` fields to `now`
    (one time for the whole call), stores them, and gives each its primary key."""
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    now = now or timezone.now()
    fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.pk]
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    names = [f.attname for f in fields]
    pks = insert_rows(
        model,
        names,
        ([getattr(obj, name) for name in names] for obj in objs),
        returning_pk=True,
    )
    db = router.db_for_write(model)
    pk_name = opts.pk.attname
    for obj, pk in zip(objs, pks, strict=True):
        setattr(obj, pk_name, pk)
        obj._state.adding, obj._state.db = False, db


def insert_history(
    objs: Sequence[Model],
    *,
    change_reason: str = "",
    update: bool = False,
    overrides: dict[str, object] | None = None,
) -> None:
    """The history rows `Model.history.bulk_history_create(objs, ...)` writes (django-simple-
    history): each tracked field's value, `history_date` now (one time for the whole call),
    the change reason, "+" (or "~" for an update) and the request's user if any.
    `overrides` replaces tracked values in every row (as they were before a later change)."""
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    manager = type(objs[0]).history
    history = manager.model
    user = history.get_default_history_user(objs[0])
    extra = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason,
        "history_type": "~" if update else "+",
        "history_user_id": getattr(user, "pk", None),
    }
    tracked = [f.attname for f in history.tracked_fields]
    overrides = overrides or {}
    columns = [f.attname for f in history._meta.concrete_fields if f is not history._meta.pk]
    unknown = set(columns) - set(tracked) - set(extra)
    if unknown:  # a history column this helper does not know how to fill
        raise ValueError(f"{history.__name__}: no value for {sorted(unknown)}")
    sources = []
    for name in columns:
        if name in overrides:
            sources.append((None, overrides[name]))
        elif name in extra:
            sources.append((None, extra[name]))
        else:
            sources.append((name, None))
    insert_rows(
        history,
        columns,
        (
            [getattr(obj, name) if name is not None else value for name, value in sources]
            for obj in objs
        ),
    )


def update_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> None:
    """UPDATE the given columns (attnames) of many rows of the model's table, one statement
    run for every row: each row is the new values in the order of `columns`, then its
    primary key."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    convert = [_converter(field, connection) for field in (*fields, opts.pk)]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(opts.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(opts.pk.column),
    )
    pairs = list(zip(convert, range(len(convert)), strict=True))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[conv(row[n]) for conv, n in pairs] for row in rows])
