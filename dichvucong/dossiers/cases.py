"""Which components a dossier needs: the general case and the special cases (trường hợp) that apply.

The catalogue groups a version's components by case. Every procedure has a general case, the components
that apply to everyone:

* the components without a case, plus groups that apply to everyone ("Giấy tờ phải xuất trình");
* or, when every component sits in a case, a group the catalogue names as the usual one ("Trường hợp
  thông thường", "Trường hợp chung").

The other groups are **special cases**, asked one at a time as yes/no questions; the dossier keeps the ones
the citizen answered "yes" to, one per line in ``Dossier.case`` (empty: the general case only).

A version whose groups have no general one at all (e.g. "Điểm a, b …" / "Điểm c, d …" of a law) lists
**alternatives**: the citizen picks exactly one of them.

Where the procedure has an e-form (``ProcedureVersion.form_schema``), the declaration component (tờ khai) is
answered by the e-form: its upload is not required (``eform_replaces_upload``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dichvucong.catalogue.models import Component, ProcedureVersion
from dichvucong.core.text import fold, nfc

# Groups that apply to everyone although the catalogue names them (papers shown at the counter).
_ALWAYS_GROUPS = ("giay to phai xuat trinh", "giay to xuat trinh")
# Groups the catalogue may name as the general case itself.
_GENERAL_GROUPS = ("truong hop thong thuong", "truong hop chung", "thong thuong", "chung", "tat ca")


def _is_always(case: str) -> bool:
    return fold(case).startswith(_ALWAYS_GROUPS)


def _is_general_name(case: str) -> bool:
    return fold(case) in _GENERAL_GROUPS


@dataclass(frozen=True)
class CasePlan:
    """The questions a version's components call for, and the components of each answer."""

    general: list[Component] = field(default_factory=list)
    special: list[str] = field(default_factory=list)  # yes/no questions, in catalogue order
    alternatives: list[str] = field(default_factory=list)  # pick one (no general case)
    by_case: dict[str, list[Component]] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        """How many question pages the wizard shows (one for alternatives, one per special case)."""
        return 1 if self.alternatives else len(self.special)

    def components(self, chosen: list[str]) -> list[Component]:
        """The general components plus those of the chosen cases, in catalogue order."""
        if self.alternatives and not chosen:  # nothing chosen yet: show every alternative's papers
            picked = [c for group in self.alternatives for c in self.by_case[group]]
        else:
            picked = [c for case in chosen for c in self.by_case.get(case, [])]
        keep = {id(c) for c in [*self.general, *picked]}
        return [c for c in self._all if id(c) in keep]

    @property
    def _all(self) -> list[Component]:
        seen = [*self.general, *(c for group in self.by_case.values() for c in group)]
        return sorted(seen, key=lambda c: (c.position, c.pk or 0))


def case_plan(version: ProcedureVersion | None) -> CasePlan:
    """Group the version's components (uses the prefetched ``components`` when there are any)."""
    if version is None:
        return CasePlan()
    general: list[Component] = []
    groups: dict[str, list[Component]] = {}
    for component in version.components.all():
        case = nfc(component.case)
        if not case or _is_always(case):
            general.append(component)
        else:
            groups.setdefault(case, []).append(component)
    named_general = [case for case in groups if _is_general_name(case)]
    if named_general:
        for case in named_general:
            general += groups.pop(case)
    if general or not groups:
        return CasePlan(general=general, special=list(groups), by_case=groups)
    if len(groups) == 1:  # one group and nothing else: it is what everyone submits
        return CasePlan(general=next(iter(groups.values())))
    return CasePlan(general=general, alternatives=list(groups), by_case=groups)


def chosen_cases(case_text: str) -> list[str]:
    """The cases kept on a dossier (one per line)."""
    return [line for line in (nfc(part) for part in (case_text or "").split("\n")) if line]


def join_cases(cases: list[str]) -> str:
    return "\n".join(cases)


class CaseRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cases_check(plan: CasePlan, cases: list[str]) -> list[str]:
    """The chosen cases, checked and in catalogue order; ``CaseRefused`` with a Vietnamese message."""
    wanted = [nfc(case) for case in cases if nfc(case)]
    if plan.alternatives:
        if len(wanted) != 1 or wanted[0] not in plan.alternatives:
            raise CaseRefused("Hãy chọn một trường hợp của bạn.")
        return wanted
    # The general case may be named explicitly ("Trường hợp thông thường"): it adds nothing.
    wanted = [case for case in wanted if not _is_general_name(case) and not _is_always(case)]
    unknown = [case for case in wanted if case not in plan.special]
    if unknown:
        raise CaseRefused(f"Thủ tục này không có trường hợp “{unknown[0][:200]}”.")
    return [case for case in plan.special if case in wanted]


# --- the e-form answers the declaration -------------------------------------------------------------


def _declaration_words(text: str) -> bool:
    folded = fold(text)
    return folded.startswith(("to khai", "mau to khai", "phieu khai"))


def eform_replaces_upload(component: Component, version: ProcedureVersion) -> bool:
    """True when the procedure's e-form is this component's declaration (no upload needed).

    A component the catalogue marks so is; otherwise the component is the declaration when the version has
    an e-form and the component is a tờ khai (by its name or its form's name)."""
    if getattr(component, "eform_replaces_upload", False):
        return True
    if not version.form_schema:
        return False
    return _declaration_words(component.name) or _declaration_words(component.form_name)
