#!/usr/bin/env python3
"""Generate syspect's syscall and constant tables.

    gen_tables.py --syscalls DIR --xlat DIR --out DIR

reads DIR/x86_64.in and DIR/i386.in (one syscall per line) and every
XLATDIR/*.in (one constant family per file), checks them, and writes into
--out:

    syscall_tables.cpp        the SyscallDesc tables and their indexes
    xlat_tables.cpp           the Xlat families
    xlat_families.hpp         declarations of everything generated
    syscall_ids.hpp           SysId: one enumerator per syscall name, for
                              code that singles out a call (a misspelled
                              name is then a compile error)
    check_syscalls_x86_64.cpp gtest: numbers against <asm/unistd_64.h>
    check_syscalls_i386.cpp   gtest: numbers against <asm/unistd_32.h>
    check_xlat.cpp            gtest: constants against the libc/kernel headers

A file is rewritten only when its content changes, so builds stay
incremental. Any error in the inputs stops the generator with a
"file:line: message" and exit status 1. Python 3 standard library only.

Syscall files (tracer/syscalls/<abi>.in)
----------------------------------------
'#' starts a comment; blank lines are ignored. Each other line is

    NR  NAME  CLASSES  RET  [ARG ...]

NR       the syscall number (decimal); unique in the file.
NAME     the syscall name as the kernel headers spell it (__NR_<NAME>);
         unique in the file.
CLASSES  strace trace classes joined by ',' (file ipc network process
         signal desc memory stat lstat fstat statfs fstatfs creds clock
         pure), or '-' for none.
RET      how a successful result is shown: int fd hex none octal.
ARG      [DIR]NAME:KIND[:CTYPE], at most six, in register order.
         DIR is empty (input: read at syscall entry), '>' (output: read at
         syscall exit) or '<>' (both). NAME is the argument's name as in the
         man page prototype. KIND is one of
             int long uint ulong hex octal fd dirfd path str ptr argv envp
             signal fdpair uid (a uid_t or gid_t: unsigned, -1 shown as -1)
             buf(LEN)       LEN is another argument's name, or 'ret' for the
                            syscall's result (bytes actually transferred)
             flags(FAMILY)  FAMILY is an xlat family (tracer/xlat/FAMILY.in)
             enum(FAMILY)
             struct(NAME)   a C struct decoded by name (stat, sigaction, ...)
         CTYPE is the argument's C type in the kernel's prototype, for the
         kinds that do not say it (hex octal flags enum: unsigned long when
         not given): int uint long ulong s32 u32 u64 umode_t pid_t uid_t gid_t
         old_uid_t old_gid_t clockid_t timer_t key_serial_t mqd_t qid_t rwf_t
         size_t off_t. The kernel reads only that many low bits of the
         register (16 for umode_t, 32 for int; long is 32 bits on i386), and
         syspect decodes, shows and matches the argument as the kernel read
         it. int uint long ulong fd dirfd signal uid have the C type of their
         name (fd, dirfd and signal: int; uid: uid_t); a CTYPE given to them
         must agree.

Xlat files (tracer/xlat/<family>.in)
------------------------------------
The file's stem is the family name. Header lines come first:

    #kind flags|enum     required
    #mask VALUE          flags only: a field of the value that holds an enum
                         (O_ACCMODE for open flags). Entries whose value lies
                         within the mask are matched against (v & mask) and
                         printed first.
    #unknown hex [TEXT]  enum: unknown values print in hex, with TEXT
                         ("KCMP_???", else the first name's prefix) in a
                         comment; flags: a value with no named bit prints
                         in hex with TEXT (required) in a comment
    #header <file.h>     headers that define the names, for check_xlat.cpp
                         (may repeat); a family without one is checked only
                         for its internal consistency
    #define NAME [VAL]   a macro to define before the headers (_GNU_SOURCE)
    #enumerators         the headers declare the names as enumerators, not
                         macros (glibc's idtype_t, __ptrace_request): they are
                         checked without '#ifdef', except those marked '?'
    #copy FAMILY         the entries of another family, in its order, at this
                         point (clone's flags: the signals in the #mask field
                         of the exit signal, then clone_flags); they are
                         checked against that family's headers

Then one constant per line, in printing order:

    NAME VALUE [?|!]

VALUE is C notation (0x1f, 0644, 12, -100) or the name of an earlier entry
of the family (an alias: accepted by xlat_value, never printed). The optional
third field relaxes the header check: '?' means the name may be missing from
the installed headers (checked when present); '!' means the headers' value
differs on purpose (O_LARGEFILE is 0 in x86_64 glibc but the kernel's bit is
0100000) and is not checked. Any other line starting with '#' is a comment.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field

ABIS = ("x86_64", "i386")

CLASSES = {
    "file": "kClassFile",
    "ipc": "kClassIpc",
    "network": "kClassNetwork",
    "process": "kClassProcess",
    "signal": "kClassSignal",
    "desc": "kClassDesc",
    "memory": "kClassMemory",
    "stat": "kClassStat",
    "lstat": "kClassLstat",
    "fstat": "kClassFstat",
    "statfs": "kClassStatfs",
    "fstatfs": "kClassFstatfs",
    "creds": "kClassCreds",
    "clock": "kClassClock",
    "pure": "kClassPure",
}

RET_KINDS = {"int": "Int", "fd": "Fd", "hex": "Hex", "none": "None", "octal": "Octal"}

SIMPLE_KINDS = {
    "int": "Int",
    "long": "Long",
    "uint": "Uint",
    "ulong": "Ulong",
    "hex": "Hex",
    "octal": "Octal",
    "fd": "Fd",
    "dirfd": "DirFd",
    "path": "Path",
    "str": "Str",
    "ptr": "Ptr",
    "argv": "Argv",
    "envp": "Envp",
    "signal": "Signal",
    "fdpair": "FdPair",
    "uid": "Uid",
}
PARAM_KINDS = {"buf": "Buf", "flags": "Flags", "enum": "Enum", "struct": "Struct"}

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
ARG_RE = re.compile(r"(<>|>)?([A-Za-z_][A-Za-z0-9_]*):([a-z0-9_]+)(?:\(([A-Za-z0-9_]+)\))?(?::([a-z0-9_]+))?\Z")

# C types an argument may name after its kind: (bits on x86_64, bits on
# i386, signed). The kernel reads only these bits of the register.
CTYPES = {
    "int": (32, 32, True),
    "uint": (32, 32, False),
    "long": (64, 32, True),
    "ulong": (64, 32, False),
    "s32": (32, 32, True),
    "u32": (32, 32, False),
    "u64": (64, 64, False),
    "umode_t": (16, 16, False),
    "pid_t": (32, 32, True),
    "uid_t": (32, 32, False),
    "gid_t": (32, 32, False),
    "old_uid_t": (16, 16, False),
    "old_gid_t": (16, 16, False),
    "clockid_t": (32, 32, True),
    "timer_t": (32, 32, True),
    "key_serial_t": (32, 32, True),
    "mqd_t": (32, 32, True),
    "qid_t": (32, 32, False),
    "rwf_t": (32, 32, True),
    "size_t": (64, 32, False),
    "off_t": (64, 32, True),
    "ptr": (64, 32, False),
}

# The C type of a kind that does not name one.
DEFAULT_CTYPES = {
    "Int": "int", "Uint": "uint", "Long": "long", "Ulong": "ulong",
    "Fd": "int", "DirFd": "int", "Signal": "int", "Uid": "uid_t",
    "Hex": "ulong", "Octal": "ulong", "Flags": "ulong", "Enum": "ulong",
}
# Kinds whose C type is fixed by the kind: an explicit one must agree.
DECIMAL_KINDS = ("Int", "Uint", "Long", "Ulong", "Fd", "DirFd", "Signal", "Uid")
NUMBER_KINDS = DECIMAL_KINDS + ("Hex", "Octal", "Flags", "Enum")


class InputError(Exception):
    pass


def fail(path: str, line: int, msg: str) -> None:
    raise InputError(f"{path}:{line}: {msg}")


@dataclass
class Arg:
    name: str
    kind: str          # ArgKind enumerator
    dir: str           # ArgDir enumerator
    param: str | None  # Buf: len arg name / 'ret'; Flags/Enum: family; Struct: name
    len_index: int = -1
    bits: int = 64     # of the C type, for this ABI
    signed: bool = False


@dataclass
class Syscall:
    nr: int
    name: str
    classes: list[str]
    ret: str
    args: list[Arg]
    line: int


@dataclass
class XlatEntry:
    name: str
    value: int
    alias_of: str | None
    check: str  # "" (must be in headers), "?" (if present), "!" (never)
    line: int


@dataclass
class Family:
    name: str
    path: str
    kind: str = ""
    mask: int = 0
    unknown_hex: bool = False
    unknown: str = ""
    headers: list[str] = field(default_factory=list)
    defines: list[tuple[str, str]] = field(default_factory=list)
    enumerators: bool = False
    entries: list[XlatEntry] = field(default_factory=list)
    # #copy: (index in entries to insert at, family name, line)
    copies: list[tuple[int, str, int]] = field(default_factory=list)


def parse_int(text: str) -> int:
    neg = text.startswith("-")
    body = text[1:] if neg else text
    if re.fullmatch(r"0[xX][0-9a-fA-F]+", body):
        v = int(body, 16)
    elif re.fullmatch(r"0[0-7]*", body):
        v = int(body, 8)
    elif re.fullmatch(r"[1-9][0-9]*", body):
        v = int(body, 10)
    else:
        raise ValueError(text)
    return -v if neg else v


# --------------------------------------------------------------------------
# Parsing


def parse_xlat(path: str) -> Family:
    stem = os.path.splitext(os.path.basename(path))[0]
    if not IDENT.match(stem):
        fail(path, 1, f"family name {stem!r} is not an identifier")
    fam = Family(name=stem, path=path)
    by_name: dict[str, XlatEntry] = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for ln, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            words = line[1:].split()
            if not words:
                continue
            key = words[0]
            if key == "kind":
                if len(words) != 2 or words[1] not in ("flags", "enum"):
                    fail(path, ln, "expected '#kind flags' or '#kind enum'")
                if fam.kind:
                    fail(path, ln, "duplicate #kind")
                if fam.entries:
                    fail(path, ln, "#kind must come before the entries")
                fam.kind = words[1]
            elif key == "mask":
                if len(words) != 2:
                    fail(path, ln, "expected '#mask VALUE'")
                try:
                    fam.mask = parse_int(words[1])
                except ValueError:
                    fail(path, ln, f"bad mask {words[1]!r}")
            elif key == "unknown":
                if len(words) not in (2, 3) or words[1] not in ("hex", "dec"):
                    fail(path, ln, "expected '#unknown hex [PREFIX_???]' or '#unknown dec'")
                fam.unknown_hex = words[1] == "hex"
                if len(words) == 3:
                    if not re.fullmatch(r"[A-Z0-9_]*\?\?\?[A-Z0-9_]*", words[2]):
                        fail(path, ln, f"bad unknown text {words[2]!r}: expected like PREFIX_???")
                    fam.unknown = words[2]
            elif key == "header":
                if len(words) != 2 or not re.fullmatch(r"<[A-Za-z0-9_/.+-]+>", words[1]):
                    fail(path, ln, "expected '#header <file.h>'")
                fam.headers.append(words[1])
            elif key == "enumerators":
                if len(words) != 1:
                    fail(path, ln, "expected '#enumerators'")
                fam.enumerators = True
            elif key == "copy":
                if len(words) != 2 or not IDENT.match(words[1]):
                    fail(path, ln, "expected '#copy FAMILY'")
                if not fam.kind:
                    fail(path, ln, "#copy must come after #kind")
                fam.copies.append((len(fam.entries), words[1], ln))
            elif key == "define":
                if len(words) not in (2, 3) or not IDENT.match(words[1]):
                    fail(path, ln, "expected '#define NAME [VALUE]'")
                fam.defines.append((words[1], words[2] if len(words) == 3 else ""))
            # anything else after '#' is a comment
            continue
        if not fam.kind:
            fail(path, ln, "entries before '#kind flags|enum'")
        words = line.split()
        if len(words) not in (2, 3):
            fail(path, ln, "expected 'NAME VALUE [?|!]'")
        name, vtext = words[0], words[1]
        check = words[2] if len(words) == 3 else ""
        if check not in ("", "?", "!"):
            fail(path, ln, f"bad check marker {check!r} (expected '?' or '!')")
        if not IDENT.match(name):
            fail(path, ln, f"bad constant name {name!r}")
        if name in by_name:
            fail(path, ln, f"duplicate name {name} (first at line {by_name[name].line})")
        alias_of = None
        if IDENT.match(vtext):
            if vtext not in by_name:
                fail(path, ln, f"alias {name} refers to unknown entry {vtext}")
            target = by_name[vtext]
            while target.alias_of is not None:
                target = by_name[target.alias_of]
            alias_of = target.name
            value = target.value
        else:
            try:
                value = parse_int(vtext)
            except ValueError:
                fail(path, ln, f"bad value {vtext!r}")
            if value < -(1 << 63) or value >= (1 << 64):
                fail(path, ln, f"value {vtext} does not fit 64 bits")
            if value < 0:
                value &= (1 << 64) - 1
        e = XlatEntry(name, value, alias_of, check, ln)
        by_name[name] = e
        fam.entries.append(e)
    if not fam.kind:
        fail(path, 1, "missing '#kind flags|enum'")
    if fam.mask and fam.kind != "flags":
        fail(path, 1, "#mask is only for flags families")
    if fam.kind == "flags" and fam.unknown_hex and not fam.unknown:
        fail(path, 1, "a flags family's #unknown names its text: '#unknown hex PREFIX_???'")
    if not fam.entries and not fam.copies:
        fail(path, 1, "family has no entries")
    if fam.enumerators and not fam.headers:
        fail(path, 1, "#enumerators needs a #header")
    if not fam.copies:
        check_values(fam)
    return fam


def resolve_copies(families: dict[str, Family]) -> None:
    """Puts the entries each #copy names where it stands, then checks the
    family as if they had been written there."""
    for fam in families.values():
        if not fam.copies:
            continue
        entries: list[XlatEntry] = []
        at = 0
        for index, name, ln in fam.copies:
            src = families.get(name)
            if src is None or src is fam:
                fail(fam.path, ln, f"#copy of unknown family {name!r}")
            if src.copies:
                fail(fam.path, ln, f"#copy of {name}, which itself copies")
            entries += fam.entries[at:index]
            at = index
            for e in src.entries:
                entries.append(XlatEntry(e.name, e.value, e.alias_of, "!" if not src.headers else e.check, ln))
            for h in src.headers:
                if h not in fam.headers:
                    fam.headers.append(h)
            for d in src.defines:
                if d not in fam.defines:
                    fam.defines.append(d)
        entries += fam.entries[at:]
        seen: dict[str, XlatEntry] = {}
        for e in entries:
            if e.name in seen:
                fail(fam.path, e.line, f"duplicate name {e.name} (first at line {seen[e.name].line})")
            seen[e.name] = e
        fam.entries = entries
        fam.copies = []
        check_values(fam)


def check_values(fam: Family) -> None:
    path = fam.path
    if fam.kind == "enum":
        seen: dict[int, XlatEntry] = {}
        for e in fam.entries:
            if e.alias_of is None and e.value in seen:
                fail(path, e.line, f"{e.name} repeats the value of {seen[e.value].name}; "
                     f"write '{e.name} {seen[e.value].name}' to make it an alias")
            seen.setdefault(e.value, e)
    else:
        zeros = [e for e in fam.entries if e.value == 0 and e.alias_of is None]
        if fam.mask == 0 and len(zeros) > 1:
            fail(path, zeros[1].line, "a flags family may name 0 only once")


def parse_kind(path: str, ln: int, text: str, families: dict[str, Family]) -> tuple[str, str | None]:
    m = re.fullmatch(r"([a-z0-9_]+)(?:\(([A-Za-z0-9_]+)\))?", text)
    if not m:
        fail(path, ln, f"bad kind {text!r}")
    base, param = m.group(1), m.group(2)
    if base in SIMPLE_KINDS:
        if param is not None:
            fail(path, ln, f"kind {base} takes no parameter")
        return SIMPLE_KINDS[base], None
    if base in PARAM_KINDS:
        if param is None:
            fail(path, ln, f"kind {base} needs a parameter: {base}(...)")
        kind = PARAM_KINDS[base]
        if kind in ("Flags", "Enum"):
            fam = families.get(param)
            if fam is None:
                fail(path, ln, f"unknown xlat family {param!r}")
            want = "flags" if kind == "Flags" else "enum"
            if fam.kind != want:
                fail(path, ln, f"family {param} is '{fam.kind}', used as {base}()")
        return kind, param
    fail(path, ln, f"unknown kind {base!r}")
    raise AssertionError


def arg_ctype(path: str, ln: int, abi: str, aname: str, kind: str, ctype: str | None) -> tuple[int, bool]:
    """The bits the kernel reads of an argument, and whether its C type is signed."""
    default = DEFAULT_CTYPES.get(kind, "ptr")
    if ctype is None:
        ctype = default
    elif ctype not in CTYPES:
        fail(path, ln, f"argument {aname}: unknown C type {ctype!r} "
             f"(expected one of {', '.join(CTYPES)})")
    elif kind not in NUMBER_KINDS:
        fail(path, ln, f"argument {aname}: a C type is given only to numbers, not to kind {kind.lower()}")
    x64, x86, signed = CTYPES[ctype]
    bits = x64 if abi == "x86_64" else x86
    if kind in DECIMAL_KINDS:
        d64, d86, dsigned = CTYPES[default]
        if (bits, signed) != (d64 if abi == "x86_64" else d86, dsigned):
            fail(path, ln, f"argument {aname}: kind {kind.lower()} means C type {default}, "
                 f"not {ctype}; give it the kind of its C type")
    return bits, signed


def parse_syscalls(path: str, families: dict[str, Family]) -> list[Syscall]:
    abi = os.path.splitext(os.path.basename(path))[0]
    out: list[Syscall] = []
    by_nr: dict[int, Syscall] = {}
    by_name: dict[str, Syscall] = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for ln, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if len(words) < 4:
            fail(path, ln, "expected 'NR NAME CLASSES RET [ARG ...]'")
        nr_text, name, cls_text, ret_text = words[:4]
        if not re.fullmatch(r"[0-9]+", nr_text):
            fail(path, ln, f"bad syscall number {nr_text!r}")
        nr = int(nr_text)
        if nr > 32767:
            fail(path, ln, f"syscall number {nr} out of range")
        if not IDENT.match(name):
            fail(path, ln, f"bad syscall name {name!r}")
        if nr in by_nr:
            fail(path, ln, f"duplicate number {nr} (also {by_nr[nr].name} at line {by_nr[nr].line})")
        if name in by_name:
            fail(path, ln, f"duplicate name {name} (first at line {by_name[name].line})")
        classes: list[str] = []
        if cls_text != "-":
            for c in cls_text.split(","):
                if c not in CLASSES:
                    fail(path, ln, f"unknown trace class {c!r}")
                if c in classes:
                    fail(path, ln, f"trace class {c} given twice")
                classes.append(c)
        if ret_text not in RET_KINDS:
            fail(path, ln, f"unknown return kind {ret_text!r} (expected one of {', '.join(RET_KINDS)})")
        args: list[Arg] = []
        for a in words[4:]:
            m = ARG_RE.match(a)
            if not m:
                fail(path, ln, f"bad argument {a!r} (expected [>|<>]name:kind)")
            d = {None: "In", ">": "Out", "<>": "InOut"}[m.group(1)]
            aname = m.group(2)
            ktext = m.group(3) + (f"({m.group(4)})" if m.group(4) is not None else "")
            kind, param = parse_kind(path, ln, ktext, families)
            if any(x.name == aname for x in args):
                fail(path, ln, f"duplicate argument name {aname}")
            bits, signed = arg_ctype(path, ln, abi, aname, kind, m.group(5))
            args.append(Arg(aname, kind, d, param, -1, bits, signed))
        if len(args) > 6:
            fail(path, ln, f"{name} has {len(args)} arguments; at most 6")
        for a in args:
            if a.kind == "Buf":
                if a.param == "ret":
                    a.len_index = -2
                else:
                    idx = next((i for i, x in enumerate(args) if x.name == a.param), None)
                    if idx is None:
                        fail(path, ln, f"buf({a.param}) of {a.name}: {name} has no argument {a.param!r}")
                    if args[idx] is a:
                        fail(path, ln, f"buf({a.param}) of {a.name} refers to itself")
                    a.len_index = idx
        sc = Syscall(nr, name, classes, RET_KINDS[ret_text], args, ln)
        by_nr[nr] = sc
        by_name[name] = sc
        out.append(sc)
    if not out:
        fail(path, 1, "no syscalls")
    out.sort(key=lambda s: s.nr)
    return out


# --------------------------------------------------------------------------
# Emitting

HEADER = "// Generated by tracer/gen/gen_tables.py from {src}. Do not edit.\n"


def cstr(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hexval(v: int) -> str:
    return f"0x{v:x}ULL" if v > 9 else f"{v}ULL"


def family_var(name: str) -> str:
    return f"kXlat_{name}"


def emit_families_hpp(families: list[Family]) -> str:
    o = [HEADER.format(src="tracer/syscalls/*.in and tracer/xlat/*.in")]
    o.append("#pragma once\n\n#include <cstddef>\n#include <cstdint>\n#include <span>\n\n")
    o.append('#include "syspect/syscall_table.hpp"\n#include "syspect/xlat.hpp"\n\n')
    o.append("namespace syspect::gen {\n\n")
    o.append("// Every constant family, one per tracer/xlat/*.in.\n")
    for fam in families:
        o.append(f"extern const Xlat {family_var(fam.name)};\n")
    o.append("\n// All families, sorted by name.\n")
    o.append("extern const std::span<const Xlat* const> kAllXlats;\n\n")
    o.append("// The syscall tables of one ABI.\n")
    o.append("struct AbiTables {\n")
    o.append("  std::span<const SyscallDesc> table;      // sorted by number\n")
    o.append("  std::span<const std::int16_t> by_nr;     // number -> index in table, or -1\n")
    o.append("  std::span<const std::uint16_t> by_name;  // indexes in table, sorted by name\n")
    o.append("};\n\n")
    for abi in ABIS:
        o.append(f"extern const AbiTables kTables_{abi};\n")
    o.append("\n}  // namespace syspect::gen\n")
    return "".join(o)


def emit_xlat_cpp(families: list[Family]) -> str:
    o = [HEADER.format(src="tracer/xlat/*.in")]
    o.append('#include "xlat_families.hpp"\n\nnamespace syspect::gen {\nnamespace {\n\n')
    for fam in families:
        o.append(f"constexpr XlatEntry k{fam.name}_entries[] = {{\n")
        for e in fam.entries:
            note = f"  // alias of {e.alias_of}" if e.alias_of else ""
            o.append(f"    {{{hexval(e.value)}, {cstr(e.name)}}},{note}\n")
        o.append("};\n\n")
    o.append("}  // namespace\n\n")
    for fam in families:
        kind = "XlatKind::Flags" if fam.kind == "flags" else "XlatKind::Enum"
        o.append(f"const Xlat {family_var(fam.name)} = {{{cstr(fam.name)}, {kind}, "
                 f"{hexval(fam.mask)}, {'true' if fam.unknown_hex else 'false'}, "
                 f"k{fam.name}_entries, {cstr(fam.unknown) if fam.unknown else 'nullptr'}}};\n")
    o.append("\nnamespace {\nconstexpr const Xlat* kAllXlatsArray[] = {\n")
    for fam in families:
        o.append(f"    &{family_var(fam.name)},\n")
    o.append("};\n}  // namespace\n\n")
    o.append("const std::span<const Xlat* const> kAllXlats{kAllXlatsArray};\n\n")
    o.append("}  // namespace syspect::gen\n")
    return "".join(o)


def emit_arg(a: Arg) -> str:
    xl = f"&{family_var(a.param)}" if a.kind in ("Flags", "Enum") else "nullptr"
    sn = cstr(a.param) if a.kind == "Struct" else "nullptr"
    return (f"{{{cstr(a.name)}, ArgKind::{a.kind}, ArgDir::{a.dir}, "
            f"{a.len_index}, {xl}, {sn}, {a.bits}, {'true' if a.signed else 'false'}}}")


def emit_syscalls_cpp(tables: dict[str, list[Syscall]]) -> str:
    o = [HEADER.format(src="tracer/syscalls/*.in")]
    o.append('#include "syscall_ids.hpp"\n#include "xlat_families.hpp"\n\n'
             'namespace syspect::gen {\nnamespace {\n\n')
    for abi, calls in tables.items():
        o.append(f"// {abi}: {len(calls)} syscalls\n")
        o.append(f"constexpr SyscallDesc k{abi}_table[] = {{\n")
        for sc in calls:
            cls = "|".join(CLASSES[c] for c in sc.classes) or "0"
            args = ", ".join(emit_arg(a) for a in sc.args)
            o.append(f"    {{{sc.nr}, {cstr(sc.name)}, {cls}, RetKind::{sc.ret}, "
                     f"{len(sc.args)}, {{{args}}}, SysId::{sys_id(sc.name)}}},\n")
        o.append("};\n\n")
        top = calls[-1].nr + 1
        index = [-1] * top
        for i, sc in enumerate(calls):
            index[sc.nr] = i
        o.append(f"constexpr std::int16_t k{abi}_by_nr[] = {{\n")
        for start in range(0, top, 16):
            o.append("    " + ", ".join(str(x) for x in index[start:start + 16]) + ",\n")
        o.append("};\n\n")
        order = sorted(range(len(calls)), key=lambda i: calls[i].name)
        o.append(f"constexpr std::uint16_t k{abi}_by_name[] = {{\n")
        for start in range(0, len(order), 16):
            o.append("    " + ", ".join(str(x) for x in order[start:start + 16]) + ",\n")
        o.append("};\n\n")
    o.append("}  // namespace\n\n")
    for abi in tables:
        o.append(f"const AbiTables kTables_{abi} = {{k{abi}_table, k{abi}_by_nr, k{abi}_by_name}};\n")
    o.append("\n}  // namespace syspect::gen\n")
    return "".join(o)


CPP_KEYWORDS = {"and", "break", "case", "class", "default", "delete", "new", "not", "or",
                "register", "return", "switch", "template", "union", "xor"}


def sys_id(name: str) -> str:
    """The SysId enumerator of a syscall name (a C++ keyword gets a '_')."""
    return name + "_" if name in CPP_KEYWORDS else name


def emit_ids_hpp(tables: dict[str, list[Syscall]]) -> str:
    names: list[str] = []
    seen: set[str] = set()
    for calls in tables.values():
        for sc in sorted(calls, key=lambda c: c.name):
            if sc.name not in seen:
                seen.add(sc.name)
                names.append(sc.name)
    names.sort()
    o = [HEADER.format(src="tracer/syscalls/*.in")]
    o.append("// One identifier per syscall name, the same on every ABI: code that\n"
             "// singles out a call compares SyscallDesc::id with these, so that a\n"
             "// misspelled name does not compile. Not installed: for syspect's own\n"
             "// sources only.\n#pragma once\n\n#include <cstdint>\n\n"
             "#include \"syspect/syscall_table.hpp\"\n\nnamespace syspect {\n\n"
             "enum class SysId : std::uint16_t {\n  unknown = 0,\n")
    for n in names:
        o.append(f"  {sys_id(n)},\n")
    o.append("};\n\n"
             "// Whether `desc` (nullptr for an unknown number) is the call `id`.\n"
             "inline bool is(const SyscallDesc* desc, SysId id) {\n"
             "  return desc != nullptr && desc->id == id;\n}\n\n"
             "}  // namespace syspect\n")
    return "".join(o)


def emit_check_syscalls(abi: str, calls: list[Syscall]) -> str:
    hdr = {"x86_64": "unistd_64.h", "i386": "unistd_32.h"}[abi]
    macro = "SYSPECT_UNISTD_" + ("64" if abi == "x86_64" else "32") + "_H"
    o = [HEADER.format(src=f"tracer/syscalls/{abi}.in")]
    o.append(f"// Checks the {abi} syscall table against the kernel's <asm/{hdr}>.\n\n")
    o.append("// The header comes first and its values are captured before any other\n"
             "// header can pull in the other ABI's numbers under the same macro names.\n")
    o.append(f"#include <asm/{hdr}>\n\n")
    o.append("namespace {\n\n")
    o.append("// Compile time: every entry whose __NR_ macro exists has its number.\n")
    for sc in calls:
        o.append(f"#ifdef __NR_{sc.name}\nstatic_assert(__NR_{sc.name} == {sc.nr}, "
                 f"\"{abi}: {sc.name} is not {sc.nr}\");\n#endif\n")
    o.append("\nstruct Expected {\n  const char* name;\n  long header_nr;  // -1: not in the header\n"
             "  long table_nr;\n};\n\n")
    o.append("constexpr Expected kExpected[] = {\n")
    for sc in calls:
        o.append(f"#ifdef __NR_{sc.name}\n    {{\"{sc.name}\", __NR_{sc.name}, {sc.nr}}},\n"
                 f"#else\n    {{\"{sc.name}\", -1, {sc.nr}}},\n#endif\n")
    o.append("};\n\n}  // namespace\n\n")
    o.append("#include <gtest/gtest.h>\n\n#include <fstream>\n#include <iterator>\n#include <map>\n"
             "#include <regex>\n#include <string>\n#include <vector>\n\n")
    o.append('#include "syspect/syscall_table.hpp"\n\n')
    o.append("namespace {\n\nusing syspect::Abi;\n\n")
    o.append(f"TEST(SyscallTable_{abi}, NumbersMatchHeaderMacros) {{\n")
    o.append("  std::size_t in_header = 0;\n")
    o.append("  for (const auto& e : kExpected) {\n")
    o.append("    if (e.header_nr < 0) {\n      continue;\n    }\n    ++in_header;\n")
    o.append("    EXPECT_EQ(e.header_nr, e.table_nr) << e.name;\n")
    o.append(f"    const auto* d = syspect::find_syscall(Abi::{abi}, e.name);\n")
    o.append("    ASSERT_NE(d, nullptr) << e.name;\n    EXPECT_EQ(d->nr, e.header_nr) << e.name;\n")
    o.append(f"    const auto* n = syspect::lookup_syscall(Abi::{abi}, e.header_nr);\n")
    o.append("    ASSERT_NE(n, nullptr) << e.name;\n    EXPECT_STREQ(n->name, e.name);\n  }\n")
    o.append("  EXPECT_GT(in_header, 300u);\n}\n\n")
    o.append(f"TEST(SyscallTable_{abi}, TableMatchesGenerated) {{\n")
    o.append(f"  auto table = syspect::syscall_table(Abi::{abi});\n")
    o.append("  ASSERT_EQ(table.size(), std::size(kExpected));\n")
    o.append("  for (std::size_t i = 0; i < table.size(); ++i) {\n")
    o.append("    EXPECT_STREQ(table[i].name, kExpected[i].name);\n")
    o.append("    EXPECT_EQ(table[i].nr, kExpected[i].table_nr);\n")
    o.append("    if (i > 0) {\n      EXPECT_LT(table[i - 1].nr, table[i].nr);\n    }\n  }\n}\n\n")
    o.append(f"// The header's path: {macro} when the build found it, else the usual places.\n")
    o.append("std::string header_path() {\n  std::vector<std::string> candidates;\n")
    o.append(f"#ifdef {macro}\n  candidates.push_back({macro});\n#endif\n")
    for d in ("/usr/include/x86_64-linux-gnu/asm", "/usr/include/asm", "/usr/include/asm-x86"):
        o.append(f"  candidates.push_back(\"{d}/{hdr}\");\n")
    o.append("  for (const auto& c : candidates) {\n    std::ifstream f(c);\n    if (f) {\n      return c;\n"
             "    }\n  }\n  return {};\n}\n\n")
    o.append(f"TEST(SyscallTable_{abi}, EverySyscallInHeaderIsInTable) {{\n")
    o.append("  const std::string path = header_path();\n")
    o.append(f"  ASSERT_FALSE(path.empty()) << \"cannot find asm/{hdr}\";\n")
    o.append("  std::ifstream f(path);\n  ASSERT_TRUE(f) << path;\n")
    o.append("  const std::regex re(R\"(^#define\\s+__NR_([A-Za-z0-9_]+)\\s+([0-9]+)\\s*$)\");\n")
    o.append("  std::map<std::string, long> from_header;\n  std::string line;\n")
    o.append("  while (std::getline(f, line)) {\n    std::smatch m;\n")
    o.append("    if (std::regex_match(line, m, re)) {\n      from_header[m[1].str()] = std::stol(m[2].str());\n"
             "    }\n  }\n")
    o.append("  EXPECT_GT(from_header.size(), 300u) << path;\n")
    o.append("  for (const auto& [name, nr] : from_header) {\n")
    o.append(f"    const auto* d = syspect::find_syscall(Abi::{abi}, name);\n")
    o.append("    ASSERT_NE(d, nullptr) << name << \" (\" << nr << \") is missing from the table\";\n")
    o.append("    EXPECT_EQ(d->nr, nr) << name;\n  }\n")
    o.append("  // And nothing in the table is absent from the header.\n")
    o.append(f"  for (const auto& d : syspect::syscall_table(Abi::{abi})) {{\n")
    o.append("    EXPECT_TRUE(from_header.count(d.name)) << d.name << \" is not in \" << path;\n  }\n}\n\n")
    o.append("}  // namespace\n")
    return "".join(o)


def header_value(e: XlatEntry) -> str:
    # A header's value as the .in file states it: values that fit 32 bits are
    # compared as 32 bits (glibc's MS_NOUSER is the negative int 1 << 31);
    # negative ones (stored as 64-bit two's complement) as 64 bits.
    if e.value < (1 << 32):
        return f"static_cast<std::uint64_t>(static_cast<std::uint32_t>({e.name}))"
    return f"static_cast<std::uint64_t>({e.name})"


def emit_check_xlat(families: list[Family]) -> str:
    o = [HEADER.format(src="tracer/xlat/*.in")]
    o.append("// Checks every constant against the definitions in the system headers.\n\n")
    defines: dict[str, str] = {}
    for fam in families:
        for n, v in fam.defines:
            defines.setdefault(n, v)
    for n, v in sorted(defines.items()):
        o.append(f"#ifndef {n}\n#define {n} {v}\n#endif\n".replace(f"#define {n} \n", f"#define {n}\n"))
    headers: list[str] = []
    for fam in families:
        for h in fam.headers:
            if h not in headers:
                headers.append(h)
    o.append("\n")
    for h in headers:
        o.append(f"#include {h}\n")
    o.append("\n#include <gtest/gtest.h>\n\n#include <cstdint>\n#include <string>\n\n")
    o.append('#include "syspect/xlat.hpp"\n\nnamespace {\n\n')
    o.append("struct Checked {\n  const char* name;\n  std::uint64_t value;  // as in the .in file\n"
             "  bool in_header;\n  std::uint64_t header_value;\n  char marker;  // ' ', '?' or '!'\n};\n\n")
    for fam in families:
        o.append(f"// {fam.name}\n")
        checkable = bool(fam.headers)
        for e in fam.entries:
            if not checkable or e.check == "!":
                continue
            if fam.enumerators:
                if e.check == "":
                    o.append(f"static_assert({header_value(e)} == {hexval(e.value)}, \"{fam.name}: {e.name}\");\n")
                continue
            o.append(f"#ifdef {e.name}\nstatic_assert({header_value(e)} == {hexval(e.value)}, "
                     f"\"{fam.name}: {e.name}\");\n#endif\n")
        o.append(f"const Checked k{fam.name}_checked[] = {{\n")
        for e in fam.entries:
            marker = e.check or " "
            if fam.enumerators and e.check == "":
                o.append(f"    {{\"{e.name}\", {hexval(e.value)}, true, {header_value(e)}, ' '}},\n")
            elif fam.enumerators:
                o.append(f"    {{\"{e.name}\", {hexval(e.value)}, false, 0, '{marker}'}},\n")
            elif checkable and e.check != "!":
                o.append(f"#ifdef {e.name}\n    {{\"{e.name}\", {hexval(e.value)}, true, "
                         f"{header_value(e)}, '{marker}'}},\n#else\n"
                         f"    {{\"{e.name}\", {hexval(e.value)}, false, 0, '{marker}'}},\n#endif\n")
            else:
                o.append(f"    {{\"{e.name}\", {hexval(e.value)}, false, 0, '!'}},\n")
        o.append("};\n\n")
    o.append("void check_family(const char* family, const Checked* begin, const Checked* end, bool has_headers) {\n")
    o.append("  const syspect::Xlat* x = syspect::find_xlat(family);\n")
    o.append("  ASSERT_NE(x, nullptr) << family;\n")
    o.append("  ASSERT_EQ(x->entries.size(), static_cast<std::size_t>(end - begin)) << family;\n")
    o.append("  std::size_t found = 0;\n")
    o.append("  for (const Checked* c = begin; c != end; ++c) {\n")
    o.append("    const auto& e = x->entries[static_cast<std::size_t>(c - begin)];\n")
    o.append("    EXPECT_STREQ(e.name, c->name) << family;\n")
    o.append("    EXPECT_EQ(e.value, c->value) << family << \": \" << c->name;\n")
    o.append("    auto v = syspect::xlat_value(*x, c->name);\n")
    o.append("    ASSERT_TRUE(v.has_value()) << family << \": \" << c->name;\n")
    o.append("    EXPECT_EQ(*v, c->value) << family << \": \" << c->name;\n")
    o.append("    if (c->in_header) {\n      ++found;\n")
    o.append("      EXPECT_EQ(c->header_value, c->value) << family << \": \" << c->name;\n")
    o.append("    } else if (has_headers && c->marker == ' ') {\n")
    o.append("      ADD_FAILURE() << family << \": \" << c->name << \" is not defined by the headers \"\n"
             "                       \"(mark it '?' in the .in file if that is expected)\";\n    }\n  }\n")
    o.append("  if (has_headers) {\n    EXPECT_GT(found, 0u) << family << \": nothing checked against the headers\";\n  }\n}\n\n")
    for fam in families:
        o.append(f"TEST(XlatHeaders, {fam.name}) {{\n  check_family(\"{fam.name}\", std::begin(k{fam.name}_checked), "
                 f"std::end(k{fam.name}_checked), {'true' if fam.headers else 'false'});\n}}\n\n")
    o.append("}  // namespace\n")
    return "".join(o)


def write_if_changed(path: str, content: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == content:
                return
    except FileNotFoundError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--syscalls", required=True, help="directory of <abi>.in files")
    ap.add_argument("--xlat", required=True, help="directory of <family>.in files")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args(argv)
    try:
        if not os.path.isdir(args.xlat):
            raise InputError(f"{args.xlat}: not a directory")
        fams: dict[str, Family] = {}
        for fn in sorted(os.listdir(args.xlat)):
            if fn.endswith(".in"):
                fam = parse_xlat(os.path.join(args.xlat, fn))
                fams[fam.name] = fam
        resolve_copies(fams)
        families = [fams[k] for k in sorted(fams)]
        tables: dict[str, list[Syscall]] = {}
        for abi in ABIS:
            path = os.path.join(args.syscalls, f"{abi}.in")
            if not os.path.isfile(path):
                raise InputError(f"{path}: missing")
            tables[abi] = parse_syscalls(path, fams)
    except InputError as e:
        print(f"gen_tables.py: error: {e}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    outputs = {
        "xlat_families.hpp": emit_families_hpp(families),
        "xlat_tables.cpp": emit_xlat_cpp(families),
        "syscall_tables.cpp": emit_syscalls_cpp(tables),
        "syscall_ids.hpp": emit_ids_hpp(tables),
        "check_syscalls_x86_64.cpp": emit_check_syscalls("x86_64", tables["x86_64"]),
        "check_syscalls_i386.cpp": emit_check_syscalls("i386", tables["i386"]),
        "check_xlat.cpp": emit_check_xlat(families),
    }
    for name, content in outputs.items():
        write_if_changed(os.path.join(args.out, name), content)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
