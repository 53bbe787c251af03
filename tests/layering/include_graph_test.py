#!/usr/bin/env python3
"""The include graph of Cairn runs one way: down the layers. This test is the layer table
(docs/architecture.md draws it) and fails on any `#include` that runs back up, or on a file
in a folder the table does not place (a new folder must be given a layer here first).

Usage: include_graph_test.py SOURCE_DIR
"""
import re
import sys
from pathlib import Path

# include/cairn: plain values (no handle, no connection state) that every layer may see.
PUBLIC_VALUES = {
    "cairn/checkpoint_bitmaps.hpp", "cairn/domain_info.hpp", "cairn/error.hpp",
    "cairn/flags.hpp", "cairn/job_stats.hpp", "cairn/version.hpp",
    "cairn/backup_job_info.hpp", "cairn/backup_spec.hpp", "cairn/checkpoint_spec.hpp",
    "cairn/security.hpp", "cairn/xml_text.hpp",
}
# include/cairn: the handles of the public C++ API (Connection, Domain, Checkpoint, events).
PUBLIC_HANDLES = {
    "cairn/backup.hpp", "cairn/cairn.hpp", "cairn/checkpoint.hpp", "cairn/connection.hpp",
    "cairn/daemon_peer.hpp", "cairn/domain.hpp",
}
# include/cairn/virt.h and the <libvirt/...> drop-ins: the C API.
PUBLIC_C = {"cairn/virt.h", "libvirt/libvirt.h", "libvirt/virterror.h"}

# layer -> the layers its files may include (itself included). Order: bottom to top.
MAY_INCLUDE = {
    "values": {"values"},
    "c-header": {"c-header"},
    "handles": {"handles", "values"},
    "util": {"util", "values"},
    "conf": {"conf", "util", "values"},
    "qmp": {"qmp", "util", "values"},
    "rpc": {"rpc", "util", "values"},
    "model": {"model", "conf", "util", "values"},
    "driver": {"driver", "model", "conf", "util", "values"},
    "drivers/test": {"drivers/test", "driver", "model", "conf", "util", "values"},
    "drivers/qemu": {"drivers/qemu", "driver", "model", "conf", "qmp", "util", "values"},
    "drivers/remote": {"drivers/remote", "driver", "rpc", "util", "values"},
    # api knows the Driver interface, never a concrete driver.
    "api": {"api", "handles", "driver", "model", "conf", "util", "values"},
    # the C shim is a client of the C++ API.
    "capi": {"capi", "c-header", "handles", "values"},
    # the composition root: chooses the drivers, so it sees them and what they register with.
    "root": {"root", "drivers/test", "drivers/qemu", "drivers/remote", "driver", "api",
             "handles", "values"},
    # cairnd's server side: dispatches into the public API, speaks src/rpc.
    "daemon": {"daemon", "handles", "rpc", "util", "values"},
    # cairn-backup's repository: no libvirt, no QEMU, no handles.
    "repo": {"repo", "util", "values"},
    # cairn-backup's NBD client (libnbd): no libvirt, no QEMU, no handles.
    "nbd": {"nbd", "util", "values"},
    "tools/cairn": {"tools/cairn", "handles", "values"},
    # cairn-backup: the public API, plus its own repository and NBD layers (and their util).
    "tools/cairn-backup": {"tools/cairn-backup", "repo", "nbd", "util", "handles", "values"},
    "tools/cairnd": {"tools/cairnd", "daemon", "handles", "values"},
}


def layer_of_header(name):
    """The layer an include names, or None for a system/third-party header."""
    if name in PUBLIC_VALUES:
        return "values"
    if name in PUBLIC_HANDLES:
        return "handles"
    if name in PUBLIC_C:
        return "c-header"
    if name.startswith("cairn/"):
        return "unknown public header"
    first = name.split("/")[0]
    if first in ("drivers", "tools"):
        return "/".join(name.split("/")[:2])
    if first in MAY_INCLUDE:
        return first
    return None


def layer_of_file(path: Path, root: Path):
    rel = path.relative_to(root).as_posix()
    if rel.startswith("include/cairn/"):
        return layer_of_header(rel[len("include/"):])
    if rel.startswith("include/cairn-virt/"):
        return "c-header"
    if rel.startswith("src/") and rel.count("/") == 1:
        return "root"  # src/version.cpp: a unit of libcairn itself
    parts = rel.split("/")
    if parts[0] == "src":
        return "/".join(parts[1:3]) if parts[1] == "drivers" else parts[1]
    if parts[0] == "tools":
        return "/".join(parts[:2])
    return None


INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def check(root: Path):
    errors = []
    files = [p for d in ("src", "include", "tools") for p in (root / d).rglob("*")
             if p.suffix in (".hpp", ".cpp", ".h", ".c")]
    for path in sorted(files):
        layer = layer_of_file(path, root)
        rel = path.relative_to(root).as_posix()
        if layer not in MAY_INCLUDE:
            errors.append(f"{rel}: in no layer ({layer}); give its folder a row in MAY_INCLUDE")
            continue
        for m in INCLUDE.finditer(path.read_text(errors="replace")):
            bracket, name = m.group(1), m.group(2)
            if bracket == "<" and not name.startswith(("cairn/", "libvirt/")):
                continue  # system and third-party headers
            target = layer_of_header(name)
            if target is None:
                continue
            if target not in MAY_INCLUDE[layer]:
                errors.append(f"{rel}: layer '{layer}' includes \"{name}\" (layer '{target}'), "
                              f"which runs back up the layers")
    return errors, len(files)


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    errors, count = check(root)
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} include(s) against the layering in {count} files")
        return 1
    print(f"include graph: {count} files, no arrow back up the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
