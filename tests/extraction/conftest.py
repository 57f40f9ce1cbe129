"""Extraction tests need no Django: neutralise the project-wide Django-only autouse fixture."""

import pytest


@pytest.fixture(autouse=True)
def _static_files_without_a_manifest():
    """Overrides tests/conftest.py's fixture, which needs pytest-django's `settings`."""
