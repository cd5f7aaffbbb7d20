"""Private foundations shared by every pillar (layer 0 of ARCHITECTURE.md).

``errors`` (:class:`DataError`), ``checks`` (parameter validation), ``cells`` (cell parsing),
``columns`` (``data=`` arguments), ``csvfile`` (reading a CSV file, every fault a
``DataError``) and ``bundled`` (the data files shipped in the package). Nothing here is
public API; the public names are re-exported where users look for them.
"""
