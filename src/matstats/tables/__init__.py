"""Tables for readers: the audited evidence tables, the summary of findings and the formatter
every table shown to a reader goes through.

``audited`` (claimed vs audited tables, GRADE-style certainty per study and per body of
evidence), ``sof`` (summary of findings: one row per outcome and comparison, numbers and
codes; its words are :mod:`matstats.narrative.sof`) and ``reader`` (the HTML formatter of
notebooks and site). The names of ``audited`` are available here directly.
"""

from matstats.tables import audited, reader, sof
from matstats.tables.audited import *  # noqa: F403

__all__ = ["audited", "reader", "sof", *audited.__all__]
