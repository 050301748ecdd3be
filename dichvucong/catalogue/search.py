"""Accent-insensitive, ranked procedure search on PostgreSQL and SQLite.

Both databases search the same folded text (``Procedure.name_folded`` and
``Procedure.search_document``, see ``dichvucong.core.text.fold``), so "dang ky khai sinh",
"Đăng ký khai sinh" and "khai sinh" all match "Thủ tục đăng ký khai sinh" without the
``unaccent`` extension.

- PostgreSQL: a stored generated ``tsvector`` column (name weight A, the rest B) with a GIN index,
  ranked with ``ts_rank`` divided by length; the last term matches as a prefix (from three letters
  on) so results come while typing. When nothing matches, a trigram similarity fallback
  (``pg_trgm``) catches typos.
- SQLite: an FTS5 external-content table kept in sync by triggers, ranked with ``bm25``.

The query text never reaches SQL: it is reduced to ``[0-9a-z]`` words by ``search_terms`` and
passed as a parameter.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

FTS_TABLE = "catalogue_procedure_fts"
PG_INDEX_NAME = "catalogue_procedure_search_gin"
PG_TRGM_INDEX_NAME = "catalogue_procedure_name_trgm"
PG_VECTOR_COLUMN = "search_vector"
PG_VECTOR_INDEX_NAME = "catalogue_procedure_search_vector_gin"
PG_VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name_folded, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_document, '')), 'B')"
)
# A lone one- or two-letter prefix matches most of the catalogue: match it as a whole word instead.
MIN_PREFIX_CHARS = 3
# Similarity on one or two letters is both slow (it compares every name) and meaningless.
MIN_FUZZY_CHARS = 4


def pg_search_vector() -> SearchVector:
    """The expression index of migration 0002 (replaced by the stored column of 0003)."""
    return SearchVector("name_folded", weight="A", config="simple") + SearchVector(
        "search_document", weight="B", config="simple"
    )


def _last_is_prefix(terms: list[str]) -> bool:
    return len(terms) > 1 or len(terms[-1]) >= MIN_PREFIX_CHARS


def _pg_tsquery(terms: list[str]) -> str:
    last = f"{terms[-1]}:*" if _last_is_prefix(terms) else terms[-1]
    return " & ".join(terms[:-1] + [last])


def _fts5_match(terms: list[str]) -> str:
    quoted = [f'"{term}"' for term in terms]
    if _last_is_prefix(terms):
        quoted[-1] += "*"
    return " ".join(quoted)


def apply_search(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """Filter ``queryset`` of procedures to those matching every term, annotated with ``rank``."""
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        tsquery = _pg_tsquery(terms)
        column = f'"catalogue_procedure"."{PG_VECTOR_COLUMN}"'
        # Safe: constant column name; the tsquery text is a bound parameter built from [0-9a-z] words.
        matches = RawSQL(  # noqa: S611
            f"{column} @@ to_tsquery('simple'::regconfig, %s)", (tsquery,), output_field=BooleanField()
        )
        # Normalization 2 divides by document length: the shortest name holding every term wins.
        rank = RawSQL(  # noqa: S611
            f"ts_rank({column}, to_tsquery('simple'::regconfig, %s), 2)",
            (tsquery,),
            output_field=FloatField(),
        )
        return queryset.filter(matches).annotate(rank=rank)
    match = _fts5_match(terms)
    rank_sql = (
        f"SELECT -bm25({FTS_TABLE}, 10.0, 1.0) FROM {FTS_TABLE} "  # noqa: S608 - constant table name
        f'WHERE {FTS_TABLE}.rowid = "catalogue_procedure"."id" AND {FTS_TABLE} MATCH %s'
    )
    ids_sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
    # Safe: the table name is a constant and the MATCH expression is a bound parameter.
    return queryset.filter(id__in=RawSQL(ids_sql, (match,))).annotate(  # noqa: S611
        rank=RawSQL(rank_sql, (match,), output_field=FloatField())  # noqa: S611
    )


def apply_fuzzy(queryset: QuerySet, terms: list[str], *, threshold: float = 0.3) -> QuerySet:
    """Typo-tolerant fallback on PostgreSQL (trigram similarity on the folded name)."""
    if connection.vendor != "postgresql" or sum(map(len, terms)) < MIN_FUZZY_CHARS:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).none()
    from django.contrib.postgres.search import TrigramWordSimilarity

    phrase = " ".join(terms)
    return queryset.annotate(rank=TrigramWordSimilarity(phrase, "name_folded")).filter(rank__gte=threshold)


# --- schema (called from migrations; constant SQL, no input) -----------------------------

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        name_folded, search_document, content='catalogue_procedure', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_ai AFTER INSERT ON catalogue_procedure BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name_folded, search_document)
        VALUES (new.id, new.name_folded, new.search_document); END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_ad AFTER DELETE ON catalogue_procedure BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_folded, search_document)
        VALUES ('delete', old.id, old.name_folded, old.search_document); END""",
    f"""CREATE TRIGGER IF NOT EXISTS catalogue_procedure_fts_au AFTER UPDATE OF name_folded, search_document
        ON catalogue_procedure BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name_folded, search_document)
        VALUES ('delete', old.id, old.name_folded, old.search_document);
        INSERT INTO {FTS_TABLE}(rowid, name_folded, search_document)
        VALUES (new.id, new.name_folded, new.search_document); END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_ai",
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_procedure_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
