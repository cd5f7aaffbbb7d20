"""Figures a reader can read (issue 21): no text below the smallest font, names not codes.

The reader site shows a figure at most as wide as its content column; the browser suite
(tests/browser) derives the on-screen size of a figure's smallest text from
``matstats.plots._style.MIN_FONT_PT``, the PNG's dpi and the shown over the drawn width. That
holds only if no figure draws text smaller than ``MIN_FONT_PT``: checked here on drawn
figures (every visible text artist) and on the sources (every literal font size in the
plotting package and the notebooks).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from matstats.plots._style import METHOD_STYLE, MIN_FONT_PT, method_style  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: matplotlib's relative sizes below MIN_FONT_PT at the default 10 pt (x-small = 6.9 pt)
SMALL_WORDS = ("xx-small", "x-small")


def _smallest_text(fig) -> tuple[float, str]:
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    t = min(texts, key=lambda t: t.get_fontsize())
    return t.get_fontsize(), t.get_text()


def _figures():
    from matstats.audit import audit_claims
    from matstats.ladder.answer import sham_sensitivity
    from matstats.nof1 import plan_calendar, plan_series
    from matstats.plots.audit import plot_verdicts
    from matstats.plots.bayesmeta import plot_sham_grid
    from matstats.plots.meta import plot_ladder
    from matstats.plots.nof1 import plot_rejection_rates, plot_schedule_calendar
    from matstats.plots.nof1_series import plot_series_plan_grid
    from matstats.plots.sensitivity import plot_survey_bounds
    from matstats.sensitivity import survey_bounds
    import pandas as pd

    yield "verdicts", lambda: plot_verdicts(audit_claims())
    yield "calendar", lambda: plot_schedule_calendar(plan_calendar(6, rng=1))
    yield "series grid", lambda: plot_series_plan_grid(
        plan_series([6, 10, 20], [4, 8], effect=-1, tau=0.8))
    yield "survey bounds", lambda: plot_survey_bounds(
        survey_bounds(responders=123, respondents=126, users=200).to_frame())
    yield "sham grid", lambda: plot_sham_grid(sham_sensitivity([0.75], sei=[0.33]))
    yield "ladder", lambda: plot_ladder(pd.DataFrame({
        "series": ["mat trials (observed)"] * 2 + ["expected vs sham (physical_sham_vs_none)"],
        "kind": ["observed", "observed", "expected"], "position": [0, 1, 1],
        "rung": ["no treatment", "sham", "sham"], "estimate": [0.7, float("nan"), 0.3],
        "ci_low": [0.2, float("nan"), -0.1], "ci_high": [1.2, float("nan"), 0.7]}))
    yield "rejection rates", lambda: plot_rejection_rates(pd.DataFrame({
        "method": ["cycle_t", "day_t"], "rho": [0.2, 0.2], "rate": [0.05, 0.1],
        "rate_se": [0.01, 0.01]}))


@pytest.mark.parametrize(("name", "draw"), list(_figures()), ids=[n for n, _ in _figures()])
def test_no_figure_text_below_the_smallest_font(name, draw):
    fig = draw()
    try:
        fig.canvas.draw()
        size, text = _smallest_text(fig)
        assert size >= MIN_FONT_PT, f"{name}: {text!r} at {size:g} pt < {MIN_FONT_PT:g} pt"
    finally:
        plt.close(fig)


def test_rejection_rate_legend_names_methods_in_words():
    fig = dict(_figures())["rejection rates"]()
    try:
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    finally:
        plt.close(fig)
    assert {"t test on cycle means", "naive t test on days"} <= set(legend)
    assert not any(re.search(r"\b(cycle_t|day_t)\b", t) for t in legend)
    assert method_style("not_a_method")["label"] == "not_a_method"
    # every name is distinct and in words (no code, no underscore)
    names = [v[2] for v in METHOD_STYLE.values()]
    assert len(set(names)) == len(names) and not any("_" in n for n in names)


def _literal_sizes(code: str) -> list[str]:
    return re.findall(r"\b(?:fontsize|title_fontsize|labelsize|size)\s*=\s*([0-9.]+|\"[a-z-]+\"|'[a-z-]+')",
                      code)


def _too_small(values: list[str]) -> list[str]:
    bad = []
    for v in values:
        v = v.strip("'\"")
        if v in SMALL_WORDS:
            bad.append(v)
        elif re.fullmatch(r"[0-9.]+", v) and float(v) < MIN_FONT_PT:
            bad.append(v)
    return bad


def test_literal_font_sizes_in_the_plotting_package_and_notebooks():
    bad = {}
    for path in sorted((ROOT / "src" / "matstats" / "plots").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        # markers and figure sizes are not fonts
        code = re.sub(r"\b(?:markersize|ms|s)\s*=\s*[0-9.]+", "", text)
        found = _too_small([v for v in _literal_sizes(code)])
        if found:
            bad[path.name] = found
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        found = _too_small(_literal_sizes(code))
        if found:
            bad[path.name] = found
    assert bad == {}, f"font sizes below {MIN_FONT_PT:g} pt: {bad}"
    # the check sees a small size
    assert _too_small(_literal_sizes('ax.text(0, 0, "x", fontsize=6.5); ax.legend(fontsize="x-small")')) \
        == ["6.5", "x-small"]


def test_smallest_font_is_legible_at_the_site_resolution():
    # at 100 dpi (matplotlib's default, the notebooks' figures) the smallest font is drawn at
    # 11.1 px: at least 9 px on screen while a figure is shown at >= 1/1.23 of its width
    px = MIN_FONT_PT * plt.rcParams["figure.dpi"] / 72.0
    assert px * (1 / 1.23) >= 9.0
    assert FontProperties(size="small").get_size_in_points() >= MIN_FONT_PT
