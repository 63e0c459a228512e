#include "unwind.hpp"

#include <cxxabi.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <sys/mman.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "syscall_ids.hpp"

namespace syspect::detail {

namespace {

// strace's limit: a deeper stack is cut here.
constexpr std::size_t kMaxFrames = 256;
// The per-process caches are cleared when they grow past these, so that a
// long run with many call sites (a JIT, a fuzzer) holds a bounded amount.
constexpr std::size_t kMaxCachedFrames = std::size_t{1} << 16;
constexpr std::size_t kMaxCachedStacks = std::size_t{1} << 14;
constexpr std::size_t kMaxFiles = 1024;
// In a cache key: the frame is the innermost one (its address is the
// instruction after the syscall, not a return address).
constexpr std::uint64_t kActivation = std::uint64_t{1} << 63;

char* debuginfo_path = nullptr;
const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

struct KeyHash {
  std::size_t operator()(const std::vector<std::uint64_t>& k) const {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::uint64_t v : k) h = (h ^ v) * 0x100000001b3ull;
    return static_cast<std::size_t>(h);
  }
};

int collect(Dwfl_Frame* state, void* arg) {
  auto* pcs = static_cast<std::vector<std::uint64_t>*>(arg);
  Dwarf_Addr pc = 0;
  bool activation = false;
  if (!dwfl_frame_pc(state, &pc, &activation)) return DWARF_CB_ABORT;
  pcs->push_back(activation ? pc | kActivation : pc);
  return pcs->size() >= kMaxFrames ? DWARF_CB_ABORT : DWARF_CB_OK;
}

// A symbol's name as its function is known: `__libc_start_main`, not the
// versioned `__libc_start_main@@GLIBC_2.34` of a debug file's symbol table;
// C++ names demangled.
std::string demangle(const char* versioned) {
  std::string plain(versioned);
  if (auto at = plain.find('@'); at != std::string::npos && at > 0) plain.resize(at);
  const char* name = plain.c_str();
  if (name[0] != '_' || name[1] != 'Z') return plain;
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (out == nullptr) return plain;
  std::string s(out);
  std::free(out);
  return s;
}

// What an address of an ELF file is: its function and the offset into it,
// and its source file and line (with `lines` and debug info).
struct Resolved {
  std::string symbol;
  std::uint64_t offset = 0;
  std::string file;
  int line = 0;
};

// The source line of `addr` found by walking the compile units: libdw's
// own lookup (dwfl_module_getsrc) goes through .debug_aranges, which clang
// does not emit, and so finds nothing in a clang-built program.
bool line_by_units(Dwfl_Module* mod, Dwarf_Addr addr, Resolved& r) {
  Dwarf_Addr bias = 0;
  Dwarf* dw = dwfl_module_getdwarf(mod, &bias);
  if (dw == nullptr) return false;
  const Dwarf_Addr pc = addr - bias;
  Dwarf_Off offset = 0, next = 0;
  std::size_t header = 0;
  while (dwarf_nextcu(dw, offset, &next, &header, nullptr, nullptr, nullptr) == 0) {
    Dwarf_Die unit;
    if (dwarf_offdie(dw, offset + header, &unit) != nullptr && dwarf_haspc(&unit, pc) == 1) {
      Dwarf_Line* line = dwarf_getsrc_die(&unit, pc);
      const char* file = line ? dwarf_linesrc(line, nullptr, nullptr) : nullptr;
      int lineno = 0;
      if (file == nullptr || dwarf_lineno(line, &lineno) != 0) return false;
      r.file = file;
      r.line = lineno;
      return true;
    }
    offset = next;
  }
  return false;
}

Resolved resolve(Dwfl_Module* mod, Dwarf_Addr addr, bool lines) {
  Resolved r;
  GElf_Off off = 0;
  GElf_Sym sym;
  if (const char* name = dwfl_module_addrinfo(mod, addr, &off, &sym, nullptr, nullptr, nullptr)) {
    r.symbol = demangle(name);
    r.offset = off;
  }
  if (!lines) return r;
  if (Dwfl_Line* line = dwfl_module_getsrc(mod, addr)) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
      r.file = file;
      r.line = lineno;
    }
  }
  if (r.file.empty()) line_by_units(mod, addr, r);
  return r;
}

