"""Sentence builders: conclusions and verdicts in words, apart from the numerics.

One submodule per analysis family (``ladder``, ``sensitivity``, ``nof1``). Each takes the
result objects computed by the analysis layers and returns text; none computes a statistic.
"""

__all__: list[str] = []  # the sentence builders live in the submodules
