"""Fees as a procedure page shows them: per channel, and per agency, each fee once.

The rule is the one the payment quote applies (``payments.fees``): an item applies to a channel when its
channel is empty or that channel, and the agency's local items replace the national ones when any of
them applies to the channel. A national item without an amount ("mức do HĐND tỉnh quyết định") is shown
only where no local amount replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dichvucong.catalogue.models import AgencyProcedure, Channel, FeeItem, ProcedureVersion
from dichvucong.core.formatting import format_duration

# The order people read channels in: at the counter, by post, online.
LABEL_ORDER = [Channel.IN_PERSON, Channel.POSTAL, Channel.ONLINE]


def applicable(*, national: list[FeeItem], local: list[FeeItem], channel: str) -> list[FeeItem]:
    def applies(item: FeeItem) -> bool:
        return not item.channel or item.channel == channel

    local_items = [item for item in local if applies(item)]
    return local_items or [item for item in national if applies(item)]


def _key(item: FeeItem) -> tuple:
    """What a reader sees of a fee: two items equal on this are the same fee (on other channels)."""
    return (item.kind, item.name, item.amount, item.currency, item.per, item.is_free, item.note)


@dataclass
class FeeLine:
    fee: FeeItem  # the first item of those shown as this line
    channels: list[str] = field(default_factory=list)  # labels, when the line is limited to some channels


@dataclass
class ChannelRow:
    option: object  # ChannelOption
    lines: list[FeeLine]
    varies: bool = False  # the agencies charge different amounts: see each agency

    @property
    def duration_note(self) -> str:
        """The catalogue's wording of the time limit when it says more than the number ("03 ngày")."""
        text = (self.option.duration_text or "").strip()
        plain = re.sub(r"\b0+(\d)", r"\1", text).rstrip(".").casefold()
        shown = format_duration(
            self.option.duration_value, self.option.duration_unit, self.option.get_duration_unit_display()
        )
        if plain == str(shown).casefold() or re.fullmatch(r"[\d.,\s]*", plain):
            return ""  # nothing the number shown does not already say
        return text


def _distinct(items: list[FeeItem]) -> list[FeeLine]:
    lines: dict[tuple, FeeLine] = {}
    for item in items:
        lines.setdefault(_key(item), FeeLine(fee=item))
    return list(lines.values())


def channel_rows(*, version: ProcedureVersion, offerings: list[AgencyProcedure]) -> list[ChannelRow]:
    """One row per channel with the fees charged on it; identical agencies' fees are shown once."""
    national = list(version.fees.all())
    rows = []
    for option in version.channels.all():
        per_agency = [
            applicable(national=national, local=list(offering.fees.all()), channel=option.channel)
            for offering in offerings
        ]
        if len({tuple(sorted(map(_key, items))) for items in per_agency}) > 1:
            # Different amounts at different agencies: list each distinct fee, and say it varies.
            items = [item for agency_items in per_agency for item in agency_items]
            rows.append(ChannelRow(option=option, lines=_distinct(items), varies=True))
            continue
        local = list(offerings[0].fees.all()) if offerings else []
        items = applicable(national=national, local=local, channel=option.channel)
        rows.append(ChannelRow(option=option, lines=_distinct(items)))
    return rows


def offering_fee_lines(*, version: ProcedureVersion, offering: AgencyProcedure) -> list[FeeLine]:
    """The agency's fees, each once, with the channels it applies to when not all of them."""
    national = list(version.fees.all())
    local = list(offering.fees.all())
    options = list(version.channels.all())
    channels = [option.channel for option in options] or [choice for choice, _label in Channel.choices]
    labels = dict(Channel.choices)
    lines: dict[tuple, FeeLine] = {}
    covered: dict[tuple, list[str]] = {}
    for channel in channels:
        for item in applicable(national=national, local=local, channel=channel):
            key = _key(item)
            lines.setdefault(key, FeeLine(fee=item))
            if channel not in covered.setdefault(key, []):
                covered[key].append(channel)
    for key, line in lines.items():
        if len(covered[key]) < len(channels):
            ordered = sorted(covered[key], key=LABEL_ORDER.index)
            line.channels = [str(labels[channel]) for channel in ordered]
    return list(lines.values())
