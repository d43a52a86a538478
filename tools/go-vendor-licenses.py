#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tools/go-vendor-licenses.py: the licence data of the Go modules bundled in k6-kv.

Reads the module tree that `go mod vendor` wrote (k6-plugin/vendor, which the
release tarball carries) and keeps two files in step with it:

  debian/copyright  every paragraph from the first "Files: k6-plugin/vendor/"
                    one to the end: one Files paragraph per vendored module
                    (its copyright holders and licence text), then a
                    stand-alone License paragraph for each licence that the
                    Files paragraphs name without text
  rpm/libkv.spec    the lines between "# BEGIN go-vendor-licenses" and
                    "# END go-vendor-licenses": k6-plugin-kv's License: (an
                    SPDX expression) and one Provides: bundled(golang(...))
                    per module linked into k6-kv

Usage:
  go-vendor-licenses.py [--write] VENDOR COPYRIGHT SPEC
      check (the default: print a diff, exit 1 when a file is out of date)
      or rewrite both files
  go-vendor-licenses.py --list-license-files VENDOR
      the licence files, relative to VENDOR (the RPM installs them)
  go-vendor-licenses.py --summary VENDOR
      module, version, SPDX licence, and whether k6-kv links it

Which modules k6-kv links comes from `go list -deps ./cmd/k6-kv` on the
vendor tree ($GO, default go; offline: -mod=vendor, GOPROXY=off); modules
only the tests use (testify) and other platforms' modules are vendored and
listed in debian/copyright, but are not bundled in the binary.

