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
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINE = re.compile(r"^(\d+)\s+(.*)$")
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^<\.\.\. ([a-z0-9_]+) resumed>(.*)$")
# A line of -e read=/write='s hex dump: kept with the call above it.
DUMP = " | "
# -n's "[ 257] " and -i's "[00007f...] " before the call.
PREFIXES = r"(?:\[[ 0-9a-f?]+\] )*"
# Whether the padding before " = " is compared (-a) or folded.
KEEP_PADDING = False


def merge_strace(lines):
    """Join strace's '<unfinished ...>' / '<... resumed>' halves into one line per call."""
    pending = {}
    out = []
    for raw in lines:
        if raw.startswith(DUMP) and out and out[-1] is not None:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + raw)
            continue
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
        if raw.startswith(DUMP) and out:
            out[-1] = (out[-1][0], out[-1][1] + "\n" + raw)
            continue
        m = LINE.match(raw)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


CREATES = re.compile(r"^" + PREFIXES + r"(?:clone|clone3|fork|vfork)\(.*\) = (\d+)$")


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
    for index, (pid, text) in enumerate(entries):
        for real, alias_name in names.items():
            text = re.sub(rf"\b{real}\b", alias_name, text)
        if not KEEP_PADDING:
            text = re.sub(r"\)\s+= ", ") = ", text)
        # The clock's reading differs from run to run; its notation is compared.
        if text.startswith("gettimeofday("):
            text = re.sub(r"tv_sec=\d+, tv_usec=\d+", "tv_sec=N, tv_usec=N", text)
        # The machine's counters move between runs; their notation is compared.
        if text.startswith("sysinfo("):
            text = re.sub(r"(uptime|freeram|sharedram|bufferram|procs)=\d+", r"\1=N", text)
            text = re.sub(r"loads=\[\d+, \d+, \d+\]", "loads=[N, N, N]", text)
        # A child's CPU times in SIGCHLD's siginfo vary from run to run.
        if text.startswith("--- SIGCHLD "):
            text = re.sub(r"si_utime=\d+, si_stime=\d+", "si_utime=N, si_stime=N", text)
        # The first execve's environment lies in the tracer's own child, whose
        # stack differs with the tracer's command line: its address is not the
        # program's.
        if index == 0 and text.startswith("execve("):
            text = re.sub(r", 0x[0-9a-f]+ (/\* \d+ vars? \*/\))", r", ENVP \1", text)
        result.append((names[pid], text))
    return result


EXACT = False  # --exact: signal and exit lines too, and lines strace does not print


def syscall_of(text):
    m = re.match(r"^" + PREFIXES + r"([a-z0-9_]+)\(", text)
    if m:
        return m.group(1)
    if EXACT and text.startswith("--- "):
        return "--- signal ---"
    if EXACT and text.startswith("+++ "):
        return "+++ exit +++"
    return None


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
        ours = norm + [syspect, "trace"] + options + ["-o", f, "--"] + command
        run(ours, workdir, env)  # stderr is /dev/null, as under strace
        if not os.path.exists(f):
            # Again, to say why: stderr is then not the program's /dev/null.
            r = subprocess.run(ours, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, errors="replace",
                               check=False)
            sys.exit(f"syspect wrote no trace (status {r.returncode}): {r.stderr.strip()}")
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
            missing.append(entry)
    if EXACT:
        # More lines of a call (or of signals, or of exits) than either
        # strace run printed: a filter that lets too much through.
        def per_name(entries):
            return collections.Counter(syscall_of(e[1]) for e in entries)
        runs = per_name(a) | per_name(b)
        for name, n in per_name(ours).items():
            if name is not None and n > runs[name]:
                stats[name][1] += n - runs[name]
                missing.append(("", f"(syspect printed {n - runs[name]} more {name} lines)"))
    return stats, missing, have


def nearest(entry, unmatched):
    """syspect's unmatched line most like a strace line that syspect lacks:
    same call (or signal, or exit), then the most similar text."""
    name = syscall_of(entry[1])
    same_kind = [e for e in unmatched.elements() if syscall_of(e[1]) == name]
    if not same_kind:
        return None
    return max(same_kind, key=lambda e: difflib.SequenceMatcher(None, e[1], entry[1]).ratio())


