#!/usr/bin/env python3
"""gen_tables.py must accept good input and reject bad input loudly.

    gen_tables_test.py PATH/TO/gen_tables.py
"""

import os
import subprocess
import sys
import tempfile
import unittest

GEN = None

GOOD_XLAT = {
    "open_flags": "#kind flags\n#mask 03\nO_RDONLY 0\nO_WRONLY 01\nO_RDWR 02\nO_CREAT 0100\n",
    "whence": "#kind enum\nSEEK_SET 0\nSEEK_CUR 1\nSEEK_END 2\n",
}
GOOD_X86_64 = """# comment
0   read   desc  int  fd:fd  >buf:buf(ret)  count:ulong
1   write  desc  int  fd:fd  buf:buf(count)  count:ulong
2   open   desc,file  fd  pathname:path  flags:flags(open_flags)  mode:octal
8   lseek  desc  int  fd:fd  offset:long  whence:enum(whence)
39  getpid pure  int
"""
GOOD_I386 = "20 getpid pure int\n"


class GenTables(unittest.TestCase):
    def run_gen(self, x86_64=GOOD_X86_64, i386=GOOD_I386, xlat=None):
        xlat = dict(GOOD_XLAT if xlat is None else xlat)
        tmp = tempfile.mkdtemp()
        sysdir = os.path.join(tmp, "syscalls")
        xdir = os.path.join(tmp, "xlat")
        out = os.path.join(tmp, "out")
        os.makedirs(sysdir)
        os.makedirs(xdir)
        with open(os.path.join(sysdir, "x86_64.in"), "w") as f:
            f.write(x86_64)
        with open(os.path.join(sysdir, "i386.in"), "w") as f:
            f.write(i386)
        for name, text in xlat.items():
            with open(os.path.join(xdir, name + ".in"), "w") as f:
                f.write(text)
        p = subprocess.run([sys.executable, GEN, "--syscalls", sysdir, "--xlat", xdir, "--out", out],
                           capture_output=True, text=True)
        return p, out

    def assert_rejected(self, fragment, where, **kw):
        p, _ = self.run_gen(**kw)
        self.assertNotEqual(p.returncode, 0, p.stderr)
        self.assertIn(fragment, p.stderr)
        self.assertIn(where, p.stderr)

    def test_good_input(self):
        p, out = self.run_gen()
        self.assertEqual(p.returncode, 0, p.stderr)
        names = sorted(os.listdir(out))
        self.assertEqual(names, sorted(["syscall_tables.cpp", "syscall_ids.hpp", "xlat_tables.cpp", "xlat_families.hpp",
                                        "check_syscalls_x86_64.cpp", "check_syscalls_i386.cpp",
                                        "check_xlat.cpp"]))

    def test_unchanged_output_is_not_rewritten(self):
        p, out = self.run_gen()
        self.assertEqual(p.returncode, 0, p.stderr)
        path = os.path.join(out, "syscall_tables.cpp")
        os.utime(path, (1, 1))
        sysdir = os.path.join(os.path.dirname(out), "syscalls")
        xdir = os.path.join(os.path.dirname(out), "xlat")
        subprocess.run([sys.executable, GEN, "--syscalls", sysdir, "--xlat", xdir, "--out", out], check=True)
        self.assertEqual(os.stat(path).st_mtime, 1)

    def test_c_type_widths(self):
        # The C type sets the bits the kernel reads: umode_t 16, int 32
        # (signed), long 64 on x86_64 and 32 on i386; a kind without one is
        # as wide as its name says.
        p, out = self.run_gen(
            x86_64="85 creat file fd pathname:path mode:octal:umode_t\n"
                   "72 fcntl desc int fd:fd cmd:enum(whence):uint arg:hex\n",
            i386="8 creat file fd pathname:path mode:octal:umode_t\n"
                 "55 fcntl desc int fd:fd cmd:enum(whence):uint arg:hex:ulong\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "syscall_tables.cpp")) as f:
            text = f.read()
        self.assertIn('{"mode", ArgKind::Octal, ArgDir::In, -1, nullptr, nullptr, 16, false}', text)
        self.assertIn('{"fd", ArgKind::Fd, ArgDir::In, -1, nullptr, nullptr, 32, true}', text)
        self.assertIn('ArgKind::Enum, ArgDir::In, -1, &kXlat_whence, nullptr, 32, false}', text)
        self.assertIn('{"arg", ArgKind::Hex, ArgDir::In, -1, nullptr, nullptr, 64, false}', text)
        self.assertIn('{"arg", ArgKind::Hex, ArgDir::In, -1, nullptr, nullptr, 32, false}', text)

    def test_unknown_c_type(self):
        self.assert_rejected("unknown C type 'short'", "x86_64.in:1:",
                             x86_64="85 creat file fd pathname:path mode:octal:short\n")

    def test_c_type_against_kind(self):
        # A decimal kind is its own C type: an int argument cannot be a long.
        self.assert_rejected("kind int means C type int, not long", "x86_64.in:1:",
                             x86_64="19 readv desc int fd:fd iov:ptr iovcnt:int:long\n")
        self.assert_rejected("a C type is given only to numbers", "x86_64.in:1:",
                             x86_64="85 creat file fd pathname:path:int\n")

    def test_malformed_line(self):
        self.assert_rejected("expected 'NR NAME CLASSES RET", "x86_64.in:2:",
                             x86_64="0 read desc int fd:fd\n1 write\n")

    def test_bad_number(self):
        self.assert_rejected("bad syscall number", "x86_64.in:1:", x86_64="x read desc int\n")

    def test_unknown_kind(self):
        self.assert_rejected("unknown kind 'blob'", "x86_64.in:1:", x86_64="0 read desc int fd:blob\n")

    def test_unknown_class(self):
        self.assert_rejected("unknown trace class", "x86_64.in:1:", x86_64="0 read disc int fd:fd\n")

    def test_unknown_return_kind(self):
        self.assert_rejected("unknown return kind", "x86_64.in:1:", x86_64="0 read desc str fd:fd\n")

    def test_unknown_family(self):
        self.assert_rejected("unknown xlat family 'nope'", "x86_64.in:1:",
                             x86_64="0 open file fd flags:flags(nope)\n")

    def test_family_kind_mismatch(self):
        self.assert_rejected("used as enum()", "x86_64.in:1:",
                             x86_64="0 open file fd flags:enum(open_flags)\n")

    def test_len_of_missing_arg(self):
        self.assert_rejected("has no argument 'size'", "x86_64.in:1:",
                             x86_64="0 read desc int fd:fd buf:buf(size) count:ulong\n")

    def test_missing_parameter(self):
        self.assert_rejected("needs a parameter", "x86_64.in:1:", x86_64="0 read desc int buf:buf\n")

    def test_duplicate_number(self):
        self.assert_rejected("duplicate number 0", "x86_64.in:2:",
                             x86_64="0 read desc int\n0 write desc int\n")

    def test_duplicate_name(self):
        self.assert_rejected("duplicate name read", "i386.in:2:", i386="3 read desc int\n4 read desc int\n")

    def test_too_many_args(self):
        self.assert_rejected("at most 6", "x86_64.in:1:",
                             x86_64="0 f - int a:int b:int c:int d:int e:int f:int g:int\n")

    def test_duplicate_arg(self):
        self.assert_rejected("duplicate argument name", "x86_64.in:1:", x86_64="0 f - int a:int a:int\n")

    def test_xlat_without_kind(self):
        self.assert_rejected("before '#kind", "bad.in:1:", xlat={**GOOD_XLAT, "bad": "A 1\n"})

    def test_xlat_bad_value(self):
        self.assert_rejected("bad value", "bad.in:2:", xlat={**GOOD_XLAT, "bad": "#kind enum\nA 0x\n"})

    def test_xlat_duplicate_name(self):
        self.assert_rejected("duplicate name A", "bad.in:3:", xlat={**GOOD_XLAT, "bad": "#kind enum\nA 1\nA 2\n"})

    def test_xlat_enum_duplicate_value(self):
        self.assert_rejected("repeats the value", "bad.in:3:",
                             xlat={**GOOD_XLAT, "bad": "#kind enum\nA 1\nB 1\n"})

    def test_xlat_alias(self):
        p, _ = self.run_gen(xlat={**GOOD_XLAT, "ok": "#kind enum\nA 1\nB A\n"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_rejected("unknown entry C", "bad.in:2:", xlat={**GOOD_XLAT, "bad": "#kind enum\nB C\n"})

    def test_xlat_bad_marker(self):
        self.assert_rejected("bad check marker", "bad.in:2:", xlat={**GOOD_XLAT, "bad": "#kind enum\nA 1 x\n"})

    def test_missing_abi_file(self):
        tmp = tempfile.mkdtemp()
        os.makedirs(os.path.join(tmp, "s"))
        os.makedirs(os.path.join(tmp, "x"))
        p = subprocess.run([sys.executable, GEN, "--syscalls", os.path.join(tmp, "s"), "--xlat",
                            os.path.join(tmp, "x"), "--out", os.path.join(tmp, "o")],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("x86_64.in: missing", p.stderr)


if __name__ == "__main__":
    GEN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
