"""Shared pytest configuration: a non-interactive matplotlib backend for library tests."""

import matplotlib

matplotlib.use("Agg")
