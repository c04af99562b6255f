"""workbench: an encrypted qualitative research workbench for highly sensitive interview data.

The package holds every layer (domain, crypto, store, services, ui, the ``workbench`` command);
an installed wheel also carries the Streamlit app itself in ``workbench/_app/`` (see
``workbench/paths.py``), so ``workbench serve`` and ``workbench demo`` work without a checkout.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("workbench")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