const Dwfl_Callbacks kOfflineCallbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

// The build ID of a module, as a key; empty when it has none.
std::string build_id(Dwfl_Module* mod) {
  const unsigned char* bits = nullptr;
  GElf_Addr vaddr = 0;
  int n = dwfl_module_build_id(mod, &bits, &vaddr);
  return n > 0 ? std::string(reinterpret_cast<const char*>(bits), static_cast<std::size_t>(n)) : std::string();
}

struct ModuleRange {
  std::uint64_t begin;
  std::uint64_t end;
  bool hit = false;
};

int overlaps(Dwfl_Module* mod, void**, const char*, Dwarf_Addr low, void* arg) {
  auto* r = static_cast<ModuleRange*>(arg);
  Dwarf_Addr high = 0;
  (void)dwfl_module_info(mod, nullptr, nullptr, &high, nullptr, nullptr, nullptr, nullptr);
  if (low < r->end && r->begin < high) {
    r->hit = true;
    return DWARF_CB_ABORT;
  }
  return DWARF_CB_OK;
}

}  // namespace

// One ELF file's symbols and line tables, for every process that maps it
// (a libc's debug file takes most of a second to index: once per run, not
// once per process). Found by the module's build ID; addresses are the
// file's own (the load bias taken off).
struct Unwinder::Symbols {
  Dwfl* dwfl = nullptr;
  Dwfl_Module* mod = nullptr;
  Dwarf_Addr bias = 0;
  std::unordered_map<std::uint64_t, Resolved> cache;  // by file address (| kActivation)

  ~Symbols() {
    if (dwfl) dwfl_end(dwfl);
  }
};

struct Unwinder::Process {
  Dwfl* dwfl = nullptr;
  bool stale = true;      // the modules must be read (again) from /proc/PID/maps
  bool attached = false;  // dwfl_linux_proc_attach done
  bool broken = false;    // libdw could not attach: no stacks for this process
  std::unordered_map<std::uint64_t, StackFrame> frames;
  std::unordered_map<std::vector<std::uint64_t>, Stack, KeyHash> stacks;
  std::vector<std::uint64_t> pcs;  // scratch

  Process() : dwfl(dwfl_begin(&kCallbacks)) { broken = dwfl == nullptr; }
  ~Process() {
    if (dwfl) dwfl_end(dwfl);
  }

  bool ready(pid_t tgid) {
    if (broken) return false;
    if (stale) {
      dwfl_report_begin(dwfl);
      int r = dwfl_linux_proc_report(dwfl, tgid);
      if (dwfl_report_end(dwfl, nullptr, nullptr) != 0 || r != 0) return false;
      stale = false;
      frames.clear();
      stacks.clear();
    }
    if (!attached) {
      if (dwfl_linux_proc_attach(dwfl, tgid, /*assume_ptrace_stopped=*/true) != 0) {
        broken = true;
        return false;
      }
      attached = true;
    }
    return true;
  }
};

Unwinder::Unwinder(bool lines) : lines_(lines) {}
Unwinder::~Unwinder() = default;

Unwinder::Symbols* Unwinder::symbols_for(Dwfl_Module* mod) {
  const char* name = dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  GElf_Addr bias = 0;
  if (name == nullptr || name[0] != '/' || dwfl_module_getelf(mod, &bias) == nullptr) return nullptr;
  std::string id = build_id(mod);
  if (id.empty()) return nullptr;  // no way to know the file on disk is the one mapped
  auto it = files_.find(id);
  if (it != files_.end()) return it->second.get();
  if (files_.size() >= kMaxFiles) files_.clear();
  auto syms = std::make_unique<Symbols>();
  syms->dwfl = dwfl_begin(&kOfflineCallbacks);
  if (syms->dwfl) {
    dwfl_report_begin(syms->dwfl);
    syms->mod = dwfl_report_offline(syms->dwfl, name, name, -1);
    dwfl_report_end(syms->dwfl, nullptr, nullptr);
  }
  // The file at that path now may not be the one the process mapped.
  if (syms->mod == nullptr || dwfl_module_getelf(syms->mod, &syms->bias) == nullptr ||
      build_id(syms->mod) != id)
    syms.reset();
  return files_.emplace(std::move(id), std::move(syms)).first->second.get();
}

