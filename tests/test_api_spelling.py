"""One spelling per idea in every public signature (ARCHITECTURE.md, "Public spelling").

Public modules are every module under ``matstats`` with no path component starting with
``_``; each has an ``__all__``, and a public name is a name in one of those ``__all__``
lists (submodules excluded). A name is identified by the object it is bound to, so a name
re-exported by a package facade counts once; numbers and strings, which Python may share
between unrelated names, are identified by name and value. The test walks the signature
(``inspect.signature``) of every public function, class and public method and fails on a
spelling the table forbids.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types

import pytest

import matstats

#: The number of public names stated in ARCHITECTURE.md; it may fall, never grow unnoticed.
MAX_PUBLIC_NAMES = 257  # 348 - 14 (issue 17 second pass) - 1 (to_html) - 48 private helpers of
# audit/ladder/sensitivity/tables - 9 nof1 internals - 8 (issue 19 planning) - 8 more nof1
# internals - 1 (audit.figure_percentages) - 2 (the one-stage series LMM removed) (ARCHITECTURE.md)

#: parameter name -> the spelling the table prescribes instead
FORBIDDEN = {
    "labels": "slab", "study_labels": "slab", "slabs": "slab",
    "higher_is_better": "lower_is_better", "direction": "lower_is_better",
    "conf_level": "level", "ci_level": "level", "confidence": "level", "conf": "level",
    "sig_level": "alpha", "significance": "alpha",
    "lo": "ci_low", "hi": "ci_high", "ci_lower": "ci_low", "ci_upper": "ci_high",
    "lower_ci": "ci_low", "upper_ci": "ci_high", "lcl": "ci_low", "ucl": "ci_high",
    "p_value": "pval (p for a converter's input)", "pvalue": "pval", "p_val": "pval",
    "est": "estimate", "std_err": "se", "stderr": "se", "sem": "se",
    "n_1": "n1", "n_2": "n2", "nt": "n1", "nc": "n2",
}

#: record types whose fields are the columns of a data file keep the file's spelling (none is
#: public now: the study row of matstats.evidence.study_effects is private)
RECORDS: set[str] = set()

#: classes that still have a summary() (none: the text reports live in narrative, issue 17 item 6)
SUMMARY_PENDING: set[str] = set()


def public_modules() -> list[str]:
    names = ["matstats"]
    for info in pkgutil.walk_packages(matstats.__path__, "matstats."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


def public_objects() -> dict[object, tuple[str, object]]:
    """Identity key -> (first qualified name, object) of every public name."""
    seen: dict[object, tuple[str, object]] = {}
    for modname in public_modules():
        module = importlib.import_module(modname)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                continue
            key = (name, obj) if isinstance(obj, (int, float, str)) else id(obj)
            seen.setdefault(key, (f"{modname}.{name}", obj))
    return seen


def count_public_names() -> int:
    return len(public_objects())


def _callables():
    for qual, obj in public_objects().values():
        if inspect.isclass(obj):
            yield qual, obj
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and inspect.isfunction(member):
                    yield f"{qual}.{attr}", member
        elif callable(obj):
            yield qual, obj


def test_every_public_module_has_all():
    missing = [m for m in public_modules() if not hasattr(importlib.import_module(m), "__all__")]
    assert missing == []


def test_public_name_count_does_not_grow():
    assert count_public_names() <= MAX_PUBLIC_NAMES


def test_no_forbidden_spelling_in_public_signatures():
    bad = []
    for qual, obj in _callables():
        if any(qual == r or qual.startswith(r + ".") for r in RECORDS):
            continue
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            continue
        for p in params:
            if p.name in FORBIDDEN:
                bad.append(f"{qual}({p.name}=...): use {FORBIDDEN[p.name]}")
            if p.name == "ax" and p.kind is not inspect.Parameter.KEYWORD_ONLY:
                bad.append(f"{qual}: ax must be keyword-only")
    assert bad == []


def test_every_plot_takes_keyword_ax():
    plots = [(q, o) for q, o in _callables() if q.rsplit(".", 1)[-1].startswith("plot_")]
    assert len(plots) >= 10
    for qual, obj in plots:
        ax = inspect.signature(obj).parameters.get("ax")
        assert ax is not None and ax.default is None, qual


@pytest.mark.parametrize("name", ["egger_test", "trim_and_fill", "subgroup_analysis",
                                  "leave_one_out"])
def test_meta_follow_ups_are_methods_only(name):
    assert callable(getattr(matstats.meta.MetaFit, name.replace("subgroup_analysis",
                                                                "subgroups")))
    assert not hasattr(matstats.meta, name) and name not in matstats.__all__


def test_each_public_name_has_one_home():
    # a name may be listed by its module and by the package facades above that module
    homes: dict[int, list[str]] = {}
    for modname in public_modules():
        module = importlib.import_module(modname)
        for name in module.__all__:
            obj = getattr(module, name)
            if not isinstance(obj, (types.ModuleType, int, float, str)):
                homes.setdefault(id(obj), []).append(modname)
    bad = []
    for mods in homes.values():
        deepest = max(mods, key=lambda m: m.count("."))
        others = [m for m in mods if m != deepest and not deepest.startswith(m + ".")]
        if others:
            bad.append((deepest, others))
    assert bad == []


def test_summary_is_not_a_second_table():
    # a result's table is .to_frame(); summary() would be a second spelling of it
    having = sorted(f"{o.__module__}.{o.__qualname__}" for _, o in public_objects().values()
                    if inspect.isclass(o) and inspect.isfunction(vars(o).get("summary")))
    assert set(having) <= SUMMARY_PENDING
