"""What people type, turned into the words the catalogue uses: synonyms and one-typo correction.

Both work on folded words (``core.text.fold``) before the database sees the query, so they behave the
same on PostgreSQL and SQLite:

- **Synonyms** (``SearchSynonym``, edited by the administrator): an everyday phrase found as whole
  words in the query ("cccd", "sao y", "xac nhan doc than") is replaced by the official words
  ("can cuoc", "chung thuc ban sao", "xac nhan tinh trang hon nhan"). Longest phrases win.
- **Spelling**: when a search finds nothing, each word that is not in the vocabulary of indexed words
  (procedure names and search documents) is replaced by the most frequent indexed word one edit away
  (insertion, deletion, substitution or transposition of one letter), found through a deletion
  neighbourhood index. The last word is left alone while it is the beginning of an indexed word
  (people are still typing it).

Both tables are built once per process and state of their source table (row count and last change).
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max

from dichvucong.core.text import fold

# Words shorter than this are never corrected: too many neighbours, and codes ("ct01") are short.
MIN_CORRECTABLE_CHARS = 4

_lock = threading.Lock()
_tables: dict[str, tuple[int, object]] = {}


def _per_version(name: str, model, build):
    """``build()`` once per process for each state of ``model``'s table (row count, last change).

    A fingerprint read from the table itself (not the cache generation) so that every process, and
    every test, sees an edit at once whatever cache backend is configured.
    """
    fingerprint = model.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    version = (fingerprint["count"], fingerprint["last"])
    cached = _tables.get(name)
    if cached is not None and cached[0] == version:
        return cached[1]
    value = build()
    with _lock:
        _tables[name] = (version, value)
    return value


# --- synonyms ---------------------------------------------------------------------------------


def _build_synonyms() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    from dichvucong.catalogue.models import SearchSynonym

    table = []
    for phrase, replacement in SearchSynonym.objects.filter(is_active=True).values_list(
        "phrase", "replacement"
    ):
        words, official = tuple(fold(phrase).split()), tuple(fold(replacement).split())
        if words:
            table.append((words, official))
    table.sort(key=lambda item: -len(item[0]))  # longest phrase first
    return table


def synonym_table() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    from dichvucong.catalogue.models import SearchSynonym

    return _per_version("synonyms", SearchSynonym, _build_synonyms)


def expand_synonyms(terms: list[str], table=None) -> list[str]:
    """Replace every everyday phrase found (as whole consecutive words) by its official words."""
    table = synonym_table() if table is None else table
    out: list[str] = []
    position = 0
    while position < len(terms):
        for phrase, official in table:
            if tuple(terms[position : position + len(phrase)]) == phrase:
                out.extend(official)
                position += len(phrase)
                break
        else:
            out.append(terms[position])
            position += 1
    unique: list[str] = []
    for word in out:
        if word not in unique:
            unique.append(word)
    return unique


# --- spelling ---------------------------------------------------------------------------------


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Optimal string alignment distance of at most one (adjacent transposition counts as one)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
            return False
        first, second = diffs
        return a[first] == b[second] and a[second] == b[first]
    if la > lb:
        a, b = b, a
    return a in _deletes(b)


@dataclass
class Vocabulary:
    frequency: Counter = field(default_factory=Counter)
    ordered: list[str] = field(default_factory=list)
    neighbours: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents) -> Vocabulary:
        vocabulary = cls()
        for document in documents:
            vocabulary.frequency.update(set(fold(document).split()))
        vocabulary.ordered = sorted(vocabulary.frequency)
        for word in vocabulary.ordered:
            if len(word) >= MIN_CORRECTABLE_CHARS - 1:
                for deleted in _deletes(word):
                    vocabulary.neighbours.setdefault(deleted, set()).add(word)
        return vocabulary

    def __contains__(self, word: str) -> bool:
        return word in self.frequency

    def starts_a_word(self, prefix: str) -> bool:
        index = bisect.bisect_left(self.ordered, prefix)
        return index < len(self.ordered) and self.ordered[index].startswith(prefix)

    def correction(self, word: str) -> str | None:
        """The most frequent indexed word one edit away from ``word`` (None when there is none)."""
        candidates: set[str] = set(self.neighbours.get(word, ()))  # a letter missing from ``word``
        for deleted in _deletes(word):
            if deleted in self.frequency:  # one letter too many
                candidates.add(deleted)
            candidates.update(self.neighbours.get(deleted, ()))  # substitution, transposition
        candidates = {candidate for candidate in candidates if within_one_edit(word, candidate)}
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda candidate: self.frequency[candidate])


def _build_vocabulary() -> Vocabulary:
    from dichvucong.catalogue.models import Procedure

    rows = Procedure.objects.exclude(status=Procedure.Status.ABOLISHED).values_list(
        "name_folded", "search_document"
    )
    return Vocabulary.from_documents(f"{name} {document}" for name, document in rows.iterator())


def vocabulary() -> Vocabulary:
    from dichvucong.catalogue.models import Procedure

    return _per_version("vocabulary", Procedure, _build_vocabulary)


def correct_spelling(terms: list[str], *, known=(), vocab: Vocabulary | None = None) -> list[str] | None:
    """``terms`` with unknown words corrected, or None when nothing was changed."""
    vocab = vocabulary() if vocab is None else vocab
    corrected = list(terms)
    changed = False
    for index, word in enumerate(terms):
        if word in vocab or word in known or len(word) < MIN_CORRECTABLE_CHARS or word.isdigit():
            continue
        if index == len(terms) - 1 and vocab.starts_a_word(word):
            continue
        replacement = vocab.correction(word)
        if replacement:
            corrected[index] = replacement
            changed = True
    return corrected if changed else None


def synonym_words() -> set[str]:
    return {word for phrase, _official in synonym_table() for word in phrase}
