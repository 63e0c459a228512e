// The ioctl family: the requests whose argument strace decodes (terminal
// attributes and window size, process groups, byte counts) and the names
// strace gives to numbers two requests share.

#include <sys/ioctl.h>
#include <termios.h>

#include <cstddef>
#include <span>

#include <fmt/format.h>

#include "../memory.hpp"
#include "common.hpp"
#include "family.hpp"

namespace syspect::detail {
namespace {

// A flag word that starts with enum fields ("NL0|CR0|...|OPOST|ONLCR"): the
// fields by name, then the single bits.
struct TermiosField {
  std::uint32_t mask;
  const char* names[4];  // by (value & mask) >> shift
  unsigned shift;
};

std::string termios_word(std::uint32_t value, std::span<const TermiosField> fields,
                         const char* bits_family, XlatStyle style) {
  std::string out;
  std::uint32_t rest = value;
  for (const TermiosField& f : fields) {
    std::uint32_t i = (value & f.mask) >> f.shift;
    if (i >= 4 || f.names[i] == nullptr) continue;
    if (!out.empty()) out += '|';
    out += f.names[i];
    rest &= ~f.mask;
  }
  if (rest != 0 || out.empty()) {
    if (!out.empty()) out += '|';
    out += xlat_format(xlat_family(bits_family), rest);
  }
  return xlat_styled(fmt::format("{:#o}", value), out, style);
}

std::string termios_text(const struct termios& t, XlatStyle style) {
  static constexpr TermiosField kOflag[] = {
      {NLDLY, {"NL0", "NL1"}, 8},          {CRDLY, {"CR0", "CR1", "CR2", "CR3"}, 9},
      {TABDLY, {"TAB0", "TAB1", "TAB2", "TAB3"}, 11}, {BSDLY, {"BS0", "BS1"}, 13},
      {VTDLY, {"VT0", "VT1"}, 14},         {FFDLY, {"FF0", "FF1"}, 15},
  };
  static constexpr TermiosField kCsize[] = {{CSIZE, {"CS5", "CS6", "CS7", "CS8"}, 4}};
  std::string cflag = xlat_format(xlat_family("termios_bauds"), t.c_cflag & CBAUD);
  std::uint32_t cbits = t.c_cflag & ~static_cast<std::uint32_t>(CBAUD);
  cflag += '|' + termios_word(cbits, kCsize, "termios_cflags", XlatStyle::Abbrev);
  // strace abbreviates termios to its four flag words.
  return fmt::format("{{c_iflag={}, c_oflag={}, c_cflag={}, c_lflag={}, ...}}",
                     xlat_format(xlat_family("termios_iflags"), t.c_iflag, style),
                     termios_word(t.c_oflag, kOflag, "termios_oflags", style),
                     xlat_styled(fmt::format("{:#o}", t.c_cflag), cflag, style),
                     xlat_format(xlat_family("termios_lflags"), t.c_lflag, style));
}

// ioctl's third argument for the requests whose argument strace decodes;
// inputs at entry, outputs at exit.
bool decode_ioctl_arg(pid_t tid, const SyscallEvent& e, ArgValue& v, bool at_entry, XlatStyle style) {
  const auto request = static_cast<std::uint32_t>(e.args[1].raw);
  bool input = false, output = false;
  switch (request) {
    case FIONBIO: case TIOCSWINSZ: case TCSETS: case TCSETSW: case TCSETSF: case TIOCSPGRP:
      input = true;
      break;
    case FIONREAD: case TIOCGWINSZ: case TCGETS: case TIOCGPGRP: case TIOCOUTQ:
      output = true;
      break;
    default:
      return false;
  }
  if (at_entry != input) return input && !v.text.empty();
  (void)output;
  switch (request) {
    case FIONBIO: case FIONREAD: case TIOCOUTQ:
      return decode_int_in_brackets(tid, v, "value");
    case TIOCGPGRP: case TIOCSPGRP:
      return decode_int_in_brackets(tid, v, "pgrp");
    case TIOCGWINSZ: case TIOCSWINSZ: {
      winsize ws;
      if (!read_exact(tid, RemotePtr{v.raw}, &ws, sizeof ws)) return false;
      v.text = fmt::format("{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}", ws.ws_row, ws.ws_col,
                           ws.ws_xpixel, ws.ws_ypixel);
      Out o{v};
      o.field("ws_row", ws.ws_row);
      o.field("ws_col", ws.ws_col);
      o.field("ws_xpixel", ws.ws_xpixel);
      o.field("ws_ypixel", ws.ws_ypixel);
      return true;
    }
    default: {
      struct termios t;
      // The kernel's struct termios is glibc's without the speed fields.
      if (!read_exact(tid, RemotePtr{v.raw}, &t, offsetof(struct termios, c_ispeed))) return false;
      v.text = termios_text(t, style);
      Out o{v};
      o.field("c_iflag", t.c_iflag);
      o.field("c_oflag", t.c_oflag);
      o.field("c_cflag", t.c_cflag);
      o.field("c_lflag", t.c_lflag);
      return true;
    }
  }
}

bool format_ioctl_arg(std::string& out, const SyscallEvent& e, int i, const FormatOptions& options) {
  const ArgValue& v = e.args[i];
  if (i == 1) {
    // strace names these by both of the requests that share the number.
    const char* names = nullptr;
    switch (static_cast<std::uint32_t>(v.raw)) {
      case 0x5402: names = "SNDCTL_TMR_START or TCSETS"; break;
      case 0x5403: names = "SNDCTL_TMR_STOP or TCSETSW"; break;
      case 0x5404: names = "SNDCTL_TMR_CONTINUE or TCSETSF"; break;
      case 0x40049409: names = "BTRFS_IOC_CLONE or FICLONE"; break;
      default: return false;
    }
    out += xlat_styled(fmt::format("{:#x}", static_cast<std::uint32_t>(v.raw)), names, options.xlat_style);
    return true;
  }
  if (i == 2 && static_cast<std::uint32_t>(e.args[1].raw) == 0x40049409) {
    out += format_fd(static_cast<std::int32_t>(v.raw), v.fd_path, v.fd_deleted,
                     options.hex_strings);  // FICLONE: the source fd
    return true;
  }
  return false;
}

const StructDecoder kStructs[] = {
    {"ioctl_arg", [](const StructRead& r) { return decode_ioctl_arg(r.tid, r.e, r.v, r.at_entry, r.style()); },
     [] {
       return std::vector<MemberDesc>{num("value"), num("pgrp"), num("ws_row"), num("ws_col"),
                                      num("ws_xpixel"), num("ws_ypixel"), num("c_iflag", "termios_iflags"),
                                      num("c_oflag", "termios_oflags"), num("c_cflag"),
                                      num("c_lflag", "termios_lflags")};
     }},
};

constexpr SysId kCalls[] = {SysId::ioctl};

}  // namespace

const SyscallFamily& ioctl_family() {
  static const SyscallFamily family{
      .name = "ioctl", .calls = kCalls, .structs = kStructs, .format_arg = format_ioctl_arg};
  return family;
}

}  // namespace syspect::detail
