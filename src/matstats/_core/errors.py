"""Exception types shared by every matstats module."""

from __future__ import annotations


class DataError(ValueError):
    """A fault in an input data file or table.

    The message always names the file, the 1-based line (the header is line 1),
    the column and the offending value, so that the row can be found and fixed.
    Attributes carry the same pieces for programmatic use.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        parts = []
        if file is not None:  # a name with control characters is quoted: one line always
            parts.append(f"file {file if str(file).isprintable() else repr(file)}")
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column {column!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message)
