"""Tables for readers: the audited evidence tables and the formatter every table shown to a
reader goes through.

``audited`` (claimed vs audited tables, GRADE-style certainty per study) and ``reader`` (the
HTML formatter of notebooks and site). The names of ``audited`` are available here directly.
"""

from matstats.tables import audited, reader
from matstats.tables.audited import *  # noqa: F403

__all__ = ["audited", "reader", *audited.__all__]