StackFrame Unwinder::symbolize(Dwfl* dwfl, std::uint64_t key) {
  StackFrame f;
  f.address = key & ~kActivation;
  // A return address may be the first byte after the calling function (a
  // call to a function that never returns): look up the call instruction.
  Dwarf_Addr lookup = (key & kActivation) ? f.address : f.address - 1;
  Dwfl_Module* mod = dwfl_addrmodule(dwfl, lookup);
  if (mod == nullptr) return f;
  Dwarf_Addr start = 0;
  if (const char* name = dwfl_module_info(mod, nullptr, &start, nullptr, nullptr, nullptr, nullptr, nullptr))
    f.module = name;
  f.module_offset = f.address - start;
  Resolved r;
  if (Symbols* syms = symbols_for(mod)) {
    GElf_Addr bias = 0;
    (void)dwfl_module_getelf(mod, &bias);
    std::uint64_t file_addr = lookup - bias;
    std::uint64_t k = file_addr | (key & kActivation);
    auto hit = syms->cache.find(k);
    if (hit == syms->cache.end()) {
      if (syms->cache.size() >= kMaxCachedFrames) syms->cache.clear();
      hit = syms->cache.emplace(k, resolve(syms->mod, file_addr + syms->bias, lines_)).first;
    }
    r = hit->second;
  } else {
    r = resolve(mod, lookup, lines_);  // [vdso], a file without a build ID
  }
  f.symbol = std::move(r.symbol);
  if (!f.symbol.empty()) f.offset = r.offset + (f.address - lookup);
  f.file = std::move(r.file);
  f.line = r.line;
  return f;
}

Stack Unwinder::unwind(pid_t tgid, pid_t tid) {
  std::unique_ptr<Process>& slot = procs_[tgid];
  if (!slot) slot = std::make_unique<Process>();
  Process& p = *slot;
  if (!p.ready(tgid)) return nullptr;
  p.pcs.clear();
  // An error after some frames (an unreadable return address, the end of
  // the CFI) still leaves the frames found so far.
  (void)dwfl_getthread_frames(p.dwfl, tid, collect, &p.pcs);
  if (p.pcs.empty()) return nullptr;
  auto it = p.stacks.find(p.pcs);
  if (it != p.stacks.end()) return it->second;
  auto frames = std::make_shared<std::vector<StackFrame>>();
  frames->reserve(p.pcs.size());
  for (std::uint64_t key : p.pcs) {
    auto f = p.frames.find(key);
    if (f == p.frames.end()) {
      if (p.frames.size() >= kMaxCachedFrames) p.frames.clear();
      f = p.frames.emplace(key, symbolize(p.dwfl, key)).first;
    }
    frames->push_back(f->second);
  }
  if (p.stacks.size() >= kMaxCachedStacks) p.stacks.clear();
  Stack stack = std::move(frames);
  p.stacks.emplace(p.pcs, stack);
  return stack;
}

void Unwinder::after_call(const SyscallEvent& e) {
  if (e.desc == nullptr || e.err != 0 || e.blocked || !e.finished) return;
  auto it = procs_.find(e.pid);
  if (it == procs_.end() || it->second->stale) return;
  Process& p = *it->second;
  const std::uint64_t prot = e.args[2].raw;
  switch (e.desc->id) {
    case SysId::mmap:
    case SysId::mmap2:
    case SysId::mprotect:
    case SysId::pkey_mprotect:
      if (prot & PROT_EXEC) p.stale = true;
      break;
    case SysId::munmap:
    case SysId::mremap: {
      // Only an unmapped (or moved) range that held a module matters: a
      // freed heap block does not change how stacks unwind.
      ModuleRange r{e.args[0].raw, e.args[0].raw + e.args[1].raw};
      (void)dwfl_getmodules(p.dwfl, overlaps, &r, 0);
      if (r.hit) p.stale = true;
      break;
    }
    default:
      break;
  }
}

void Unwinder::forget(pid_t tgid) { procs_.erase(tgid); }

}  // namespace syspect::detail
