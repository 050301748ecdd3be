"""Source fields the crawler cut in the wrong place, put back together before anything reads them.

The portal's fee description may say "(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC …)". The crawler took
those words for the heading of the next field: ``cach_thuc_thuc_hien`` stops at "…100 VNĐ(" and
``can_cu_phap_ly`` holds ": Thông tư …)Dịch vụ bưu chính1 Ngày100 VNĐ(…)Trực tiếp1 Ngày…", the rest
of the channel table (3.000337 and six more records of bo-cong-an, 2026-07). The page text
(``raw_text``) still has the real "Căn cứ pháp lý" section, after the document table.

The parser and the checker both read the mended record, so a stored value is judged against what the
portal page says, and the parser reports both fields ``partial`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEGAL_HEADING = "Căn cứ pháp lý"
# A row of the channel table: the channel, then its duration ("Trực tiếp1 Ngày…").
CHANNEL_ROW_RE = re.compile(r"(?:Trực tuyến|Dịch vụ bưu chính|Trực tiếp)\d")
# The section heading on the page (not the words inside a description, which a colon follows).
_RAW_LEGAL_RE = re.compile(r"Căn cứ pháp lý(?!\s*:)(.*?)Cơ quan thực hiện", re.S)


@dataclass(frozen=True)
class Mended:
    data: dict
    detail: str = ""  # what was put back, "" when the record was whole


def mend_channel_spill(data: dict) -> Mended:
    """The record with its channel table whole again and its legal bases read from the page text."""
    channels, legal = data.get("cach_thuc_thuc_hien"), data.get("can_cu_phap_ly")
    if not isinstance(channels, str) or not isinstance(legal, str):
        return Mended(data)
    spilled = (
        channels.rstrip().endswith("(") and legal.lstrip().startswith(":") and CHANNEL_ROW_RE.search(legal)
    )
    if not spilled:
        return Mended(data)
    raw = data.get("raw_text")
    sections = list(_RAW_LEGAL_RE.finditer(raw)) if isinstance(raw, str) else []
    section = sections[-1].group(1).strip() if sections else ""
    mended = dict(data)
    mended["cach_thuc_thuc_hien"] = channels.rstrip() + LEGAL_HEADING + legal
    mended["can_cu_phap_ly"] = section
    where = f"the page text says '{section[:60]}'" if sections else "the page text has no such section"
    detail = (
        "the channel table ran on into can_cu_phap_ly (cut at the words 'Căn cứ pháp lý' of a fee "
        f"description): channel rows put back; legal bases read from raw_text ({where})"
    )
    return Mended(mended, detail)
