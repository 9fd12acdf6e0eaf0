"""Black-box tests of the safegate binary: each test works in its own temp dir."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pyshared"))
# shared_cache: the kit's autouse fixture, which must stand in the conftest.
from sgkit import (BANK, BIN, POLICY, SHARED, SOURCE_DIR, FakeOpenAI, MockModelServer,  # noqa: E402,F401
                   cache_dir, make_docs, mock_model_server_path, read_jsonl, run, shared_cache,
                   without_run, write_jsonl, write_project)


@pytest.fixture
def project(tmp_path):
    """A policy, a bank and two JSONL sources (one gzip) in tmp_path."""
    return write_project(tmp_path)
