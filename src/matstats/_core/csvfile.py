"""Reading a CSV file into (line, cells) rows, with every fault a :class:`DataError` naming
the file and, where there is one, the line, column and value: an unreadable file, text that
is not UTF-8, a cell over :data:`MAX_CELL_CHARS`, malformed quoting. Spreadsheet exports are
met where they are: a UTF-8 byte-order mark is dropped, UTF-16 text with a byte-order mark
is decoded, and :func:`sniff_separator` finds a comma, semicolon or tab separator.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

from matstats._core.errors import DataError

#: Largest cell, in characters (Python's csv default field limit, 128 KiB).
MAX_CELL_CHARS = 131072
#: Separators a spreadsheet writes, with their names for messages.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def read_text(path: str | os.PathLike[str], file: str, *, what: str = "file") -> str:
    """The UTF-8 text of ``path`` (a leading byte-order mark dropped)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{what} not found", file=file) from None
    except IsADirectoryError:
        raise DataError(f"cannot read {what}: it is a directory, not a CSV file",
                        file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read {what} ({exc.strerror or exc})", file=file) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(f"{what} starts like UTF-16 text but is not valid UTF-16 "
                            "(save it as CSV UTF-8)", file=file) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{what} is not valid UTF-8 text (save it as UTF-8)", file=file, line=line,
            value=data[exc.start : exc.end],
        ) from None


def _outside_quotes(line: str) -> str:
    """``line`` without its quoted parts (a separator inside quotes does not separate)."""
    return re.sub(r'"[^"]*"?', "", line)


def sniff_separator(text: str) -> str:
    r"""The separator of a CSV ``text``: the one of :data:`SEPARATORS` found most often
    (outside quotes) in its first non-blank line; a comma when none is found.

    >>> sniff_separator("date;condition;score\n2026-01-05;mat;4,5\n")
    ';'
    >>> sniff_separator('date,"a;b"\n')
    ','
    """
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    bare = _outside_quotes(first)
    counts = {sep: bare.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])  # ties: the first, a comma
    return best if counts[best] else ","


def _oversized(text: str, start: int, header: list[str] | None, file: str,
               sep: str = ",") -> DataError:
    """The DataError for a cell over the limit in the row starting at line ``start``."""
    lines = text.splitlines()
    row_text = "\n".join(lines[start - 1:])
    cells = row_text.split("\n", 1)[0].split(sep)  # not csv: it would hit the limit again
    idx = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), len(cells) - 1)
    idx = max(idx, 0)
    column = header[idx] if header and idx < len(header) else f"#{idx + 1}"
    value = cells[idx][:40] + "..." if cells else None
    return DataError(
        f"cell larger than the limit of {MAX_CELL_CHARS} characters (128 KiB)",
        file=file, line=start, column=column, value=value,
    )


def read_rows(text: str, file: str, *, multiline_cells: bool = True, separator: str = ","
              ) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """Header and (1-based start line, cells) of every row of a CSV ``text``.

    ``multiline_cells=False`` refuses a cell spanning lines: in a file whose cells never
    hold a line break that is an unterminated quote swallowing the following lines.
    ``separator`` is one of :data:`SEPARATORS` (see :func:`sniff_separator`).
    Blank rows are kept (as empty lists); the caller decides.
    """
    if separator not in SEPARATORS:
        raise ValueError(f"separator must be one of {sorted(SEPARATORS)!r}, got {separator!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if not multiline_cells and reader.line_num > start:
                col = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), 0)
                name = header[col] if header and col < len(header) else f"#{col + 1}"
                raise DataError(
                    f"a quote opened in this row is not closed before line {reader.line_num}: "
                    f"lines {start + 1}-{reader.line_num} would be swallowed into one cell; "
                    "close or remove the quote",
                    file=file, line=start, column=name, value=cells[col][:40],
                )
            if header is None:
                header = cells
            else:
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _oversized(text, start, header, file, separator) from None
        raise DataError(
            f"malformed CSV (e.g. unterminated quote or truncated file): {exc}",
            file=file, line=start,
        ) from None
    return header, rows
