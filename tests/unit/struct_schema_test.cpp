// The decoders' declared schema: the docs list exactly its members, and
// every argument whose family depends on another is printed by the family
// the schema names for it (what the printer shows is what a spec may say).

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "hand_made.hpp"
#include "syspect/format.hpp"
#include "syspect/struct_schema.hpp"
#include "syspect/xlat.hpp"

namespace syspect {
namespace {

using testing_events::call;

std::string member_row(const StructSchema& s) {
  std::string row = fmt::format("| `{}` |", s.struct_name);
  std::vector<std::string> names = member_names(s);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const MemberDesc& m = s.members[i];
    row += fmt::format("{} `{}`", i ? "," : "", names[i]);
    if (m.is_text) row += " (text)";
    if (m.is_signal) row += " (signal)";
    if (m.family) row += fmt::format(" ({})", m.family);
  }
  return row + " |\n";
}

// docs/output.md's table of members is the schema, row for row.
TEST(StructSchema, TheDocsListEveryMemberOfTheSchema) {
  std::string want = "| struct | members |\n| --- | --- |\n";
  for (const StructSchema& s : struct_schemas()) want += member_row(s);
  std::ifstream in(SYSPECT_DOCS_DIR "/output.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  const std::string begin = "<!-- members: generated from struct_schemas() -->\n";
  const std::string end = "<!-- members: end -->";
  auto b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos) << "no members table in docs/output.md";
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(doc.substr(b + begin.size(), e - b - begin.size()), want)
      << "docs/output.md's members table should read:\n" << want;
}

TEST(StructSchema, MembersAreFoundByIndexedName) {
  const StructSchema* poll = struct_schema("pollfd");
  ASSERT_NE(poll, nullptr);
  EXPECT_NE(find_member(*poll, "[0].fd"), nullptr);
  EXPECT_NE(find_member(*poll, "[12].revents"), nullptr);
  EXPECT_EQ(find_member(*poll, "[0].fdd"), nullptr);
  EXPECT_EQ(find_member(*poll, "fd"), nullptr);
  const StructSchema* statfs = struct_schema("statfs");
  ASSERT_NE(statfs, nullptr);
  EXPECT_NE(find_member(*statfs, "f_fsid.val[1]"), nullptr);
  EXPECT_EQ(struct_schema("timex64"), nullptr);  // not decoded into members
  for (const StructSchema& s : struct_schemas())
    for (const MemberDesc& m : s.members)
      if (m.family) {
        EXPECT_NE(find_xlat(m.family), nullptr) << s.struct_name << "." << m.name;
      }
}

// For each dependent family: a call whose other argument selects it prints
// the family's first name, the name a spec gives for it.
TEST(StructSchema, DependentArgumentsPrintByTheDeclaredFamily) {
  std::size_t checked = 0;
  for (const SyscallDesc& d : syscall_table(Abi::x86_64)) {
    for (int i = 0; i < d.nargs; ++i) {
      for (const DependentFamily& f : dependent_families(d, i)) {
        const Xlat* x = find_xlat(f.family);
        ASSERT_NE(x, nullptr) << f.family;
        ASSERT_EQ(dependent_family(d, i, f.on_value), x);
        // A name whose value is not 0 (0 often prints as a plain number).
        const XlatEntry* entry = nullptr;
        for (const XlatEntry& e : x->entries)
          if (e.value != 0 && (entry == nullptr)) entry = &e;
        ASSERT_NE(entry, nullptr);
        SyscallEvent e = call(d.name, {0, 0, 0, 0, 0, 0});
        e.nargs = d.nargs;
        for (int k = 0; k < d.nargs; ++k) e.args[k].form = ArgValue::Form::Number;
        e.args[f.on_arg].raw = f.on_value;
        e.args[f.on_arg].num = static_cast<std::int64_t>(f.on_value);
        // prctl's capability argument: PR_CAP_AMBIENT selects the operation.
        if (f.on_arg > 0 && std::string_view(d.name) == "prctl") {
          e.args[0].raw = 47;  // PR_CAP_AMBIENT
          e.args[0].num = 47;
        }
        e.args[i].raw = entry->value;
        e.args[i].num = static_cast<std::int64_t>(entry->value);
        FormatOptions options;
        options.align = false;
        std::string text = format_syscall(e, options);
        EXPECT_NE(text.find(entry->name), std::string::npos)
            << d.name << " argument " << i << " with " << f.family << ": " << text;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 15u);
}

}  // namespace
}  // namespace syspect
