"""One SAFEGATE_CACHE_DIR (compiled matchers, the trained built-in refusal model)
for a whole pytest session, shared by the CLI, serve and web suites.

Every cache key covers what the entry depends on, so sharing the directory only
saves start-up work (about a second per safegate call under ASan). A test about
the cache itself passes its own SAFEGATE_CACHE_DIR. A conftest imports both
names: the autouse fixture must stand in the conftest to take effect.
"""
from pathlib import Path

import pytest

_CACHE = {"dir": None}


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory):
    _CACHE["dir"] = tmp_path_factory.mktemp("cache")


def cache_dir(cwd):
    """The session's cache directory (CWD/.cache outside a pytest session)."""
    return str(_CACHE["dir"] or Path(cwd) / ".cache")
