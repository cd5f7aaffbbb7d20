"""The buy page's do-it-yourself kit in headless Chromium: the calendar is drawn in the
browser from the library's day structure, fresh on every draw, and its CSV is a valid diary."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser.conftest import SITE, SIZES, pages

pytestmark = pytest.mark.browser


def _draw(driver, size="desktop"):
    w, h = SIZES[size]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})
    driver.get((SITE / "buy.html").as_uri())
    driver.execute_script(
        "document.getElementById('ms-kit-start').value = '2026-01-05';"
        "document.getElementById('ms-kit-cycles').value = '8';"
        "document.getElementById('ms-kit-draw').click();")
    return driver.execute_script("""
      const rows = [...document.querySelectorAll('#ms-kit-out tbody tr')].map(
          tr => [...tr.cells].map(td => td.textContent));
      const a = document.querySelector('#ms-kit-out a[download]');
      return fetch(a.href).then(r => r.text()).then(csv => ({rows, csv, href: a.href,
          sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth}));
    """)


def test_kit_draws_a_fresh_valid_diary(driver, tmp_path):
    from matstats.nof1 import build_calendar, read_diary

    pages()  # builds the site if needed
    orders = []
    for k in range(3):
        got = _draw(driver)
        assert got["href"].startswith("blob:")
        assert len(got["rows"]) == 8 * 2 * 7
        assert got["rows"][0][1] == "Mon 2026-01-05"
        p = tmp_path / f"d{k}.csv"
        p.write_text(got["csv"], encoding="utf-8")
        plan = pd.read_csv(p, keep_default_na=False)
        # the CSV is a diary: columns of `matstats nof1 plan`, one mat and one control period
        # per cycle, the first day of each period a washout day
        entries = read_diary(p)
        cal = build_calendar(entries)
        assert entries.attrs["design"] == "paired_random"
        assert cal.groupby("cycle")["condition"].nunique().eq(2).all()
        assert cal.loc[cal["day_in_period"] == 1, "washout"].all()
        assert list(plan.columns)[:3] == ["date", "weekday", "day"]
        orders.append(tuple(plan.groupby("cycle")["condition"].first()))
    # three draws of 8 fair coins all equal with probability 2**-16
    assert len(set(orders)) > 1


def test_kit_fits_a_phone(driver):
    got = _draw(driver, "phone")
    assert got["sw"] <= got["cw"] + 1
