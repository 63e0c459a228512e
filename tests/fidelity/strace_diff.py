#!/usr/bin/env python3
"""Differential test of syspect's text output against strace's.

Runs each command of a corpus under strace (twice) and under `syspect trace`,
with ASLR disabled for all runs, and compares the syscall lines. A line that
differs between strace's two runs is nondeterministic and left out. The rest
are compared as whole lines (pids renamed in order of appearance, the padding
before " = " folded), and the share of identical lines is reported overall
and per syscall. Exits 1 when the overall share is below --threshold.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"^(\d+)\s+(.*)$")
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^<\.\.\. ([a-z0-9_]+) resumed>(.*)$")


def merge_strace(lines):
    """Join strace's '<unfinished ...>' / '<... resumed>' halves into one line per call."""
    pending = {}
    out = []
    for raw in lines:
        m = LINE.match(raw)
        if not m:
            continue
        pid, text = m.group(1), m.group(2)
        if text.endswith(UNFINISHED):
            pending[pid] = (len(out), text[: -len(UNFINISHED)])
            out.append(None)
            continue
        r = RESUMED.match(text)
        if r and pid in pending:
            idx, head = pending.pop(pid)
            out[idx] = (pid, head + r.group(2))
            continue
        out.append((pid, text))
    # Calls that never resumed (the process died): keep them as strace left them.
    for pid, (idx, head) in pending.items():
        out[idx] = (pid, head + UNFINISHED + ")")
    return [x for x in out if x is not None]


def parse_ours(lines):
    out = []
    for raw in lines:
        m = LINE.match(raw)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


CREATES = re.compile(r"^(?:clone|clone3|fork|vfork)\(.*\) = (\d+)$")


def normalise(entries):
    """Rename pids in the order they were created; fold alignment padding.

    The first process is P0; the others are numbered in the order of the
    clone/fork calls that returned them (each parent's calls are in a fixed
    order), not in the order their lines happen to interleave.
    """
    names = {}

    def alias(pid):
        if pid not in names:
            names[pid] = f"P{len(names)}"

    if entries:
        alias(entries[0][0])
    for pid, text in entries:
        m = CREATES.match(re.sub(r"\)\s+= ", ") = ", text))
        if m:
            alias(pid)
            alias(m.group(1))
    for pid, _ in entries:
        alias(pid)
    result = []
    for pid, text in entries:
        for real, alias_name in names.items():
            text = re.sub(rf"\b{real}\b", alias_name, text)
        text = re.sub(r"\)\s+= ", ") = ", text)
        # The clock's reading differs from run to run; its notation is compared.
        if text.startswith("gettimeofday("):
            text = re.sub(r"tv_sec=\d+, tv_usec=\d+", "tv_sec=N, tv_usec=N", text)
        result.append((names[pid], text))
    return result


def syscall_of(text):
    m = re.match(r"^([a-z0-9_]+)\(", text)
    return m.group(1) if m else None


def run(cmd, cwd, env):
    subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def trace_both(syspect, command, workdir, env, options):
    norm = "setarch x86_64 -R".split()
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for i in range(2):
            f = os.path.join(tmp, f"strace{i}")
            run(norm + ["strace", "-f"] + options + ["-o", f, "--"] + command, workdir, env)
            with open(f, errors="surrogateescape") as fh:
                outs.append(normalise(merge_strace(fh.read().splitlines())))
        f = os.path.join(tmp, "syspect")
        run(norm + [syspect, "trace"] + options + ["-o", f, "--"] + command, workdir, env)
        with open(f, errors="surrogateescape") as fh:
            ours = normalise(parse_ours(fh.read().splitlines()))
    return outs[0], outs[1], ours


