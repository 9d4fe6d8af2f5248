"""Which fix families a run applies: the repository's conventions, named ids, or a failed
run's findings (rule codes), each decision with its reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.fixes.catalog import Engine, FixEntry
from bot.core.fixes.catalog import select as select_ids
from bot.core.fixes.families import FamilyDecision, adopted, decide
from bot.core.fixes.style import Conventions

#: The pseudo rule a failed formatter check reports (triage's ``format`` category).
FORMAT_RULE = "FORMAT"


@dataclass(frozen=True, kw_only=True)
class FixPlan:
    """The conventions found, one decision per catalog entry, and the codes ruff may fix."""

    conventions: tuple[str, ...]
    decisions: tuple[FamilyDecision, ...]
    #: None: every code of the entries that run.
    only_codes: frozenset[str] | None

    @property
    def fixes(self) -> tuple[str, ...]:
        return tuple(d.fix for d in self.decisions if d.runs)


def plan_fixes(
    conventions: Conventions,
    catalog: Sequence[FixEntry],
    *,
    select: Iterable[str] | None = None,
    unsafe: bool = False,
    everything: bool = False,
    rules: Iterable[str] | None = None,
    adoption: Mapping[str, tuple[int, int]] | None = None,
) -> FixPlan:
    """Decide the run.

    ``rules`` (a failed run's rule codes, ``format`` for a formatter check) wins: only the
    families owning those codes run, restricted to those codes. Else ``select`` (fix ids)
    runs exactly the named entries; ``everything`` runs every safe entry; by default the
    repository's own tooling decides (``families.decide``), and with ``adoption`` (fix id ->
    (files departing from the tool, files checked)) a configured formatter or import sorter
    that most files do not follow is not applied (``families.adopted``).
    """
    found = tuple(c.describe() for c in conventions.found)
    if rules is not None:
        codes = frozenset(rule.strip().upper() for rule in rules if rule.strip())
        named = None if select is None else set(select_ids(select, unsafe=unsafe))
        decisions = tuple(_for_findings(e, codes, unsafe, named) for e in catalog)
        return FixPlan(conventions=found, decisions=decisions, only_codes=codes)
    if select is not None:
        chosen = {entry.id for entry in select_ids(select, unsafe=unsafe)}
        decisions = tuple(
            FamilyDecision(fix=e.id, runs=True, reason="named with --select")
            if e.id in chosen
            else FamilyDecision(fix=e.id, runs=False, reason="not named with --select")
            for e in catalog
        )
        return FixPlan(conventions=found, decisions=decisions, only_codes=None)
    if everything:
        decisions = tuple(
            FamilyDecision(fix=e.id, runs=True, reason="every safe fix (--all)")
            if e.safe
            else FamilyDecision(fix=e.id, runs=False, reason="unsafe: only when named")
            for e in catalog
        )
        return FixPlan(conventions=found, decisions=decisions, only_codes=None)
    decisions = decide(conventions, catalog)
    if adoption:
        tools = {
            "formatting": str(conventions.formatter or "the formatter"),
            "import-sorting": str(conventions.import_sorter or "the import sorter"),
        }
        decisions = adopted(decisions, adoption, tools)
    by_id = {entry.id: entry for entry in catalog}
    codes = frozenset(
        code for d in decisions if d.runs and by_id[d.fix].engine is Engine.RUFF for code in d.codes
    )
    return FixPlan(conventions=found, decisions=decisions, only_codes=codes)


def _for_findings(
    entry: FixEntry, codes: frozenset[str], unsafe: bool, named: set[FixEntry] | None
) -> FamilyDecision:
    if named is not None and entry not in named:
        return FamilyDecision(fix=entry.id, runs=False, reason="not named with --select")
    if entry.engine is Engine.RUFF_FORMAT:
        reported = FORMAT_RULE in codes
        owned: tuple[str, ...] = ("format",) if reported else ()
    else:
        owned = tuple(code for code in entry.rules if code in codes)
    if not owned:
        return FamilyDecision(fix=entry.id, runs=False, reason="the failed run did not report it")
    if not entry.safe and not unsafe:
        reason = f"unsafe: reported ({', '.join(owned)}) but only fixed with --unsafe"
        return FamilyDecision(fix=entry.id, runs=False, reason=reason)
    reason = f"the failed run reported {', '.join(owned)}"
    return FamilyDecision(fix=entry.id, runs=True, reason=reason, codes=owned)
