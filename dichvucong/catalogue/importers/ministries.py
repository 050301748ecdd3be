"""Ministries: names, abbreviations in decision numbers, folder slugs."""

from __future__ import annotations

import re

from dichvucong.catalogue.importers.text import slugify

# --------------------------------------------------------------------------------------------------
# Ministries
# --------------------------------------------------------------------------------------------------
# Abbreviations used at the end of decision numbers ("163/QĐ-BTP"). Former ministries merged in 2025
# map to their successor, so that a record is filed under the ministry that runs it today.
MINISTRY_ABBREVIATIONS: dict[str, str] = {
    "BQP": "Bộ Quốc phòng",
    "BCA": "Bộ Công an",
    "BNG": "Bộ Ngoại giao",
    "BNV": "Bộ Nội vụ",
    "BTP": "Bộ Tư pháp",
    "BTC": "Bộ Tài chính",
    "BCT": "Bộ Công Thương",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BYT": "Bộ Y tế",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TTCP": "Thanh tra Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    # Before the 2025 merger.
    "BGTVT": "Bộ Xây dựng",
    "BLĐTBXH": "Bộ Nội vụ",
    "BTNMT": "Bộ Nông nghiệp và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Môi trường",
    "BKHĐT": "Bộ Tài chính",
    "BTTTT": "Bộ Khoa học và Công nghệ",
    "UBDT": "Bộ Dân tộc và Tôn giáo",
}
_KNOWN_MINISTRY_BY_SLUG = {slugify(name): name for name in MINISTRY_ABBREVIATIONS.values()}
KNOWN_MINISTRY_NAMES = frozenset(MINISTRY_ABBREVIATIONS.values())


def ministry_from_slug(slug: str) -> str:
    """Folder name to ministry name, for known ministries only: ``bo-tu-phap`` → "Bộ Tư pháp".

    An unknown slug (``bo-nong-nghiep-mt``) gives "": a name cannot be rebuilt from a slug without
    its diacritics, and "Bo Nong Nghiep Mt" would be shown to citizens as the issuing body.
    """
    return _KNOWN_MINISTRY_BY_SLUG.get(slugify(slug), "")


def ministry_hint_from_folder(folder: str) -> str:
    """Folder names like ``bo-ngoai-giao`` hint at the ministry; other names (``tmp``, ``data``) do not."""
    return ministry_from_slug(folder)


def ministry_from_decision(decision: str) -> str:
    """ "163/QĐ-BTP" → "Bộ Tư pháp"; "885/QĐ-BCA-C06" → "Bộ Công an"; "QĐ-UBND" → "" (not a ministry)."""
    for token in re.split(r"[^A-ZĐ]+", decision.upper()):
        if token in MINISTRY_ABBREVIATIONS:
            return MINISTRY_ABBREVIATIONS[token]
    return ""
