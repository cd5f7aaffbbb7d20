"""The evidence: the study and claim tables, their bibliography, and study effect sizes.

``data_io`` reads and validates ``studies.csv`` and ``claims.csv`` against the schema;
``citations`` builds one bibliography from ``studies.csv`` and ``sources.csv``;
``study_effects`` turns a study row into an effect size (or a stated reason why not).
"""

from matstats.evidence import citations, data_io, study_effects
from matstats.evidence.data_io import load_claims, load_studies

__all__ = ["citations", "data_io", "study_effects", "load_claims", "load_studies"]
