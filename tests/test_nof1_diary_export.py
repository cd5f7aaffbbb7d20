"""Diaries as spreadsheets export them (matstats.nof1.diary_io through matstats._core.csvfile).

The same diary written as comma-, semicolon- or tab-separated text, with or without a UTF-8
byte-order mark, with a decimal point or a decimal comma, with or without Excel's midnight
time part, with any of the usual words for a missed day, must read to the same frame; the
formats that cannot be read unambiguously are refused with a one-line message that says what
to change. The expected values are the numbers the test itself wrote, not the reader's output.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matstats import DataError
from matstats import cli as mcli
from matstats._core.csvfile import sniff_separator
from matstats.nof1 import read_diary, read_series

START = date(2026, 1, 5)
MISSED = ("", "n/a", "NA", "-")


def _diary_rows(n_days: int, scores: list[float | None]) -> list[tuple]:
    """(date, cycle, condition, score) of a diary of 2-day periods, mat first in every cycle."""
    rows = []
    for k in range(n_days):
        cycle, in_cycle = divmod(k, 4)
        rows.append((START + timedelta(days=k), cycle + 1,
                     "mat" if in_cycle < 2 else "control", scores[k]))
    return rows


def _export(rows, *, sep=",", bom=False, decimal_comma=False, midnight=False, missed="",
            crlf=False, quote_all=False) -> bytes:
    def q(cell: str) -> str:
        return f'"{cell}"' if quote_all or (sep in cell) else cell

    lines = [sep.join(q(h) for h in ("Date", "cycle", "Condition", "Score"))]
    for day, cycle, cond, score in rows:
        d = day.isoformat() + (" 00:00:00" if midnight else "")
        if score is None:
            s = missed
        else:
            s = f"{score:g}"
            if decimal_comma:
                s = s.replace(".", ",")
        lines.append(sep.join(q(c) for c in (d, str(cycle), cond, s)))
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _expected(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "line": list(range(2, len(rows) + 2)),
        "date": [r[0] for r in rows],
        "condition": [r[2] for r in rows],
        "score": [np.nan if r[3] is None else float(r[3]) for r in rows],
        "cycle": pd.array([r[1] for r in rows], dtype="Int64"),
        "washout": pd.array([pd.NA] * len(rows), dtype="boolean"),
        "blinding_guess": [""] * len(rows),
    })


scores_st = st.lists(
    st.one_of(st.none(), st.integers(0, 20).map(lambda k: k / 2),
              st.integers(0, 100).map(lambda k: k / 10)),
    min_size=8, max_size=24)


@settings(max_examples=60)
@given(scores=scores_st, sep=st.sampled_from([",", ";", "\t"]), bom=st.booleans(),
       decimal_comma=st.booleans(), midnight=st.booleans(), missed=st.sampled_from(MISSED),
       crlf=st.booleans())
def test_export_variants_read_to_the_same_frame(tmp_path_factory, scores, sep, bom,
                                                decimal_comma, midnight, missed, crlf):
    rows = _diary_rows(len(scores) - len(scores) % 4, scores)
    # a decimal comma in a comma-separated file is only unambiguous when quoted
    quote_all = decimal_comma and sep == ","
    path = tmp_path_factory.mktemp("export") / "diary.csv"
    path.write_bytes(_export(rows, sep=sep, bom=bom, decimal_comma=decimal_comma,
                             midnight=midnight, missed=missed, crlf=crlf, quote_all=quote_all))
    got = read_diary(path)
    assert got.attrs["source"] == str(path)
    pd.testing.assert_frame_equal(got, _expected(rows))


def test_utf16_tab_export_reads_like_utf8(tmp_path):
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    rows = _diary_rows(8, [4.5, None, 3, 7, 2.5, 6, 1, 8])
    text = _export(rows, sep="\t", decimal_comma=True, missed="n/a").decode("utf-8")
    path = tmp_path / "diary.txt"
    path.write_bytes(text.encode("utf-16"))
    pd.testing.assert_frame_equal(read_diary(path), _expected(rows))


def test_series_long_file_semicolon_decimal_comma_equals_comma_version(tmp_path):
    rows = _diary_rows(8, [4.5, 5, 3, 7.5, 2.5, 6, 1, 8])
    semi, comma = ["person;date;cycle;condition;score"], ["person,date,cycle,condition,score"]
    for person in ("A", "B"):
        for day, cycle, cond, score in rows:
            semi.append(f"{person};{day};{cycle};{cond};{score:g}".replace(".", ","))
            comma.append(f"{person},{day},{cycle},{cond},{score:g}")
    (tmp_path / "semi.csv").write_text("\ufeff" + "\n".join(semi) + "\n", encoding="utf-8")
    (tmp_path / "comma.csv").write_text("\n".join(comma) + "\n", encoding="utf-8")
    a = read_series(tmp_path / "semi.csv", washout_days=0)
    b = read_series(tmp_path / "comma.csv", washout_days=0)
    pd.testing.assert_frame_equal(a.cycles, b.cycles)
    # hand: cycle 1 mat (4.5+5)/2 = 4.75, control (3+7.5)/2 = 5.25 -> -0.5;
    #       cycle 2 mat (2.5+6)/2 = 4.25, control (1+8)/2 = 4.5 -> -0.25
    assert a.cycles["difference"].tolist() == [-0.5, -0.25] * 2


@pytest.mark.parametrize(("text", "sep"), [
    ("date,condition,score\n", ","), ("date;condition;score\n", ";"),
    ("date\tcondition\tscore\n", "\t"), ('"a;b",c\n', ","), ("date\n", ","),
    ("\n\ndate;score\n", ";")])
def test_sniff_separator(text, sep):
    assert sniff_separator(text) == sep


# ------------------------------------------------------------------ refusals with the fix
def _refuse(tmp_path, body: str, header: str = "date,condition,score", **kw) -> DataError:
    p = tmp_path / "diary.csv"
    p.write_text(header + "\n" + body + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_diary(p, **kw)
    err = info.value
    assert err.file == str(p) and err.line == 2
    assert "\n" not in str(err)  # one line
    return err


def test_unquoted_decimal_comma_in_comma_file_says_decimal_comma(tmp_path):
    err = _refuse(tmp_path, "2026-01-05,mat,4,5")
    assert err.column == "score" and err.value == "4,5"
    assert "decimal comma" in str(err)
    assert "write 4.5" in str(err) and '("4,5")' in str(err) and "semicolons" in str(err)


def test_extra_cell_that_is_not_a_number_asks_to_delete_it(tmp_path):
    err = _refuse(tmp_path, "2026-01-05,mat,4,oops")
    assert "decimal comma" not in str(err)
    assert "delete the extra cells" in str(err) and "comma-separated" in str(err)


@pytest.mark.parametrize(("raw", "readings"), [
    ("05/01/2026", ("2026-01-05", "2026-05-01")), ("01.05.2026", ("2026-05-01", "2026-01-05")),
    ("3/4/26", ("2026-04-03", "2026-03-04"))])
def test_ambiguous_date_names_both_readings_and_the_fix(tmp_path, raw, readings):
    err = _refuse(tmp_path, f"{raw},mat,4")
    assert err.column == "date" and err.value == raw
    assert str(err).count("ambiguous date") == 1
    for iso in readings:
        assert iso in str(err)
    assert "YYYY-MM-DD" in str(err)


def test_day_first_date_that_can_only_be_one_day_gives_its_iso_form(tmp_path):
    err = _refuse(tmp_path, "13/01/2026,mat,4")
    assert "ambiguous" not in str(err) and "e.g. 2026-01-13" in str(err)


@pytest.mark.parametrize("raw", ["2026-01-05 00:00:00", "2026-01-05T00:00:00", "2026-01-05 00:00",
                                 "2026-01-05 0:00:00", "2026-01-05 00:00:00.000"])
def test_midnight_time_part_is_accepted(tmp_path, raw):
    p = tmp_path / "d.csv"
    p.write_text(f"date,condition,score\n{raw},mat,4\n", encoding="utf-8")
    assert read_diary(p)["date"].tolist() == [date(2026, 1, 5)]


def test_time_of_day_is_refused_with_the_date_to_keep(tmp_path):
    err = _refuse(tmp_path, "2026-01-05 14:30:00,mat,4")
    assert "time of day" in str(err) and "keep only the date, 2026-01-05" in str(err)


def test_spreadsheet_serial_date_is_named(tmp_path):
    err = _refuse(tmp_path, "46027,mat,4")
    assert "serial number" in str(err) and "YYYY-MM-DD" in str(err)


@pytest.mark.parametrize("word", ["", "n/a", "N/A", "NA", "na", "-", "#N/A", "missed"])
def test_missed_day_words(tmp_path, word):
    p = tmp_path / "d.csv"
    p.write_text(f"date,condition,score\n2026-01-05,mat,{word}\n2026-01-06,mat,3\n",
                 encoding="utf-8")
    assert read_diary(p)["score"].isna().tolist() == [True, False]


def test_off_scale_score_names_the_scale_option(tmp_path):
    err = _refuse(tmp_path, "2026-01-05,mat,45")
    assert "off the scale 0-10" in str(err) and "--scale 0 100" in str(err)
    assert "scale=(0, 100)" in str(err)


def test_off_scale_through_the_cli_is_one_line_naming_scale(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(mcli, "_COMMAND_MODULES", ("matstats.cli.nof1",))
    p = tmp_path / "d.csv"
    p.write_text("date;condition;score\n2026-01-05;mat;45\n", encoding="utf-8")
    assert mcli.main(["nof1", "analyze", str(p)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--scale 0 100" in err and "line 2" in err


def test_not_a_number_says_what_to_write(tmp_path):
    err = _refuse(tmp_path, "2026-01-05,mat,high")
    assert "write a number from 0 to 10" in str(err) and "n/a" in str(err)


def test_missing_column_names_the_columns_and_the_fix(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("Date;Condition;Pain\n2026-01-05;mat;4\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_diary(p)
    msg = str(info.value)
    assert info.value.line == 1 and info.value.column == "score"
    assert "'date', 'condition', 'pain'" in msg and "date, condition and score" in msg


def test_header_names_are_case_and_space_insensitive(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("\ufeff Date ,CONDITION,Score,Blinding guess\n2026-01-05,Mat,4,dont know\n",
                 encoding="utf-8")
    got = read_diary(p)
    assert got[["condition", "score", "blinding_guess"]].iloc[0].tolist() == ["mat", 4.0,
                                                                             "dont_know"]
