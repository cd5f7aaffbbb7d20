"""The claims ledger: a verdict for every claim of the articles, computed by rules.

``context`` (what a rule sees), ``rules`` (the ordered rule table), ``ledger``
(:func:`audit_claims`, the audit table), ``trace`` (a figure or claim traced through the
sources) and ``routing`` (which sensitivity analysis answers which study row and claim). The
public names of ``context``, ``rules`` and ``ledger`` are available here directly.
"""

from matstats.audit import context, ledger, routing, rules, trace
from matstats.audit.context import *  # noqa: F403
from matstats.audit.ledger import *  # noqa: F403
from matstats.audit.rules import *  # noqa: F403

__all__ = ["context", "ledger", "routing", "rules", "trace", *context.__all__, *rules.__all__,
           *ledger.__all__]
