"""Static files the app serves itself (never from a CDN: the workbench runs offline)."""

from pathlib import Path

ICON = Path(__file__).with_name("icon.png")
