#!/usr/bin/env python3
"""The library dependency rule (docs/architecture.md), checked against CMake.

One source of truth: the link graph is read from the safegate_library(...)
calls of src/<lib>/CMakeLists.txt (PUBLIC_DEPS and PRIVATE_DEPS). A file of a
library may include the public headers (include/safegate/<dep>/) of:
  - its own library;
  - the libraries it links (PUBLIC or PRIVATE), and what those export
    PUBLICly, transitively (what CMake puts on its include path);
a public header only of its own library and what it exports PUBLICly.

It fails on
  - an include of a library the link graph does not allow;
  - an include of another library's private header ("net/transport.h": a
    library sees only its own src/<lib>/, cmake/SafegateTarget.cmake), or a
    relative include leaving the directory ("../");
  - an angle-bracket include of our own headers (<safegate/...>);
  - a library that includes or links a storage backend (store_<name>: the
    apps choose the backend, libraries use the safegate/store/store.h interface);
  - a directory under src/ or include/safegate/ that is no library declared in
    CMake (a new library must be added to CMake, and so to this check);
  - a library that includes apps/ or python/.

Usage: check_deps.py [ROOT]           check (ROOT: the repository, default ../)
       check_deps.py --graph [ROOT]   print the link graph, one library a line
                                      ("lib: public deps | private deps"),
                                      as docs/architecture.md lists it
"""
import os
import re
import sys

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SOURCE_EXT = (".h", ".cc", ".inc")


def strip_cmake_comments(text):
    return "\n".join(re.sub(r"#.*$", "", line) for line in text.splitlines())


def read_link_graph(root):
    """{lib: {"dir": path relative to src/, "public": set, "private": set}}."""
    libs = {}
    src = os.path.join(root, "src")
    for dirpath, _, files in os.walk(src):
        if "CMakeLists.txt" not in files or os.path.abspath(dirpath) == os.path.abspath(src):
            continue
        path = os.path.join(dirpath, "CMakeLists.txt")
        text = strip_cmake_comments(open(path, encoding="utf-8").read())
        for m in re.finditer(r"safegate_library\s*\(([^)]*)\)", text):
            tokens = m.group(1).split()
            name, section = tokens[0], None
            lib = {"cmake": os.path.relpath(path, root), "public": set(), "private": set(),
                   "sources": []}
            for t in tokens[1:]:
                if t in ("SOURCES", "PUBLIC_DEPS", "PRIVATE_DEPS"):
                    section = t
                elif section == "SOURCES":
                    lib["sources"].append(t)
                elif t.startswith("safegate::"):
                    key = "public" if section == "PUBLIC_DEPS" else "private"
                    lib[key].add(t[len("safegate::"):])
            # store_sqlite lives in src/store/sqlite/, base in src/base/.
            lib["dir"] = os.path.relpath(dirpath, src)
            if "_" in name:
                parent, sub = name.split("_", 1)
                lib["dir"] = os.path.join(parent, sub)
            libs[name] = lib
    return libs


def exported(libs, name, seen=None):
    """`name` and what it exports PUBLICly, transitively."""
    seen = set() if seen is None else seen
    if name in seen or name not in libs:
        return seen
    seen.add(name)
    for d in libs[name]["public"]:
        exported(libs, d, seen)
    return seen


def is_backend(name):
    return name.startswith("store_")


def header_owner(libs, rel):
    """The library owning public header include/safegate/REL, or None."""
    parts = rel.split("/")
    if len(parts) < 2:
        return None
    if parts[0] == "store" and len(parts) == 2:
        backend = "store_" + parts[1].rsplit(".", 1)[0]
        if backend in libs:
            return backend
    return parts[0] if parts[0] in libs else None


