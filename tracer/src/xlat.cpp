// Constant families: lookups and strace-style rendering over the tables
// generated from tracer/xlat/*.in.

#include "syspect/xlat.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "xlat_families.hpp"

namespace syspect {

namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string dec(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  return buf;
}

// An entry lying wholly within the family's enum field.
bool in_mask(const Xlat& x, const XlatEntry& e) {
  return x.enum_mask != 0 && (e.value & ~x.enum_mask) == 0;
}

}  // namespace

const Xlat* find_xlat(std::string_view family) {
  const auto& all = gen::kAllXlats;
  auto it = std::lower_bound(all.begin(), all.end(), family,
                             [](const Xlat* x, std::string_view f) { return std::string_view(x->family) < f; });
  if (it == all.end() || std::string_view((*it)->family) != family) return nullptr;
  return *it;
}

// The first entry with the value: the .in files list a value's printed name
// before its aliases.
const char* xlat_name(const Xlat& xlat, std::uint64_t value) {
  for (const XlatEntry& e : xlat.entries) {
    if (e.value == value) return e.name;
  }
  return nullptr;
}

std::optional<std::uint64_t> xlat_value(const Xlat& xlat, std::string_view name) {
  for (const XlatEntry& e : xlat.entries) {
    if (name == e.name) return e.value;
  }
  return std::nullopt;
}

std::optional<XlatStyle> parse_xlat_style(std::string_view word) {
  if (word == "abbrev") return XlatStyle::Abbrev;
  if (word == "raw") return XlatStyle::Raw;
  if (word == "verbose") return XlatStyle::Verbose;
  return std::nullopt;
}

std::string xlat_styled(std::string_view number, std::string_view name, XlatStyle style) {
  switch (style) {
    case XlatStyle::Raw:
      return std::string(number);
    case XlatStyle::Verbose:
      if (name == number) return std::string(number);
      return std::string(number) + " /* " + std::string(name) + " */";
    case XlatStyle::Abbrev:
      break;
  }
  return std::string(name);
}

namespace {

// What strace prints for a value an enum family does not name: the number
// in hex, and the family's prefix with "???" ("0xa /* SEEK_??? */").
std::string unknown_enum(const Xlat& xlat, std::uint64_t value) {
  if (xlat.unknown != nullptr) return hex(value) + " /* " + xlat.unknown + " */";
  if (xlat.entries.empty() || !xlat.unknown_hex) return dec(value);
  std::string_view first = xlat.entries.front().name;
  std::size_t cut = first.find('_');
  if (cut == std::string_view::npos || std::string_view(xlat.family) == "ioctl_cmds")
    return hex(value);
  return hex(value) + " /* " + std::string(first.substr(0, cut + 1)) + "??? */";
}

std::string abbrev(const Xlat& xlat, std::uint64_t value);

}  // namespace

std::string xlat_format(const Xlat& xlat, std::uint64_t value, XlatStyle style) {
  if (style == XlatStyle::Abbrev) return abbrev(xlat, value);
  if (xlat.kind == XlatKind::Flags && style == XlatStyle::Verbose && xlat.unknown != nullptr) {
    // No named bit: the number and its comment, as in abbrev.
    std::string named = abbrev(xlat, value);
    if (named.ends_with("??? */")) return named;
  }
  const bool named = xlat.kind == XlatKind::Flags || xlat_name(xlat, value) != nullptr;
  std::string number = value == 0 ? std::string("0") : hex(value);
  if (xlat.kind == XlatKind::Enum && !xlat.unknown_hex && !named) number = dec(value);
  if (style == XlatStyle::Raw || !named) return style == XlatStyle::Raw ? number : abbrev(xlat, value);
  return xlat_styled(number, abbrev(xlat, value), style);
}

namespace {

std::string abbrev(const Xlat& xlat, std::uint64_t value) {
  if (xlat.kind == XlatKind::Enum) {
    if (const char* name = xlat_name(xlat, value)) return name;
    return unknown_enum(xlat, value);
  }

  if (value == 0) {
    // A family may name the empty set (PROT_NONE, F_OK, O_RDONLY).
    for (const XlatEntry& e : xlat.entries) {
      if (e.value == 0) return e.name;
    }
    return "0";
  }

  std::string out;
  auto append = [&out](std::string_view part) {
    if (!out.empty()) out += '|';
    out += part;
  };
  std::uint64_t rest = value;
  if (xlat.enum_mask != 0) {
    const std::uint64_t field = value & xlat.enum_mask;
    for (const XlatEntry& e : xlat.entries) {
      if (in_mask(xlat, e) && e.value == field) {
        append(e.name);
        rest &= ~xlat.enum_mask;
        break;
      }
    }
  }
  for (const XlatEntry& e : xlat.entries) {
    if (e.value == 0 || in_mask(xlat, e)) continue;
    if ((rest & e.value) == e.value) {
      append(e.name);
      rest &= ~e.value;
    }
  }
  if (rest != 0 && out.empty() && xlat.unknown != nullptr)
    return hex(rest) + " /* " + xlat.unknown + " */";  // strace: "0x2 /* FSOPEN_??? */"
  if (rest != 0) append(hex(rest));
  return out;
}

}  // namespace

const Xlat& errno_names() { return gen::kXlat_errnos; }
const Xlat& signal_names() { return gen::kXlat_signals; }

const char* errno_name(int err) {
  if (err <= 0) return nullptr;
  return xlat_name(gen::kXlat_errnos, static_cast<std::uint64_t>(err));
}

std::string errno_message(int err) {
  // The kernel-internal restart codes: strace's own wording.
  switch (err) {
    case 512:  // ERESTARTSYS
      return "To be restarted if SA_RESTART is set";
    case 513:  // ERESTARTNOINTR
      return "To be restarted";
    case 514:  // ERESTARTNOHAND
      return "To be restarted if no handler";
    case 515:  // ENOIOCTLCMD
      return "Inappropriate ioctl for device";
    case 516:  // ERESTART_RESTARTBLOCK
      return "Interrupted by signal";
    default:
      break;
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  // glibc's text for the number, independent of the locale.
  if (const char* text = strerrordesc_np(err)) return text;
#else
  if (err > 0 && err < 512) {
    const char* text = std::strerror(err);
    if (text != nullptr && std::strncmp(text, "Unknown error", 13) != 0) return text;
  }
#endif
  return "Unknown error " + std::to_string(err);
}

std::string signal_format(int sig, XlatStyle style) {
  return xlat_styled(std::to_string(sig), signal_name(sig), style);
}

std::string signal_name(int sig) {
  if (sig >= 1 && sig <= 31) {
    if (const char* name = xlat_name(gen::kXlat_signals, static_cast<std::uint64_t>(sig))) return name;
  }
  if (sig == 32) return "SIGRTMIN";
  if (sig > 32 && sig <= 64) return "SIGRT_" + std::to_string(sig - 32);
  return std::to_string(sig);
}

}  // namespace syspect
