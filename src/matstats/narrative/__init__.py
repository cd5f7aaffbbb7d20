"""Sentence builders: conclusions and verdicts in words, apart from the numerics.

One submodule per analysis family (``ladder``, ``sensitivity``, ``nof1`` for one diary,
``series`` for a series of n-of-1 trials, ``sof`` for the summary of findings). Each takes the
result objects computed by the analysis layers and returns text; none computes a statistic.
"""

__all__: list[str] = []  # the sentence builders live in the submodules
