"""nbval settings for the notebooks (``make nbval`` collects this file with the notebooks).

A figure glued for the reader site (``myst_nb.glue(key, fig, display=False)``) is stored as
``application/papermill.record/image/png``. Like the ``image/png`` of a shown figure, which
nbval never compares, its bytes are not compared; its ``text/plain`` (``<Figure size ...>``)
still is.
"""

GLUED_IMAGES = ("application/papermill.record/image/png",
                "application/papermill.record/image/jpeg")


def pytest_collectstart(collector):
    if collector.path.suffix == ".ipynb":
        collector.skip_compare += GLUED_IMAGES
