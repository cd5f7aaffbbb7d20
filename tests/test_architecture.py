"""The layers of ARCHITECTURE.md, enforced: every module of ``src/matstats`` imports only from
its own layer and the layers below it.

Each module is read with :mod:`ast` (nothing is imported), and every import is checked:
module-level and function-level, absolute and relative, ``from matstats import x`` as the
submodule ``matstats.x``. A string naming a ``matstats`` module or object of a higher layer
(``"matstats.narrative.nof1.verdict_text"``) is an import in disguise and fails too.

Also: ``argparse`` only inside ``matstats.cli``; ``matplotlib`` only inside
``matstats.plots``; every module has a layer; ARCHITECTURE.md names every module in the
table below; at most 16 entries at the top of the package; no import circle between modules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import matstats

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = SRC / "matstats"

LAYER_NAMES = ("foundations", "data", "study effects", "meta", "analyses and routing",
               "presentation", "entry points")

#: Module or package -> layer (0 = foundations ... 6 = entry points). A package's submodules
#: share its layer. Names marked "(coming)" in ARCHITECTURE.md are placed ahead of time.
LAYERS = {
    # 0. foundations
    "matstats._core": 0, "matstats.vocab": 0, "matstats.literature": 0,
    # 1. data
    "matstats.evidence.data_io": 1, "matstats.evidence.citations": 1,
    # 2. study effects (the evidence package's facade imports its effects module)
    "matstats.meta.effects": 2, "matstats.evidence.study_effects": 2, "matstats.evidence": 2,
    # 3. meta-analysis
    "matstats.meta": 3,
    # 4. analyses and routing
    "matstats.ladder": 4, "matstats.audit": 4, "matstats.sensitivity": 4, "matstats.nof1": 4,
    # 5. presentation
    "matstats.narrative": 5, "matstats.plots": 5, "matstats.tables": 5,
    # 6. entry points (the package itself is the public facade: it may name anything)
    "matstats.cli": 6, "matstats.__main__": 6, "matstats": 6,
}

_DOTTED = re.compile(r"matstats(\.[A-Za-z_][A-Za-z0-9_]*)+")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _existing_module(dotted: str) -> str:
    """The longest prefix of ``dotted`` that is a module or package of matstats."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in MODULES:
            return ".".join(parts[:i])
    return parts[0]


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in LAYERS:
            return LAYERS[".".join(parts[:i])]
    return None


def _docstring_ids(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def references(module: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(imports, string references) of ``module``: (line, dotted name) each."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    imports, strings = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            imports += [(node.lineno, name) for name in (subs or [base])]
    docs = _docstring_ids(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docs and _DOTTED.fullmatch(node.value)):
            strings.append((node.lineno, node.value))
    return imports, strings


def test_every_module_has_a_layer():
    assert [m for m in MODULES if layer_of(m) is None] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_look_down(module):
    mine = layer_of(module)
    imports, _ = references(module)
    wrong = []
    for line, name in imports:
        top = name.split(".")[0]
        if top == "matstats":
            target = _existing_module(name)
            theirs = layer_of(target)
            if theirs is None or theirs > mine:
                wrong.append(f"line {line}: {name} (layer {theirs}) from layer {mine} "
                             f"({LAYER_NAMES[mine]})")
        elif top == "argparse" and layer_of(module) != 6:
            wrong.append(f"line {line}: argparse outside matstats.cli")
        elif top == "matplotlib" and not module.startswith("matstats.plots"):
            wrong.append(f"line {line}: matplotlib outside matstats.plots")
    assert wrong == [], f"{module}: " + "; ".join(wrong)


def test_no_string_reference_reaches_a_higher_layer():
    # a string naming a matstats module or object of a higher layer ("matstats.plots.x") is
    # an import in disguise (importlib, a lazy re-export): the layer rule holds for it too
    found = []
    for module in MODULES:
        for line, name in references(module)[1]:
            target = _existing_module(name)
            if (layer_of(target) or 0) > layer_of(module):
                found.append(f"{module} line {line}: {name}")
    assert found == []


def test_checker_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    # the checker itself: a local import inside a function and a relative import both count
    fake = tmp_path / "matstats" / "nof1"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text("def f():\n    from ..narrative import nof1\n"
                               "    import matplotlib.pyplot\n", encoding="utf-8")
    monkeypatch.setitem(MODULES, "matstats.nof1.x", fake / "x.py")
    imports, _ = references("matstats.nof1.x")
    assert [n for _, n in imports] == ["matstats.narrative.nof1", "matplotlib.pyplot"]
    with pytest.raises(AssertionError, match="layer 5"):
        test_imports_only_look_down("matstats.nof1.x")


def test_architecture_md_names_every_module_and_the_exceptions():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for name in LAYERS:
        short = name.removeprefix("matstats.")
        if name != "matstats":
            assert f"`{short}" in text, f"ARCHITECTURE.md does not name {short}"
    assert "tests/test_architecture.py" in text


def test_the_pillars_show_at_a_glance():
    top = sorted(p.name for p in PKG.iterdir()
                 if not p.name.startswith("__") and p.name not in ("py.typed", "data"))
    assert len(top) <= 16, top


def _import_graph() -> dict[str, set[str]]:
    graph = {}
    for module in MODULES:
        targets = {_existing_module(n) for _, n in references(module)[0]
                   if n.split(".")[0] == "matstats"}
        graph[module] = {t for t in targets if t in MODULES and t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle():
    # a package facade importing its own modules is not a circle: only module-to-module edges
    # of modules that are not the facade of a package containing the other
    graph = _import_graph()
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not t.startswith(module + ".")
                         and not module.startswith(t + ".")}
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
