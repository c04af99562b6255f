"""Where shipped files live, in a source checkout and inside an installed wheel alike.

A checkout keeps the Streamlit router (``app.py``, ``serve_app.py``, ``pages/``) and the shared
``codebooks/`` at the top level, beside the package. The wheel cannot put files there, so its
build (``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml) copies them into
``workbench/_app/``; that folder, when present, wins. Package data (demo data, models, stop
words) always sits inside the package and needs no search.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_APP_DIR = PACKAGE_DIR / "_app"


def _app_dir() -> Path:
    """The folder holding app.py: the wheel's bundled copy, else the checkout's top level."""
    if (BUNDLED_APP_DIR / "app.py").is_file():
        return BUNDLED_APP_DIR
    return PACKAGE_DIR.parent


APP_DIR = _app_dir()
APP_FILE = APP_DIR / "app.py"
SERVE_FILE = APP_DIR / "serve_app.py"
PAGES_DIR = APP_DIR / "pages"
CODEBOOKS_DIR = APP_DIR / "codebooks"
DEMO_DATA_DIR = PACKAGE_DIR / "demo_data"
