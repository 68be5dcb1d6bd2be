"""Shared pytest helpers."""

from __future__ import annotations

import os
import shutil

import pytest


def require_libreoffice() -> None:
    """Skip the calling test if LibreOffice is missing, or FAIL it when
    FINMODEL_REQUIRE_LIBREOFFICE=1 (CI must not silently skip the recalc check)."""
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    if os.environ.get("FINMODEL_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(
            "LibreOffice (soffice) not found but FINMODEL_REQUIRE_LIBREOFFICE=1"
        )
    pytest.skip("LibreOffice (soffice) not installed")


@pytest.fixture
def libreoffice() -> None:
    """Fixture form of require_libreoffice()."""
    require_libreoffice()