def compare(a, b, ours):
    """Lines of strace run a that run b also has (as a multiset), checked against ours."""
    det = collections.Counter(b)
    have = collections.Counter(ours)
    stats = collections.defaultdict(lambda: [0, 0])
    missing = []
    for entry in a:
        name = syscall_of(entry[1])
        if name is None:
            continue
        if det[entry] <= 0:
            continue  # nondeterministic: strace itself varies here
        det[entry] -= 1
        s = stats[name]
        s[1] += 1
        if have[entry] > 0:
            have[entry] -= 1
            s[0] += 1
        else:
            missing.append(entry[1])
    return stats, missing


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--syspect", required=True)
    ap.add_argument("--workdir", required=True, help="a scratch directory for the corpus")
    ap.add_argument("--threshold", type=float, default=98.0)
    ap.add_argument("--show", type=int, default=40, help="differing lines to print")
    ap.add_argument("--only", help="run only the corpus entries whose label contains this")
    ap.add_argument("--only-labels", help="run only these corpus entries (labels, comma separated)")
    ap.add_argument("--targets", help="the directory of syspect's own test targets (tests/targets)")
    ap.add_argument("--ignore", default="",
                    help="syscalls whose lines are not compared (comma separated)")
    ap.add_argument("--option", action="append", default=[],
                    help="an option given to both strace and syspect (-y, -X=raw); repeatable")
    args = ap.parse_args()

    wd = os.path.abspath(args.workdir)
    os.makedirs(wd, exist_ok=True)
    tree = os.path.join(wd, "tree")
    os.makedirs(os.path.join(tree, "sub"), exist_ok=True)
    for i in range(5):
        with open(os.path.join(tree, f"f{i}.txt"), "w") as fh:
            fh.write(f"file {i}\n" * (i + 1))
    with open(os.path.join(tree, "sub", "deep.txt"), "w") as fh:
        fh.write("deep\n")

    server = ("import socket,os\n"
              "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)\n"
              "p=s.getsockname()[1]\n"
              "if os.fork()==0:\n"
              "  c=socket.create_connection(('127.0.0.1',p)); c.sendall(b'ping'); c.close(); os._exit(0)\n"
              "a,_=s.accept(); print(a.recv(4)); a.close(); os.wait()\n")
    # Vector I/O (iov_base cut at -s, readv's data up to its result) and the
    # prctl options programs use.
    vectors = ("import os,ctypes\n"
               "r,w=os.pipe(); os.writev(w,[b'a'*50,b'b'*10,b'c'])\n"
               "os.readv(r,[bytearray(40),bytearray(40)])\n"
               "os.write(w,b'xyz'); os.readv(r,[bytearray(40),bytearray(40)])\n"
               "libc=ctypes.CDLL(None); p=libc.prctl; i=ctypes.c_int()\n"
               "p(4,0,0,0,0); p(3,0,0,0,0); p(4,1,0,0,0); p(3,0,0,0,0); p(4,7,0,0,0)\n"
               "p(1,15,0,0,0); p(2,ctypes.byref(i),0,0,0); p(1,0,0,0,0)\n"
               "p(23,21,0,0,0); p(23,99,0,0,0); p(39,0,0,0,0); p(21,0,0,0,0)\n"
               "p(15,b'a-rather-long-thread-name',0,0,0); p(16,ctypes.create_string_buffer(16),0,0,0)\n")
    corpus = [
        ("cat", ["cat", os.path.join(tree, "f2.txt")]),
        ("ls", ["ls", "-la", "/usr/bin"]),
        ("ls-tree", ["ls", "-lR", tree]),
        ("cp", ["cp", os.path.join(tree, "f3.txt"), os.path.join(wd, "copy.txt")]),
        ("tar", ["tar", "-C", wd, "-cf", os.path.join(wd, "t.tar"), "tree"]),
        ("sh-pipe", ["sh", "-c", "echo hi | wc -c; cat /nonexistent 2>/dev/null; true"]),
        ("find", ["find", tree]),
        ("python", ["python3", "-S", "-c", "import os; print(os.listdir('/'))"]),
        ("tcp", ["python3", "-S", "-c", server]),
        ("vectors", ["python3", "-S", "-c", vectors]),
    ]
    if args.targets:
        t = os.path.abspath(args.targets)
        corpus += [
            ("t-signal", [os.path.join(t, "signal_handler")]),
            ("t-restart", [os.path.join(t, "restart")]),
            ("t-efault", [os.path.join(t, "efault")]),
            ("t-strange", [os.path.join(t, "strange_path")]),
            ("t-unknown", [os.path.join(t, "unknown_syscall")]),
            ("t-exit", [os.path.join(t, "exit_code"), "3"]),
            ("t-fork", [os.path.join(t, "fork_exec"), "fork", "/bin/true"]),
            ("t-vfork", [os.path.join(t, "fork_exec"), "vfork", "/bin/true"]),
            ("t-int80", [os.path.join(t, "int80")]),
            ("t-wide", [os.path.join(t, "wide_args")]),
            ("t-edges", [os.path.join(t, "strace_edges")]),
        ]
    options = []
    for o in args.option:
        options += o.split("=", 1)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C", "HOME": wd}
    total = collections.defaultdict(lambda: [0, 0])
    shown = 0
    for label, command in corpus:
        if args.only and args.only not in label:
            continue
        if args.only_labels and label not in args.only_labels.split(","):
            continue
        a, b, ours = trace_both(args.syspect, command, wd, env, options)
        ignored = set(filter(None, args.ignore.split(",")))
        stats, missing = compare([x for x in a if syscall_of(x[1]) not in ignored], b, ours)
        same = sum(s[0] for s in stats.values())
        count = sum(s[1] for s in stats.values())
        print(f"{label:10} {same:5}/{count:<5} identical ({100.0 * same / max(count, 1):.1f}%)")
        for name, s in stats.items():
            total[name][0] += s[0]
            total[name][1] += s[1]
        for line in missing:
            if shown < args.show:
                print(f"    strace: {line}")
                shown += 1

    same = sum(s[0] for s in total.values())
    count = sum(s[1] for s in total.values())
    share = 100.0 * same / max(count, 1)
    print("\nper syscall (differing only):")
    for name, (ok, n) in sorted(total.items(), key=lambda kv: kv[1][0] - kv[1][1]):
        if ok != n:
            print(f"  {name:20} {ok:5}/{n:<5} ({100.0 * ok / n:.1f}%)")
    print(f"\noverall: {same}/{count} syscall lines identical to strace ({share:.2f}%), threshold {args.threshold}%")
    return 0 if share >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
