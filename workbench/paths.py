"""Where shipped files live. The app, the shared codebooks and the demo run from a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEMO_DATA_DIR = PACKAGE_DIR / "demo_data"
APP_FILE = REPO_ROOT / "app.py"
CODEBOOKS_DIR = REPO_ROOT / "codebooks"
