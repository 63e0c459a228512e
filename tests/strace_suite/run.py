#!/usr/bin/env python3
"""strace 6.1's own decoder tests, run under syspect.

Each of strace's tests/NAME.c programs makes unusual calls (garbage in
unused register bits, invalid pointers, unknown flags, short buffers) and
prints on stdout the lines strace must show. For each test of --list this
script does what strace's tests/init.sh does for a test of gen_tests.in
(run_strace_match_diff): runs the program once alone, then under the tracer
with the test's options (and -e trace=NAME when they name no trace set), the
program's stdout being the expected text, and compares the two as match_diff
does, except for the -a alignment column (padding before " = " folded). It
does so under the installed strace and under syspect. A test's line is a
shell line in init.sh: its redirections ("9>>/dev/full", "</dev/null")
apply to every run, and its QUIRK: words are read as init.sh reads them.

    run.py --syspect BIN --dest DIR --list FILE [--min-rate PERCENT]

The source package comes from ci/strace_source.sh DEST (exit 77, skipped,
when it cannot be fetched). Prints one line per test and the share of the
tests strace passes that syspect passes; exits 1 below --min-rate.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_SCRIPT = os.path.join(HERE, "..", "..", "ci", "strace_source.sh")
SKIP = 77
MARKDOWN_HEADER = """# strace 6.1's decoder tests under syspect

Written by `tests/strace_suite/run.py --markdown` (see the README). A test passes when the
tracer's output is the program's expected text, as strace's `tests/init.sh` compares
them, with the padding before ` = ` folded. The last column is the first line where
syspect's output differs (`got`) from what the program expects (`want`), or why
syspect did not run it.

"""


def gen_tests(src):
    """The plain entries of tests/gen_tests.in: name -> options."""
    out = {}
    with open(os.path.join(src, "tests", "gen_tests.in")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            opts = parts[1].strip() if len(parts) > 1 else ""
            if opts and not opts.startswith("-"):
                continue  # a script of its own (+ioctl.test, test_trace_expr...)
            out[parts[0]] = opts
    return out


REDIRECTION = re.compile(r"\d*(>>|>|<)\S+")


def strace_args(name, opts):
    """The options as run_strace_match_diff gives them, the shell's
    redirections (gen_tests.in's "9>>/dev/full", applied by the shell to the
    program run alone and under the tracer), and its quirks: the text from
    which the log is compared (QUIRK:START-OF-TEST-OUTPUT:), the program's
    arguments (QUIRK:PROG-ARGS:)."""
    args, redirs, start, prog_args = [], [], None, []
    # init.sh's $NAME: the test's name (open's "-P $NAME.sample").
    for a in shlex.split(opts.replace("$NAME", name)):
        if REDIRECTION.fullmatch(a):
            redirs.append(a)
        elif a.startswith("QUIRK:START-OF-TEST-OUTPUT:"):
            start = a[len("QUIRK:START-OF-TEST-OUTPUT:"):]
        elif a.startswith("QUIRK:PROG-ARGS:"):
            prog_args += shlex.split(a[len("QUIRK:PROG-ARGS:"):])
        else:
            args.append(a)
    if not any(a.startswith(("-e trace=", "-etrace=", "--trace=")) or
               (a == "-e" and i + 1 < len(args) and args[i + 1].startswith("trace="))
               for i, a in enumerate(args)):
        args = ["-e", f"trace={name}"] + args
    return args, redirs, start, prog_args


def syspect_args(args):
    """strace's options in syspect's spelling; -a (the alignment column) is left out."""
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        if re.fullmatch(r"-a\d+", a):
            pass
        elif a == "-a":
            i += 1
        elif a.startswith("-etrace="):
            out += ["-e", a[2:]]
        elif a.startswith("--trace="):
            out += ["-e", "trace=" + a[len("--trace="):]]
        elif re.fullmatch(r"-s\d+", a):
            out += ["-s", a[2:]]
        elif a.startswith("-X") and len(a) > 2:
            out += ["-X", a[2:]]
        else:
            out.append(a)
        i += 1
    return out


def folded(text):
    return [re.sub(r"\)\s+= ", ") = ", line, count=1) for line in text.splitlines()]


def first_difference(got, want):
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "<none>"
        w = want[i] if i < len(want) else "<none>"
        if g != w:
            return f"line {i + 1}: got {g!r}, want {w!r}"
    return ""


def shell(cmd, redirs):
    """`cmd` run by the shell with gen_tests.in's redirections, as init.sh runs it."""
    return ["bash", "-c", " ".join(shlex.quote(c) for c in cmd) + "".join(" " + r for r in redirs)]


