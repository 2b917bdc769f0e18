#!/usr/bin/env python3
"""Fails when a restored package resolves below the version another package asks for.

    python3 build/check-package-floors.py [ROOT]      checks every obj/project.assets.json under ROOT (default: .)
    python3 build/check-package-floors.py --self-test proves the check finds a downgrade and passes a clean graph

With central package management and transitive pinning, NuGet builds silently against a version pinned lower than a
dependency's minimum (EF Core 10.0.14 under EF Core SqlServer 10.0.15, IdentityModel 8.16 under Identity.Web): the
assets file then holds the lower version while the dependent package's entry still asks for the higher one. Run it
after a restore. Exit codes: 0 clean, 1 a package resolves below what another asks for, 2 nothing to check.
"""
import json
import os
import sys


def parse_version(text):
    """'10.0.15' -> ((10, 0, 15, 0), ()); a pre-release sorts before its release."""
    core, _, pre = text.strip().partition("-")
    core = core.partition("+")[0]
    numbers = tuple(int(p) for p in core.split("."))
    numbers = numbers + (0,) * (4 - len(numbers))
    return numbers, (0, pre) if pre else (1, "")


def minimum_of(version_range):
    """The lower bound of a NuGet range ('10.0.15', '[10.0.15, )', '(1.0, 2.0]'), or None when it has none."""
    text = version_range.strip()
    if not text:
        return None
    if text[0] not in "[(":
        return text, True
    lower = text[1:].split(",")[0].strip().rstrip("])")
    if not lower:
        return None
    return lower, text[0] == "["


def violations(assets):
    """Every (target, package, dependency, asked, resolved) where the resolved version is below the asked minimum."""
    found = []
    for target, packages in assets.get("targets", {}).items():
        resolved = {}
        for key, entry in packages.items():
            name, _, version = key.partition("/")
            if entry.get("type") == "package":
                resolved[name.lower()] = version
        for key, entry in packages.items():
            if entry.get("type") != "package":
                continue
            for dependency, asked in (entry.get("dependencies") or {}).items():
                bound = minimum_of(asked)
                have = resolved.get(dependency.lower())
                if bound is None or have is None:
                    continue
                lower, inclusive = bound
                below = parse_version(have) < parse_version(lower) if inclusive else parse_version(have) <= parse_version(lower)
                if below:
                    found.append((target, key, dependency, asked, have))
    return found


def check(root):
    files = []
    for folder, directories, names in os.walk(root):
        directories[:] = [d for d in directories if d not in (".git", "node_modules", "bin")]
        if os.path.basename(folder) == "obj" and "project.assets.json" in names:
            files.append(os.path.join(folder, "project.assets.json"))
    if not files:
        print(f"no obj/project.assets.json under {root}: restore first", file=sys.stderr)
        return 2
    problems = 0
    for path in sorted(files):
        with open(path, encoding="utf-8") as f:
            assets = json.load(f)
        for target, package, dependency, asked, have in violations(assets):
            problems += 1
            project = os.path.relpath(os.path.dirname(os.path.dirname(path)), root)
            print(f"{project} ({target}): {package} asks for {dependency} {asked}, but {have} is resolved; "
                  f"raise its PackageVersion in Directory.Packages.props", file=sys.stderr)
    print(f"package floors: {len(files)} projects read, {problems} packages below what another asks for")
    return 1 if problems else 0


def self_test():
    def graph(ef_core):
        return {"targets": {"net10.0": {
            "Microsoft.EntityFrameworkCore.SqlServer/10.0.15": {"type": "package", "dependencies": {
                "Microsoft.EntityFrameworkCore.Relational": "10.0.15", "Microsoft.Data.SqlClient": "[6.1.7, )"}},
            "Microsoft.EntityFrameworkCore.Relational/" + ef_core: {"type": "package"},
            "Microsoft.Data.SqlClient/6.1.7": {"type": "package"},
            "VpnPortal.Data/1.0.0": {"type": "project", "dependencies": {"Anything": "99.0.0"}},
        }}}

    downgraded = violations(graph("10.0.14"))
    assert [(d[2], d[4]) for d in downgraded] == [("Microsoft.EntityFrameworkCore.Relational", "10.0.14")], downgraded
    assert violations(graph("10.0.15")) == [], "an equal version is enough"
    assert violations(graph("10.0.16")) == [], "a higher version is enough"
    assert parse_version("10.0.15-rc.1") < parse_version("10.0.15")
    assert minimum_of("(1.0, 2.0]") == ("1.0", False) and minimum_of("(, 2.0]") is None
    exclusive = {"targets": {"t": {"A/1.0.0": {"type": "package", "dependencies": {"B": "(1.0, )"}}, "B/1.0.0": {"type": "package"}}}}
    assert len(violations(exclusive)) == 1, "an exclusive bound is not met by the bound itself"
    print("package floors self-test: a downgrade is found, clean graphs pass")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(check(sys.argv[1] if len(sys.argv) > 1 else "."))
