#pragma once
// Constant families (O_* flags, MAP_*, errno names, signal names, ...). Each
// family is one file in tracer/xlat/<family>.in; gen_tables.py turns it into
// an Xlat and a test checks every value against the system headers.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace syspect {

struct XlatEntry {
  std::uint64_t value;
  const char* name;
};

enum class XlatKind : std::uint8_t {
  Flags,  // a bit set: names joined by '|', leftover bits in hex
  Enum,   // one value: its name, or the number when unknown
};

struct Xlat {
  const char* family;  // the file's stem: "open_flags"
  XlatKind kind;
  // Flags only: a field of the value that is an enum rather than bits (the
  // access mode of open flags, O_ACCMODE). Entries whose value lies within
  // the mask are matched against (value & mask) and printed first.
  std::uint64_t enum_mask;
  // Enum: how an unknown value prints ("%d", "%#x"). Flags: a value with
  // no named bit prints in hex with `unknown` in a comment.
  bool unknown_hex;
  std::span<const XlatEntry> entries;
  // What strace's comment says of a value the family does not name
  // ("FSOPEN_???"); null: an enum's first name up to its first '_'.
  const char* unknown = nullptr;
};

// The family named `family` (the .in file's stem), or nullptr.
const Xlat* find_xlat(std::string_view family);

// The name of exactly `value` in an Enum family, or nullptr.
const char* xlat_name(const Xlat& xlat, std::uint64_t value);

// The value of a name in a family, or nothing.
std::optional<std::uint64_t> xlat_value(const Xlat& xlat, std::string_view name);

// How constants print, as strace's -X: names (abbrev, the default), numbers
// only (raw), or numbers followed by the names in a comment (verbose).
enum class XlatStyle : std::uint8_t { Abbrev, Raw, Verbose };

// "abbrev", "raw", "verbose"; nothing for another word.
std::optional<XlatStyle> parse_xlat_style(std::string_view word);

// Render as strace does: "O_RDONLY|O_CLOEXEC", "O_RDONLY|0x40000000",
// "PROT_NONE" for a zero flag set when the family names 0, else "0"; an
// unknown enum value as "0xa /* SEEK_??? */". Raw: "0x80000"; verbose:
// "0x80000 /* O_RDONLY|O_CLOEXEC */".
std::string xlat_format(const Xlat& xlat, std::uint64_t value,
                        XlatStyle style = XlatStyle::Abbrev);

// A number and its name in `style`: the name (abbrev), the number (raw), or
// "number /* name */" (verbose). For constants outside the families, such as
// AT_FDCWD and signal numbers.
std::string xlat_styled(std::string_view number, std::string_view name, XlatStyle style);

// Well-known families used by the decoder directly.
const Xlat& errno_names();   // ENOENT ... plus ERESTARTSYS and friends
const Xlat& signal_names();  // SIGHUP ... SIGSYS (realtime ones by formula)

// "ENOENT" for 2; nullptr when unknown.
const char* errno_name(int err);
// "No such file or directory"; strace's own wording for the kernel-internal
// restart codes (512..516).
std::string errno_message(int err);
// "SIGCHLD", "SIGRTMIN", "SIGRT_3"; a number when out of range.
std::string signal_name(int sig);
// The signal as strace's -X style prints it: "SIGCHLD", "17", "17 /* SIGCHLD */".
std::string signal_format(int sig, XlatStyle style);

}  // namespace syspect
