#pragma once
// The syscall table: the single source of truth for numbers, names, argument
// names and kinds, directions and strace trace classes. The tables themselves
// are generated from tracer/syscalls/<abi>.in by tracer/gen/gen_tables.py.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace syspect {

struct Xlat;

// The calling convention a syscall was made through.
enum class Abi : std::uint8_t { x86_64, i386, x32 };

std::string_view abi_name(Abi abi);
std::optional<Abi> abi_from_name(std::string_view name);

// strace's trace classes (`-e trace=%file` and so on); a syscall has any
// number of them.
enum TraceClass : std::uint32_t {
  kClassFile = 1u << 0,     // takes a file name
  kClassIpc = 1u << 1,      // SysV IPC
  kClassNetwork = 1u << 2,  // sockets
  kClassProcess = 1u << 3,  // process lifecycle
  kClassSignal = 1u << 4,   // signals
  kClassDesc = 1u << 5,     // file descriptors
  kClassMemory = 1u << 6,   // memory mapping
  kClassStat = 1u << 7,     // stat variants
  kClassLstat = 1u << 8,    // lstat variants
  kClassFstat = 1u << 9,    // fstat variants
  kClassStatfs = 1u << 10,  // statfs variants
  kClassFstatfs = 1u << 11, // fstatfs variants
  kClassCreds = 1u << 12,   // user/group ids and capabilities
  kClassClock = 1u << 13,   // read or change clocks
  kClassPure = 1u << 14,    // no arguments, always succeed, no side effects
};

// The class names without the '@', in bit order.
std::span<const std::string_view> trace_class_names();
std::optional<std::uint32_t> trace_class_from_name(std::string_view name);

// How an argument is shown and kept.
enum class ArgKind : std::uint8_t {
  Int,      // signed 32-bit decimal
  Long,     // signed 64-bit decimal
  Uint,     // unsigned 32-bit decimal
  Ulong,    // unsigned 64-bit decimal (sizes, counts)
  Hex,      // unsigned hexadecimal (0x...), 0 shown as 0
  Octal,    // file mode: 0644, 0 shown as 000
  Fd,       // file descriptor
  DirFd,    // file descriptor or AT_FDCWD
  Path,     // NUL-terminated string read from the tracee (file names)
  Str,      // NUL-terminated string read from the tracee (other strings)
  Buf,      // byte buffer whose length is another argument or the result
  Ptr,      // address: NULL or 0x...
  Argv,     // NULL-terminated array of string pointers, shown whole
  Envp,     // NULL-terminated array of string pointers, summarised
  Flags,    // bit set named by an Xlat table
  Enum,     // one value named by an Xlat table
  Signal,   // signal number (SIGCHLD)
  FdPair,   // int[2] written by pipe/pipe2/socketpair
  Struct,   // a struct known by name (Xlat-less); decoded later, shown as pointer
  Uid,      // user or group id (uid_t, gid_t): unsigned 32-bit decimal, (uid_t)-1 as -1
};

// When an argument's pointed-to data is read.
enum class ArgDir : std::uint8_t { In, Out, InOut };

// Where a Buf argument's length comes from.
inline constexpr std::int8_t kLenNone = -1;
inline constexpr std::int8_t kLenResult = -2;

struct ArgDesc {
  const char* name;      // as in the man page prototype
  ArgKind kind;
  ArgDir dir;
  std::int8_t len_arg;   // Buf: index of the length argument, or kLenResult
  const Xlat* xlat;      // Flags / Enum: the constant family; else nullptr
  const char* struct_name;  // Struct: the C struct's name; else nullptr
  // The width and sign of the argument's C type in the kernel's prototype:
  // a 32-bit type (int, unsigned int, umode_t, pid_t...) is read from the
  // low half of the register only, whatever the upper half holds. Numbers
  // are decoded, shown and matched at this width (see normalize_arg()).
  std::uint8_t bits = 64;
  bool is_signed = false;
};

// The register value as the kernel reads an argument of `d`'s C type: the
// low `d.bits` bits, zero-extended (what `ArgValue::raw` holds once decoded).
std::uint64_t arg_bits(const ArgDesc& d, std::uint64_t reg);
// The same bits as the C type's value: sign-extended for a signed type.
std::int64_t arg_value(const ArgDesc& d, std::uint64_t reg);

// How a successful result is shown.
enum class RetKind : std::uint8_t {
  Int,    // decimal
  Fd,     // file descriptor
  Hex,    // address or hex value (mmap, brk)
  None,   // never returns (exit, exit_group): shown as "?"
  Octal,  // umask
};

// A syscall's identifier by name, the same on every ABI (its enumerators
// are generated for syspect's own sources).
enum class SysId : std::uint16_t;

struct SyscallDesc {
  int nr;
  const char* name;
  std::uint32_t classes;  // TraceClass bits
  RetKind ret;
  std::uint8_t nargs;
  ArgDesc args[6];
  SysId id;
};

// The whole table for one ABI, sorted by number.
std::span<const SyscallDesc> syscall_table(Abi abi);

// The entry for a number, or nullptr when the number is not a known syscall.
const SyscallDesc* lookup_syscall(Abi abi, long nr);

// The entry for a name, or nullptr.
const SyscallDesc* find_syscall(Abi abi, std::string_view name);

// Index of the argument named `name` in `desc`, or -1.
int find_arg(const SyscallDesc& desc, std::string_view name);

}  // namespace syspect