def everyday(wd, tree):
    """Everyday commands: coreutils, findutils, util-linux, procps, networking
    and compression tools, shells and interpreters. Each leaves the working
    directory as it found it, so that its three runs see the same files."""
    f = lambda name: os.path.join(tree, name)
    scratch = os.path.join(wd, "scratch")
    sh = lambda script: ["sh", "-c", script]
    return [
        # coreutils: files and directories
        ("ls-1", ["ls", "-1", tree]),
        ("ls-i", ["ls", "-i", f("f1.txt")]),
        ("ls-d", ["ls", "-ld", tree, "/tmp"]),
        ("stat", ["stat", f("f0.txt")]),
        ("stat-L", ["stat", "-L", "-c", "%s %n", "/bin/sh"]),
        ("du", ["du", "-s", tree]),
        ("df", ["df", "-h", "/"]),
        ("wc", ["wc", f("f1.txt"), f("f2.txt")]),
        ("head", ["head", "-n", "2", f("f4.txt")]),
        ("tail", ["tail", "-n", "2", f("f4.txt")]),
        ("tac", ["tac", f("f3.txt")]),
        ("nl", ["nl", f("f2.txt")]),
        ("sort", ["sort", f("f3.txt"), f("f1.txt")]),
        ("sort-u", ["sort", "-u", "-r", f("f4.txt")]),
        ("uniq", ["uniq", "-c", f("f4.txt")]),
        ("cut", ["cut", "-c", "1-3", f("f2.txt")]),
        ("tr", sh(f"tr a-z A-Z < {f('f1.txt')}")),
        ("fold", ["fold", "-w", "3", f("f0.txt")]),
        ("paste", ["paste", f("f0.txt"), f("f1.txt")]),
        ("comm", ["comm", f("f1.txt"), f("f2.txt")]),
        ("join", ["join", f("f1.txt"), f("f1.txt")]),
        ("md5sum", ["md5sum", f("f0.txt"), f("f1.txt")]),
        ("sha256sum", ["sha256sum", f("f2.txt")]),
        ("cksum", ["cksum", f("f3.txt")]),
        ("base64", ["base64", f("f1.txt")]),
        ("od", ["od", "-c", f("f0.txt")]),
        ("seq", ["seq", "1", "50"]),
        ("printf", ["printf", "%s-%d\\n", "a", "1"]),
        ("echo", ["echo", "hello", "world"]),
        ("basename", ["basename", f("f0.txt"), ".txt"]),
        ("dirname", ["dirname", f("f0.txt")]),
        ("readlink", ["readlink", "-f", "/bin/sh"]),
        ("realpath", ["realpath", tree, "/usr/bin/../lib"]),
        ("pwd", ["pwd"]),
        ("id", ["id"]),
        ("whoami", ["whoami"]),
        ("uname", ["uname", "-a"]),
        ("nproc", ["nproc"]),
        ("env", ["env"]),
        ("printenv", ["printenv", "PATH"]),
        ("true", ["true"]),
        ("false", ["false"]),
        ("expr", ["expr", "3", "+", "4"]),
        ("test", ["test", "-d", tree]),
        ("sleep", ["sleep", "0"]),
        ("date", ["date", "-u", "-d", "@0"]),
        ("cat-n", ["cat", "-n", f("f1.txt"), f("f2.txt")]),
        ("cat-missing", ["cat", "/nonexistent"]),
        ("tee", sh(f"echo x | tee {os.path.join(wd, 'tee.out')} > /dev/null")),
        ("dd", ["dd", f"if={f('f4.txt')}", "of=/dev/null", "bs=4", "count=3"]),
        ("split", sh(f"mkdir -p {scratch} && split -l 2 {f('f4.txt')} {scratch}/part. && rm -r {scratch}")),
        ("cp-r", sh(f"cp -r {tree} {scratch} && rm -r {scratch}")),
        ("mv", sh(f"cp {f('f0.txt')} {wd}/a && mv {wd}/a {wd}/b && rm {wd}/b")),
        ("ln-s", sh(f"ln -sf {f('f0.txt')} {wd}/link && readlink {wd}/link && rm {wd}/link")),
        ("mkdir-p", sh(f"mkdir -p {scratch}/a/b/c && rmdir -p {scratch}/a/b/c 2>/dev/null; rm -rf {scratch}")),
        ("touch", sh(f"touch {wd}/t && chmod 600 {wd}/t && rm {wd}/t")),
        ("truncate", sh(f"truncate -s 1k {wd}/t && stat -c %s {wd}/t && rm {wd}/t")),
        ("install", sh(f"install -m 644 {f('f1.txt')} {wd}/inst && rm {wd}/inst")),
        ("mktemp", sh(f"d=$(mktemp -d -p {wd}) && rmdir $d")),
        ("shuf", ["shuf", "-n", "1", "-i", "1-1", "--random-source=/dev/zero"]),
        ("numfmt", ["numfmt", "--to=iec", "1048576"]),
        ("factor", ["factor", "1234567"]),
        ("yes", sh("yes | head -n 3")),
        ("timeout", ["timeout", "5", "true"]),
        ("nice", ["nice", "-n", "1", "true"]),
        ("nohup", sh(f"cd {wd} && nohup true 2>/dev/null")),
        ("stdbuf", ["stdbuf", "-o0", "echo", "x"]),
        # findutils
        ("find-name", ["find", tree, "-name", "*.txt"]),
        ("find-type", ["find", tree, "-type", "d"]),
        ("find-newer", ["find", tree, "-newer", f("f0.txt")]),
        ("find-exec", ["find", tree, "-name", "deep.txt", "-exec", "cat", "{}", ";"]),
        ("xargs", sh(f"ls {tree} | xargs echo")),
        # text tools
        ("grep", ["grep", "-r", "file", tree]),
        ("grep-c", ["grep", "-c", "2", f("f2.txt")]),
        ("sed", ["sed", "-n", "2p", f("f3.txt")]),
        ("awk", ["awk", "{print NR}", f("f2.txt")]),
        ("diff", ["diff", f("f1.txt"), f("f2.txt")]),
        ("cmp", ["cmp", f("f1.txt"), f("f1.txt")]),
        ("iconv", sh(f"iconv -f UTF-8 -t ASCII {f('f0.txt')}")),
        # util-linux
        ("rev", ["rev", f("f1.txt")]),
        ("column", ["column", "-t", f("f2.txt")]),
        ("getopt", ["getopt", "ab:", "-a", "-b", "x"]),
        ("namei", ["namei", f("sub/deep.txt")]),
        ("findmnt", ["findmnt", "/"]),
        ("lscpu", ["lscpu"]),
        ("lsblk", ["lsblk"]),
        ("hexdump", ["hexdump", "-C", f("f0.txt")]),
        # procps (not ps, pgrep or vmstat: what they read, the machine's
        # processes and counters, changes between two runs)
        ("free", ["free"]),
        ("uptime", ["uptime"]),
        ("sysctl", ["sysctl", "-n", "kernel.ostype"]),
        ("pwdx", ["pwdx", "1"]),
        # networking
        ("ip-addr", ["ip", "addr"]),
        ("ip-route", ["ip", "route"]),
        ("ss", ["ss", "-tln"]),
        ("hostname", ["hostname"]),
        ("getent", ["getent", "hosts", "localhost"]),
        ("getent-pw", ["getent", "passwd", "root"]),
        # compression and archives
        ("gzip", sh(f"gzip -c {f('f4.txt')} | gzip -dc")),
        ("bzip2", sh(f"bzip2 -c {f('f4.txt')} | bzip2 -dc")),
        ("xz", sh(f"xz -c {f('f4.txt')} | xz -dc")),
        # (zstd alone: its decompressor's threads race with a second process's)
        ("zstd", ["zstd", "-q", "--single-thread", "-c", f("f4.txt")]),
        ("tar-x", sh(f"mkdir -p {scratch} && tar -C {wd} -cf - tree | tar -C {scratch} -xf - && rm -r {scratch}")),
        ("tar-z", ["tar", "-C", wd, "-czf", "/dev/null", "tree"]),
        # shells and interpreters
        ("bash", ["bash", "-c", "for i in 1 2 3; do echo $i; done | wc -l"]),
        ("dash", ["dash", "-c", "x=$(echo a); echo $x"]),
        ("sh-redirect", sh(f"exec 3<{f('f0.txt')}; read l <&3; echo $l")),
        ("sh-subshell", sh("(cd / && pwd); true")),
        ("perl", ["perl", "-e", "opendir(D, '/'); my @e = readdir(D); print scalar(@e) > 0"]),
        ("python-json", ["python3", "-S", "-c", "import json; print(json.dumps({'a': [1, 2]}))"]),
        ("python-file", ["python3", "-S", "-c", f"print(open({f('f3.txt')!r}).read().count('file'))"]),
        ("file", ["file", f("f0.txt"), "/bin/sh"]),
        ("sqlite3", ["sqlite3", ":memory:", "select 1+1;"]),
        ("openssl", ["openssl", "dgst", "-sha256", f("f0.txt")]),
        ("git", ["git", "--version"]),
    ]


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
    ap.add_argument("--everyday", action="store_true",
                    help="add the corpus of everyday commands (coreutils, findutils, util-linux, procps, ...)")
    ap.add_argument("--only-everyday", action="store_true",
                    help="leave out the small built-in corpus: only the everyday commands")
    ap.add_argument("--min-commands", type=int, default=0,
                    help="fail when fewer corpus entries than this could run (a tool missing)")
    ap.add_argument("--option", action="append", default=[],
                    help="an option given to both strace and syspect (-y, -X=raw); repeatable")
    ap.add_argument("--keep-padding", action="store_true",
                    help="compare the padding before ' = ' (-a) instead of folding it")
    ap.add_argument("--exact", action="store_true",
                    help="compare signal ('--- SIG...') and exit ('+++ ...') lines too, and count "
                         "the lines syspect prints that strace does not (for display filters)")
    args = ap.parse_args()
    global KEEP_PADDING, EXACT
    KEEP_PADDING = args.keep_padding
    EXACT = args.exact

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
    if args.only_everyday:
        corpus = []
    if args.everyday:
        corpus += everyday(wd, tree)
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
            ("t-netlink", [os.path.join(t, "netlink_msgs")]),
            ("t-netlink-link", [os.path.join(t, "netlink_msgs"), "link"]),
            ("t-structs", [os.path.join(t, "struct_calls")]),
        ]
    options = []
    for o in args.option:
        # "-s=5" is "-s 5"; a long option keeps its "=" (--strings-in-hex=all).
        options += [o] if o.startswith("--") else o.split("=", 1)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C", "HOME": wd}
    total = collections.defaultdict(lambda: [0, 0])
    shown = 0
    missing_tools = [label for label, command in corpus if shutil.which(command[0]) is None]
    corpus = [(label, command) for label, command in corpus if label not in missing_tools]
    if missing_tools:
        print(f"not installed, left out: {', '.join(missing_tools)}")
    ran = 0
    for label, command in corpus:
        if args.only and args.only not in label:
            continue
        if args.only_labels and label not in args.only_labels.split(","):
            continue
        ran += 1
        a, b, ours = trace_both(args.syspect, command, wd, env, options)
        ignored = set(filter(None, args.ignore.split(",")))
        stats, missing, unmatched = compare([x for x in a if syscall_of(x[1]) not in ignored], b, ours)
        same = sum(s[0] for s in stats.values())
        count = sum(s[1] for s in stats.values())
        print(f"{label:10} {same:5}/{count:<5} identical ({100.0 * same / max(count, 1):.1f}%)")
        for name, s in stats.items():
            total[name][0] += s[0]
            total[name][1] += s[1]
        # Each line strace printed and syspect did not, with syspect's nearest
        # line of the same call (processes named P0, P1, ... as compared).
        for entry in missing:
            if shown < args.show:
                if not entry[0]:
                    print(f"    {entry[1]}")
                else:
                    print(f"    strace:  {entry[0]:3} {entry[1]}")
                    near = nearest(entry, unmatched)
                    if near is None:
                        print("    syspect: (no such line)")
                    else:
                        print(f"    syspect: {near[0]:3} {near[1]}")
                        unmatched[near] -= 1
                shown += 1

    same = sum(s[0] for s in total.values())
    count = sum(s[1] for s in total.values())
    share = 100.0 * same / max(count, 1)
    print("\nper syscall (differing only):")
    for name, (ok, n) in sorted(total.items(), key=lambda kv: kv[1][0] - kv[1][1]):
        if ok != n:
            print(f"  {name:20} {ok:5}/{n:<5} ({100.0 * ok / n:.1f}%)")
    print(f"\noverall: {same}/{count} syscall lines identical to strace ({share:.2f}%), "
          f"threshold {args.threshold}%, {ran} commands")
    if ran < args.min_commands:
        print(f"only {ran} commands ran, fewer than {args.min_commands}")
        return 1
    return 0 if share >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