A licence is recognised by phrases of its text; a module whose licence is not
recognised, or that has neither a licence file nor a licence header, stops the
script: somebody has to look at it before it ships.
"""

import difflib
import os
import re
import subprocess
import sys

LICENSE_FILE = re.compile(r"^(licen[cs]e|copying|unlicense)([.-].*)?$", re.I)
NOTICE_FILE = re.compile(r"^notice([.-].*)?$", re.I)

# Licences whose text is the same for everybody: Files paragraphs name them,
# one stand-alone paragraph holds the text (or points at common-licenses).
SHARED_TEXT = {
    "Apache-2.0": "/usr/share/common-licenses/Apache-2.0",
    "MPL-2.0": "/usr/share/common-licenses/MPL-2.0",
    "AGPL-3.0-only": None,  # not in common-licenses: the full text goes in
}

# Modules whose own files name no holder of their copyright (k6 states none
# but in a few files copied from elsewhere): the holder is their publisher,
# looked up by hand for each entry. The script fails for any other module
# without a statement.
PUBLISHERS = {
    "github.com/grafana/k6-cloud-openapi-client-go": "Grafana Labs",
    "github.com/grafana/k6provider": "Grafana Labs",
    "github.com/grafana/sobek-webapi-encoding": "Grafana Labs",
    "github.com/grafana/xk6-dashboard-assets": "Grafana Labs",
    "github.com/mstoykov/atlas": "Mihail Stoykov",
    "github.com/r3labs/sse/v2": "R3 Labs (r3labs)",
    "go.k6.io/k6/v2": "Grafana Labs",
}

GENERATED_RPM_BEGIN = "# BEGIN go-vendor-licenses"
GENERATED_RPM_END = "# END go-vendor-licenses"
FIRST_VENDOR_PARAGRAPH = "Files: k6-plugin/vendor/"


def fail(message):
    sys.exit(f"go-vendor-licenses: {message}")


def flat(text):
    return " ".join(text.split())


def bsd_variant(block):
    """BSD-3-Clause has the non-endorsement clause, BSD-2-Clause does not."""
    if re.search(r"neither the name|names of (its|the) contributors may|may not be used to endorse", block, re.I):
        return "BSD-3-Clause"
    return "BSD-2-Clause"


def classify(text):
    """The SPDX ids of every licence whose text (or standard header) is in text."""
    t = flat(text)
    found = set(re.findall(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)", t))
    # The licence's own title, not the mention of it in MPL-2.0's list of
    # secondary licences.
    if re.search(r"GNU AFFERO GENERAL PUBLIC LICENSE\s*Version 3, 19 November 2007", t):
        found.add("AGPL-3.0-only")
    if re.search(r"Apache License,? Version 2\.0", t, re.I) or (
        "Apache License" in t and "Version 2.0, January 2004" in t
    ):
        found.add("Apache-2.0")
    if re.search(r"Mozilla Public License,? (Version|v\.?) ?2\.0", t, re.I):
        found.add("MPL-2.0")
    if "Permission is hereby granted, free of charge, to any person obtaining a copy" in t:
        found.add("MIT")
    if re.search(r"Permission to use, copy, modify, and(/or)? distribute this software for any purpose "
                 r"with or without fee is hereby granted", t):
        found.add("ISC")
    # Each BSD block runs from its first sentence to its disclaimer.
    for m in re.finditer(r"Redistribution and use in source and binary forms(.*?)(SUCH DAMAGE|$)", t, re.S):
        found.add(bsd_variant(m.group(1)))
    return found


COPYRIGHT_LINE = re.compile(
    r"^\W*(?:SPDX-FileCopyrightText:\s*)?(?:copyright\s*)?(?:\(c\)|©)?\s*(?:\(c\)|©)?\s*(?P<rest>.+)$", re.I)
YEARS = re.compile(r"^(?P<years>\d{4}(?:\s*[-–,]\s*\d{4}|\s*,\s*\d{4})*)\s*,?\s*(?:by\s+)?(?P<holder>.*)$")


def copyright_statements(text):
    """(years, holder) for each copyright line of text, licence boilerplate left out."""
    out = []
    for line in text.splitlines():
        if not re.match(r"^\W*(copyright\b|SPDX-FileCopyrightText:)", line.strip(), re.I):
            continue
        m = COPYRIGHT_LINE.match(line.strip())
        if not m:
            continue
        rest = m.group("rest").strip().rstrip(".")
        rest = re.sub(r"\s*\.?\s*All rights reserved.*$", "", rest, flags=re.I).strip()
        if (not rest or "Free Software Foundation" in rest or re.search(r"[\[{<]yyyy|\[name of|notice|license|holders? |owner", rest, re.I)
                or rest.lower().startswith(("and ", "the above", "statement"))):
            continue
        y = YEARS.match(rest)
        if y:
            # "2019+ Klaus Post": the + is part of the years.
            out.append((y.group("years"), y.group("holder").lstrip("+ ").strip().rstrip(",.")))
        elif re.match(r"^[A-Z(]", rest):
            out.append(("", rest))
    return [(years, holder) for years, holder in out if holder]


def year_span(years):
    found = [int(y) for y in re.findall(r"\d{4}", " ".join(years))]
    if not found:
        return ""
    lo, hi = min(found), max(found)
    return f"{lo}" if lo == hi else f"{lo}-{hi}"


def merge_statements(statements):
    """One line per holder, with the span of the years given for it."""
    by_holder = {}
    for years, holder in statements:
        by_holder.setdefault(holder, []).append(years)
    lines = []
    for holder in sorted(by_holder, key=str.lower):
        span = year_span(by_holder[holder])
        lines.append(f"{span} {holder}" if span else holder)
    return lines


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def go_headers(root, module_dirs):
    """The leading comment of every vendored .go file of a module (its licence headers)."""
    heads = []
    for d in module_dirs:
        for name in sorted(os.listdir(os.path.join(root, d))):
            if not name.endswith(".go"):
                continue
            head = []
            for line in read(os.path.join(root, d, name)).splitlines():
                if line.startswith("package ") or line.startswith("import "):
                    break
                head.append(re.sub(r"^\s*(//|/\*|\*/|\*)?\s?", "", line))
            heads.append("\n".join(head))
    return heads


class Part:
    """A directory of a module with licence files of its own (the module's root first)."""

    def __init__(self, directory):
        self.directory = directory
        self.license_files = []   # relative to the vendor tree
        self.notice_files = []
        self.licenses = set()
        self.copyright = []


class Module:
    def __init__(self, path, version):
        self.path = path
        self.version = version
        self.package_dirs = []
        self.parts = []
        self.in_binary = False

    @property
    def licenses(self):
        return set().union(*(p.licenses for p in self.parts))

    @property
    def license_files(self):
        return [f for p in self.parts for f in p.license_files + p.notice_files]


def parse_modules_txt(vendor):
    modules, current = [], None
    for line in read(os.path.join(vendor, "modules.txt")).splitlines():
        if line.startswith("# "):
            fields = line[2:].split()
            if "=>" in fields:
                fail(f"replaced module {fields[0]}: the script does not know whose code that is")
            current = Module(fields[0], fields[1])
            modules.append(current)
        elif line.startswith("##"):
            continue
        elif line.strip():
            current.package_dirs.append(line.strip())
    # Modules without packages (only in go.mod's graph) are not in the tree.
    return [m for m in modules if m.package_dirs]


def owning_module(modules, directory):
    best = None
    for m in modules:
        if directory == m.path or directory.startswith(m.path + "/"):
            if best is None or len(m.path) > len(best.path):
                best = m
    return best


def owning_part(parts, directory):
    best = None
    for p in parts:
        if directory == p.directory or directory.startswith(p.directory + "/"):
            if best is None or len(p.directory) > len(best.directory):
                best = p
    return best


def scan(vendor):
    modules = parse_modules_txt(vendor)
    for m in modules:
        # go mod vendor copies the licence files of every directory from a
        # module's root down to each package it uses.
        dirs = set()
        for pkg in m.package_dirs:
            rel = pkg[len(m.path):].strip("/")
            parts = rel.split("/") if rel else []
            for i in range(len(parts) + 1):
                dirs.add("/".join([m.path] + parts[:i]))
        root = Part(m.path)
        m.parts = [root]
        for d in sorted(dirs):
            full = os.path.join(vendor, d)
            if not os.path.isdir(full) or owning_module(modules, d) is not m:
                continue
            names = sorted(n for n in os.listdir(full) if os.path.isfile(os.path.join(full, n)))
            lic = [f"{d}/{n}" for n in names if LICENSE_FILE.match(n)]
            notice = [f"{d}/{n}" for n in names if NOTICE_FILE.match(n)]
            if d == m.path:
                root.license_files, root.notice_files = lic, notice
            elif lic:
                part = Part(d)
                part.license_files, part.notice_files = lic, notice
                m.parts.append(part)
        headers = {p: [] for p in m.parts}
        for pkg in m.package_dirs:
            headers[owning_part(m.parts, pkg)] += go_headers(vendor, [pkg])
        for part in m.parts:
            for f in part.license_files:
                ids = classify(read(os.path.join(vendor, f)))
                if not ids:
                    fail(f"{f}: no licence this script knows")
                part.licenses |= ids
            if not part.license_files:
                # Generated code published without a licence file (buf.build's
                # modules): the licence is the one every file's header states.
                per_file = [classify(h) for h in headers[part]]
                if not per_file or any(not ids for ids in per_file):
                    fail(f"{m.path}: no licence file, and not every .go file has a licence header")
                for ids in per_file:
                    part.licenses |= ids
            # Holders from the licence and notice files and from the files' headers.
            statements = []
            for f in part.license_files + part.notice_files:
                statements += copyright_statements(read(os.path.join(vendor, f)))
            for h in headers[part]:
                statements += copyright_statements(h)
            part.copyright = merge_statements(statements)
            if part is root and m.path in PUBLISHERS and not any(
                    PUBLISHERS[m.path] in c for c in part.copyright):
                part.copyright.insert(0, PUBLISHERS[m.path])
            if not part.copyright:
                fail(f"{part.directory}: no copyright statement in its licence, notice or source files")
    return modules


def mark_binary_modules(vendor, modules):
    env = dict(os.environ, GOFLAGS="-mod=vendor", GOPROXY="off", GOTOOLCHAIN="local", CGO_ENABLED="1")
    out = subprocess.run(
        [os.environ.get("GO", "go"), "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./cmd/k6-kv"],
        cwd=os.path.dirname(os.path.abspath(vendor)), env=env, check=True, capture_output=True, text=True).stdout
    linked = set(out.split())
    for m in modules:
        m.in_binary = m.path in linked


def spdx_and(ids):
    return " AND ".join(sorted(ids))


# The full Apache-2.0 text (with or without its appendix) inside a file that
# also holds other licences: Debian points at common-licenses instead.
FULL_APACHE = re.compile(
    r"^[ \t]*Apache License[ \t]*\n[ \t]*Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS"
    r"(?:\s*APPENDIX: How to apply the Apache License.*?limitations under the License\.)?[ \t]*$",
    re.S | re.M)


def without_full_apache(text):
    return FULL_APACHE.sub("[The Apache License, Version 2.0: see the License: Apache-2.0 paragraph.]", text)


def dep5_text(text):
    lines = []
    for line in text.expandtabs(4).splitlines():
        line = line.rstrip()
        lines.append(" " + line if line.strip() else " .")
    while lines and lines[0] == " .":
        lines.pop(0)
    while lines and lines[-1] == " .":
        lines.pop()
    return lines


def copyright_paragraphs(vendor, modules):
    paras, named = [], set()
    parts = sorted(((p, m) for m in modules for p in m.parts), key=lambda pm: pm[0].directory)
    for part, m in parts:
        p = [f"Files: k6-plugin/vendor/{part.directory}/*",
             "Copyright: " + part.copyright[0]] + ["           " + c for c in part.copyright[1:]]
        name = " and ".join(sorted(part.licenses))
        p.append(f"License: {name}")
        if part.licenses <= set(SHARED_TEXT):
            named |= part.licenses
        else:
            # Texts that carry their holders' names (MIT, BSD, ISC) go with
            # the files they cover, whole, with any other licence they contain.
            body = []
            for f in part.license_files:
                if body:
                    body.append(" .")
                text = read(os.path.join(vendor, f))
                if FULL_APACHE.search(text):
                    named.add("Apache-2.0")
                    text = without_full_apache(text)
                body += dep5_text(text)
            if not body:
                fail(f"{part.directory}: {name} needs a licence text and there is no licence file")
            p += body
        what = f"Go module {m.path} {m.version}" if part.directory == m.path else f"Part of Go module {m.path}"
        p.append(f"Comment: {what}"
                 + ("" if m.in_binary else "; vendored for the tests or other platforms, not linked into k6-kv"))
        paras.append("\n".join(p))
    for lic in sorted(named):
        p = [f"License: {lic}"]
        common = SHARED_TEXT[lic]
        if common:
            p += [f" On Debian systems, the complete text of the {lic} licence can be found in",
                  f" \"{common}\"."]
        else:
            # The plain-text copy rather than a Markdown rendering of it.
            candidates = [f for _, m in parts for part in m.parts if part.licenses == {lic}
                          for f in part.license_files]
            plain = [f for f in candidates if not f.lower().endswith(".md")] or candidates
            p += dep5_text(read(os.path.join(vendor, plain[0])))
        paras.append("\n".join(p))
    return "\n\n".join(paras) + "\n"


def rpm_version(version):
    # RPM versions have no '-': a Go pre-release or pseudo-version suffix
    # becomes '~', which sorts before the release just as in Go.
    return version[1:].replace("-", "~") if version.startswith("v") else version.replace("-", "~")


def rpm_lines(modules):
    linked = [m for m in modules if m.in_binary]
    ids = {"LGPL-2.1-or-later"}
    for m in linked:
        ids |= m.licenses
    lines = [GENERATED_RPM_BEGIN + " (tools/go-vendor-licenses.py, from k6-plugin/vendor: do not edit)",
             f"License:        {spdx_and(ids)}"]
    lines += [f"Provides:       bundled(golang({m.path})) = {rpm_version(m.version)}"
              for m in sorted(linked, key=lambda m: m.path)]
    lines.append(GENERATED_RPM_END)
    return lines


def updated_copyright(current, generated):
    at = current.find("\n" + FIRST_VENDOR_PARAGRAPH)
    head = current if at < 0 else current[:at + 1]
    return head.rstrip("\n") + "\n\n" + generated


def updated_spec(current, lines):
    old = current.splitlines()
    try:
        b = next(i for i, l in enumerate(old) if l.startswith(GENERATED_RPM_BEGIN))
        e = next(i for i, l in enumerate(old) if l.startswith(GENERATED_RPM_END))
    except StopIteration:
        fail(f"the spec has no {GENERATED_RPM_BEGIN} ... {GENERATED_RPM_END} block")
    return "\n".join(old[:b] + lines + old[e + 1:]) + "\n"


def check_or_write(path, new, write):
    old = read(path)
    if old == new:
        return True
    if write:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        print(f"go-vendor-licenses: updated {path}")
        return True
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), path, path + " (from the vendor tree)"))
    print(f"go-vendor-licenses: {path} does not match the vendor tree; run tools/go-vendor-licenses.py --write",
          file=sys.stderr)
    return False


def main(argv):
    write = "--write" in argv
    args = [a for a in argv if a != "--write"]
    if len(args) == 2 and args[0] == "--list-license-files":
        for m in scan(args[1]):
            for f in m.license_files:
                print(f)
        return 0
    if len(args) == 2 and args[0] == "--summary":
        modules = scan(args[1])
        mark_binary_modules(args[1], modules)
        for m in sorted(modules, key=lambda m: m.path):
            print(f"{m.path}\t{m.version}\t{spdx_and(m.licenses)}\t{'linked' if m.in_binary else 'not linked'}")
        return 0
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    vendor, copyright_path, spec_path = args
    if not os.path.isfile(os.path.join(vendor, "modules.txt")):
        fail(f"{vendor}/modules.txt not found: run go mod vendor first")
    modules = scan(vendor)
    mark_binary_modules(vendor, modules)
    ok = check_or_write(copyright_path, updated_copyright(read(copyright_path), copyright_paragraphs(vendor, modules)), write)
    ok &= check_or_write(spec_path, updated_spec(read(spec_path), rpm_lines(modules)), write)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
