"""Shared pytest configuration: a non-interactive matplotlib backend for library tests."""

import matplotlib

matplotlib.use("Agg")

# property-based tests (tests/test_properties.py): derandomized so CI is reproducible
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "matstats",
    derandomize=True,
    max_examples=200,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("matstats")
