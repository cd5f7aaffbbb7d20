"""Sphinx configuration of the matstats reader site (built by `make report`).

Sphinx reads a staged copy of this folder (reports/site-src/, made by the Makefile) in which
notebooks/ holds the executed notebooks; MyST-NB renders their stored outputs and never
executes them. Numbers in the hand-written pages come from `docs/_ext/matstats_site.py`,
which computes them with the matstats library at build time.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

import matstats  # noqa: E402  (the checkout's library; the Makefile puts src/ first on the path)

project = "matstats: the evidence on acupressure mats"
author = "matstats contributors"
release = version = matstats.__version__
copyright = "matstats contributors"

extensions = [
    "myst_nb",
    "sphinx_design",
    "matstats_site",
    "diary_kit",
]
# no sphinx.ext.mathjax: no page needs math, and MathJax would come from a CDN

exclude_patterns = ["_build", "_generated/*.md", "_tools", "**.ipynb_checkpoints", "_ext"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
language = "en"

# --- MyST / MyST-NB ---------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "substitution", "attrs_inline", "html_image"]
myst_heading_anchors = 3
nb_execution_mode = "off"          # the Makefile executed the notebooks; render their outputs
nb_execution_raise_on_error = True
nb_merge_streams = True
nb_ipywidgets_js = {}              # the default loads require.js and widgets from a CDN
nb_render_markdown_format = "commonmark"
# Cell tags honoured on notebook pages: `hide-input` (code folded under a "Show code" toggle),
# `remove-input` (code not shown), `hide-output`, `remove-cell`. Figure alt text and captions
# come from cell metadata: {"mystnb": {"image": {"alt": "..."}, "figure": {"caption": "..."}}}.
nb_number_source_lines = False

# --- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Acupressure mats: what the evidence shows"
html_static_path = ["_static"]
html_css_files = ["matstats.css"]
html_js_files = ["matstats.js"]  # figures open at full size when clicked
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "use_edit_page_button": False,
    "use_issues_button": False,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    "show_navbar_depth": 1,
    "extra_footer": "",
    "footer_content_items": ["copyright.html"],
}
html_context = {"default_mode": "light"}