def run_one(tracer_cmd, prog, cwd, log, redirs, start):
    """The tracer's text and the program's expected text, or an error."""
    with open(os.path.join(cwd, "exp"), "w") as exp:
        try:
            p = subprocess.run(shell(tracer_cmd + prog, redirs), cwd=cwd, stdout=exp,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60)
        except subprocess.TimeoutExpired:
            return None, "timed out"
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return None, f"exit status {p.returncode}: {err[0][:200] if err else ''}"
    try:
        with open(log, errors="surrogateescape") as f:
            got = folded(f.read())
    except FileNotFoundError:
        return None, "no output"
    if start is not None:
        # sed -n "/START/,$p": from the first line holding the text.
        at = next((i for i, line in enumerate(got) if start in line), len(got))
        got = got[at:]
    with open(os.path.join(cwd, "exp"), errors="surrogateescape") as f:
        want = folded(f.read())
    diff = first_difference(got, want)
    return diff == "", diff


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--syspect", required=True)
    ap.add_argument("--dest", required=True, help="where the strace source is fetched and built")
    ap.add_argument("--list", required=True, help="the tests to run, one name a line")
    ap.add_argument("--min-rate", type=float, default=0.0,
                    help="fail below this share (%%) of strace's passes")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--markdown", help="also write the results as a Markdown table to this file")
    args = ap.parse_args()
    args.syspect = os.path.abspath(args.syspect)  # the tests run in their own directories

    p = subprocess.run(["bash", SOURCE_SCRIPT, args.dest], stdout=subprocess.PIPE)
    if p.returncode == SKIP:
        print("skipped: strace's source package cannot be fetched here (see above)")
        return SKIP
    if p.returncode != 0:
        print("cannot prepare strace's source package", file=sys.stderr)
        return 1
    src = p.stdout.decode().strip().splitlines()[-1]
    known = gen_tests(src)
    names = []
    with open(args.list) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"{args.list}: not plain tests of gen_tests.in: {' '.join(unknown)}", file=sys.stderr)
        return 1
    tests = os.path.join(src, "tests")
    # The generated headers and the helpers' library first: the programs,
    # built in parallel, would each try to make them.
    for targets in (["ksysent.h", "scno.h"], ["libtests.a"], ["-k"] + names):
        b = subprocess.run(["make", "-C", tests, f"-j{args.jobs}"] + targets,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if b.returncode != 0:
            print(b.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
            if targets[0] != "-k":
                return 1

    strace_pass = syspect_pass = both = 0
    rows = []
    for name in names:
        prog = os.path.join(tests, name)
        if not os.path.exists(prog):
            rows.append((name, "not built", "-", ""))
            continue
        cwd = os.path.join(tests, name + ".dir")
        subprocess.run(["rm", "-rf", cwd])
        os.makedirs(cwd)
        sargs, redirs, start, prog_args = strace_args(name, known[name])
        prog = ["../" + name] + prog_args
        alone = subprocess.run(shell(prog, redirs), cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=60)
        if alone.returncode == SKIP:
            rows.append((name, "skip", "skip", "the program skips itself here"))
            continue
        s_log = os.path.join(cwd, "strace.log")
        s_ok, s_why = run_one(["strace", "-o", s_log] + sargs, prog, cwd, s_log, redirs, start)
        y_log = os.path.join(cwd, "syspect.log")
        # strace without -f: the first process only, and no pid prefix.
        follow = [] if "-f" in sargs else ["--no-follow"]
        y_ok, y_why = run_one([args.syspect, "trace"] + follow + ["-o", y_log] + syspect_args(sargs) + ["--"],
                              prog, cwd, y_log, redirs, start)
        strace_pass += bool(s_ok)
        syspect_pass += bool(y_ok)
        both += bool(s_ok and y_ok)
        rows.append((name, "pass" if s_ok else "FAIL", "pass" if y_ok else "FAIL",
                     "" if y_ok else y_why))
    for name, s, y, why in rows:
        print(f"{name:32} strace {s:5} syspect {y:5} {why}")
    rate = 100.0 * both / strace_pass if strace_pass else 0.0
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(MARKDOWN_HEADER)
            f.write(f"{len(names)} tests; strace 6.1 passes {strace_pass}, syspect {syspect_pass}; "
                    f"syspect passes {both} of strace's {strace_pass} ({rate:.1f}%).\n\n")
            f.write("| test | strace | syspect | first difference: syspect's line (got), the expected one (want) |\n")
            f.write("| --- | --- | --- | --- |\n")
            for name, s, y, why in rows:
                cell = why.replace("|", "\\|").replace("`", "'")
                f.write(f"| {name} | {s} | {y} | {cell} |\n")
    print(f"\n{len(names)} tests: strace 6.1 passes {strace_pass}, syspect {syspect_pass}; "
          f"syspect passes {both} of strace's {strace_pass} ({rate:.1f}%), threshold {args.min_rate}%")
    return 0 if rate >= args.min_rate else 1


if __name__ == "__main__":
    sys.exit(main())
