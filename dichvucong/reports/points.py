"""Points per indicator (QĐ 766/QĐ-TTg, Phụ lục), and how a percentage becomes points.

SOURCED: the whole set is worth 100 points over 5 groups; KPI 2.1 (on time) is worth up to 20 points and
KPI 5.4 (satisfaction in handling dossiers) up to 6 of the satisfaction group's 18 points (summary of the
decision, domain.md P6); the full-score thresholds 3.1 ≥ 80 %, 3.3 ≥ 50 %, 3.5 ≥ 80 %, 4.2 ≥ 80 %,
4.3 ≥ 80 %, 5.4 ≥ 90 % and "below the threshold: percent × max / threshold" (formula description, G2).

ASSUMPTION (the Phụ lục's per-indicator table could not be read in full): group weights 18 / 20 / 22 / 22 /
18 and every other indicator's maximum below. Change this table, not the code, when the official table is at
hand. Indicators 1.1–1.3 (catalogue publication) and 3.4 are not computed from our data: their points are
left out of ``max_points``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

# code: (maximum points, percent from which the maximum is reached, sourced?)
POINTS: dict[str, tuple[Decimal, Decimal, bool]] = {
    "1.4": (Decimal(6), HUNDRED, False),
    "2.1": (Decimal(20), HUNDRED, True),
    "2.2": (Decimal(0), HUNDRED, False),  # monitored, not scored: group 2 is all in 2.1
    "3.1": (Decimal(4), Decimal(80), False),
    "3.2": (Decimal(4), HUNDRED, False),
    "3.3": (Decimal(6), Decimal(50), False),
    "3.5": (Decimal(2), Decimal(80), False),
    "3.6": (Decimal(4), HUNDRED, False),
    "4.1": (Decimal(6), HUNDRED, False),
    "4.2": (Decimal(6), Decimal(80), False),
    "4.3": (Decimal(4), Decimal(80), False),
    "4.4": (Decimal(2), HUNDRED, False),
    "4.5": (Decimal(4), HUNDRED, False),
    "5.1": (Decimal(4), HUNDRED, False),
    "5.2": (Decimal(4), HUNDRED, False),
    "5.3": (Decimal(4), HUNDRED, False),
    "5.4": (Decimal(6), Decimal(90), True),
}


def quantize(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return quantize(Decimal(numerator) * HUNDRED / Decimal(denominator))


def points_for(code: str, value: Decimal | None) -> tuple[Decimal, Decimal]:
    """(points, maximum): no data (None) scores 0; at or above the threshold the maximum; below it
    proportionally."""
    maximum, threshold, _sourced = POINTS[code]
    if value is None or maximum == 0:
        return Decimal("0.00"), quantize(maximum)
    if value >= threshold:
        return quantize(maximum), quantize(maximum)
    return quantize(max(Decimal(0), value) * maximum / threshold), quantize(maximum)
