"""scripts/check-deps.sh fails on each kind of violation of the dependency
rule, planted in a copy of the tree (src/, include/), and passes on the copy
as it is."""
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.environ.get("SAFEGATE_SOURCE_DIR",
                      os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))


@pytest.fixture
def tree(tmp_path):
    for d in ("src", "include", "scripts"):
        shutil.copytree(os.path.join(ROOT, d), tmp_path / d)
    return tmp_path


def check(tree):
    p = subprocess.run(["bash", str(tree / "scripts" / "check-deps.sh"), str(tree)],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def test_the_copy_as_it_is_passes(tree):
    code, out = check(tree)
    assert code == 0, out
    assert "deps: ok" in out


def test_private_header_of_another_library_fails(tree):
    # judge links net, but net/transport.h is net's private header.
    append(tree / "src/judge/factory.cc", '\n#include "net/transport.h"\n')
    code, out = check(tree)
    assert code == 1
    assert 'src/judge/factory.cc' in out and '"net/transport.h"' in out and "private" in out


def test_own_private_header_by_library_path_fails(tree):
    # Only src/<lib>/ is on a library's include path: "net/transport.h" does not
    # compile inside net either; it is included as "transport.h".
    append(tree / "src/net/client.cc", '\n#include "net/transport.h"\n')
    code, out = check(tree)
    assert code == 1 and "src/net/client.cc" in out


def test_angle_bracket_include_of_our_header_fails(tree):
    append(tree / "src/text/utf8.cc", "\n#include <safegate/base/status.h>\n")
    code, out = check(tree)
    assert code == 1
    assert "src/text/utf8.cc" in out and "<safegate/base/status.h>" in out


def test_library_including_a_storage_backend_fails(tree):
    append(tree / "src/moderation/store.cc", '\n#include "safegate/store/sqlite.h"\n')
    code, out = check(tree)
    assert code == 1
    assert "src/moderation/store.cc" in out and "storage backend" in out


def test_library_linking_a_storage_backend_fails(tree):
    cm = tree / "src/review/CMakeLists.txt"
    text = cm.read_text()
    planted = re.sub(r"safegate::store\b(?!_)", "safegate::store_sqlite", text, count=1)
    assert planted != text  # the plant took
    cm.write_text(planted)
    code, out = check(tree)
    assert code == 1
    assert "src/review/CMakeLists.txt" in out and "storage backend" in out


@pytest.mark.parametrize("where", ["src/newlib", "include/safegate/newlib", "src/judge/extra"])
def test_unknown_library_directory_fails(tree, where):
    os.makedirs(tree / where)
    (tree / where / "thing.h").write_text("#pragma once\n")
    code, out = check(tree)
    assert code == 1
    assert where + "/" in out and "unknown" in out


def test_include_not_in_the_cmake_link_graph_fails(tree):
    # stats links only base: a stats file including the text library fails,
    # and passes once CMake declares the edge (the graph has one source).
    append(tree / "src/stats/interval.cc", '\n#include "safegate/text/utf8.h"\n')
    code, out = check(tree)
    assert code == 1
    assert "src/stats/interval.cc" in out and "src/stats/CMakeLists.txt" in out
    cm = tree / "src/stats/CMakeLists.txt"
    cm.write_text(cm.read_text().replace("PUBLIC_DEPS safegate::base",
                                         "PUBLIC_DEPS safegate::base safegate::text"))
    code, out = check(tree)
    assert code == 0, out


def test_public_header_including_a_private_dependency_fails(tree):
    # bank links net privately: a public bank header
    # may not include net (its users would not link it).
    append(tree / "include/safegate/bank/lint.h", '\n#include "safegate/net/http.h"\n')
    code, out = check(tree)
    assert code == 1 and "include/safegate/bank/lint.h" in out