def main():
    args = sys.argv[1:]
    graph = bool(args) and args[0] == "--graph"
    if graph:
        args = args[1:]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), ".."))
    libs = read_link_graph(root)
    if graph:
        for name, lib in sorted(libs.items()):
            pub = " ".join(sorted(lib["public"]))
            priv = " ".join(sorted(lib["private"]))
            print(f"{name}: {pub}" + (f" | {priv}" if priv else ""))
        return 0
    errors = []
    if not libs:
        errors.append("no safegate_library(...) found under src/*/CMakeLists.txt")

    for name, lib in sorted(libs.items()):
        for d in sorted(lib["public"] | lib["private"]):
            if d not in libs:
                errors.append(f"{lib['cmake']}: {name} links safegate::{d}, which is no library")
            elif is_backend(d) and not name.startswith(d):
                errors.append(f"{lib['cmake']}: library {name} links the storage backend "
                              f"{d} (libraries use safegate/store/store.h; apps pick a backend)")

    # Which library each directory belongs to; anything else is unknown.
    dir_owner = {lib["dir"]: name for name, lib in libs.items()}
    lib_dirs = {lib["dir"].split("/")[0] for lib in libs.values()}
    files = []  # (path relative to root, owning library, is a public header)
    for top, public in (("src", False), (os.path.join("include", "safegate"), True)):
        base = os.path.join(root, top)
        if not os.path.isdir(base):
            continue
        for entry in sorted(os.listdir(base)):
            full = os.path.join(base, entry)
            if not os.path.isdir(full):
                if not public and entry == "CMakeLists.txt":
                    continue
                errors.append(f"{os.path.join(top, entry)}: a file outside any library directory")
                continue
            if entry not in lib_dirs:
                errors.append(f"{os.path.join(top, entry)}/: unknown library directory (no "
                              f"safegate_library({entry} ...) in src/{entry}/CMakeLists.txt)")
                continue
            for dirpath, _, names in os.walk(full):
                rel_dir = os.path.relpath(dirpath, base)
                owner = dir_owner.get(rel_dir)
                if owner is None:
                    if public:
                        errors.append(f"{os.path.join(top, rel_dir)}/: unknown directory "
                                      "(public headers live in include/safegate/<lib>/)")
                        continue
                    errors.append(f"{os.path.join(top, rel_dir)}/: unknown library directory "
                                  "(not the directory of a safegate_library in CMake)")
                    continue
                for n in sorted(names):
                    if not n.endswith(SOURCE_EXT):
                        continue
                    rel = os.path.relpath(os.path.join(dirpath, n), root)
                    file_owner = owner
                    if public:
                        file_owner = header_owner(libs, os.path.relpath(
                            os.path.join(dirpath, n), base)) or owner
                    files.append((rel, file_owner, public))

    own_prefixes = {lib["dir"].split("/")[0] for lib in libs.values()}
    for rel, owner, public in files:
        text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
        visible = set()
        if public:
            visible = exported(libs, owner)
        else:
            visible = {owner}
            for d in libs[owner]["public"] | libs[owner]["private"]:
                visible |= exported(libs, d)
        for m in INCLUDE_RE.finditer(text):
            bracket, path = m.group(1), m.group(2)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel}:{line}"
            first = path.split("/")[0]
            if bracket == "<":
                if first == "safegate" or (first in own_prefixes and "/" in path):
                    errors.append(f"{where}: #include <{path}>: our own headers are included "
                                  "with quotes")
                continue
            if path.startswith("../") or "/../" in path:
                errors.append(f'{where}: #include "{path}" leaves the directory')
                continue
            if first in ("apps", "python"):
                errors.append(f'{where}: a library includes "{path}"')
                continue
            if first == "safegate":
                target = header_owner(libs, path[len("safegate/"):])
                if target is None:
                    errors.append(f'{where}: #include "{path}": no library owns this header')
                elif is_backend(target) and target != owner:
                    errors.append(f'{where}: {owner} includes the storage backend "{path}" '
                                  "(libraries use safegate/store/store.h; apps pick a backend)")
                elif target not in visible:
                    kind = "exports" if public else "links"
                    errors.append(
                        f'{where}: {owner} includes "{path}" but {libs[owner]["cmake"]} '
                        f"{kind} no path to {target} (allowed: {' '.join(sorted(visible))})")
                continue
            if "/" in path and first in own_prefixes:
                errors.append(f'{where}: #include "{path}": the private header of a library '
                              "(a library includes only its own private headers, by name)")

    for e in errors:
        print("check-deps: " + e, file=sys.stderr)
    if errors:
        return 1
    print(f"deps: ok ({len(libs)} libraries, {len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
