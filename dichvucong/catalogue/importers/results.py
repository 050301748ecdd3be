"""Result documents: ``ket_qua_xu_ly``."""

from __future__ import annotations

import re

from dichvucong.catalogue.importers.records import ResultRecord
from dichvucong.catalogue.importers.text import EMPTY, FAILED, PARSED, FieldOutcome, clean, is_empty_text

# --------------------------------------------------------------------------------------------------
# Results (ket_qua_xu_ly)
# --------------------------------------------------------------------------------------------------
# The page chrome that follows the result list on the portal page.
RESULT_NOISE_RE = re.compile(r"Từ khóa|Mô tảKhông có thông tin|Chọn cơ quan thực hiện|Nộp hồ sơ$")
RESULT_CODE_RE = re.compile(r"Mã\s*:\s*([A-Z0-9][A-Z0-9.\-]*\d)")


def parse_results(text: str) -> tuple[list[ResultRecord], FieldOutcome]:
    outcome = FieldOutcome(PARSED)
    noise = RESULT_NOISE_RE.search(text)
    body = text[: noise.start()] if noise else text
    results: list[ResultRecord] = []
    position = 0
    for match in RESULT_CODE_RE.finditer(body):
        name = clean(body[position : match.start()])
        position = match.end()
        if not name:
            outcome.flag(f"code {match.group(1)} without a result name")
            continue
        results.append(ResultRecord(name=name, code=match.group(1)))
    tail = clean(body[position:])
    if tail and not is_empty_text(tail):
        results.append(ResultRecord(name=tail))
        if results[:-1]:
            outcome.flag(f"result without code: '{tail[:60]}'")
        else:
            outcome.note("result without code")
    if not results:
        outcome.status = EMPTY if is_empty_text(clean(body)) else FAILED
    return results, outcome
