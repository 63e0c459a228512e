// The JUnit XML report: one <testcase> per rule, a <failure> holding the
// text report's block for each failed one. The shape is the one Jenkins,
// GitLab and the other CI servers read (the Ant JUnit schema).

#include <filesystem>

#include <fmt/format.h>

#include "syspect/format.hpp"
#include "syspect/report.hpp"

namespace syspect {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n':
      case '\t': out += static_cast<char>(c); break;
      default:
        // XML 1.0 has no way to carry other control characters.
        if (c < 0x20) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string render_junit(const CheckReport& r) {
  std::string stem = std::filesystem::path(r.spec).stem().string();
  std::string classname = "syspect." + (stem.empty() ? std::string("spec") : stem);
  std::size_t failed = r.failed();
  // A run cut short is one more test case, in error: every rule saw only
  // part of the run.
  std::size_t errors = r.complete() ? 0 : 1;
  std::size_t tests = r.rules.size() + errors;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // The run's real start and duration, as CI servers show them.
  std::string time = fmt::format("{:.3f}", r.seconds);
  std::string timestamp = r.started.empty() ? std::string() : fmt::format(" timestamp=\"{}\"", xml_escape(r.started));
  out += fmt::format("<testsuites name=\"syspect\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n",
                     tests, failed, errors, time);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{}\" "
      "hostname=\"localhost\"{} id=\"0\" package=\"syspect\">\n",
      xml_escape(r.spec), tests, failed, errors, time, timestamp);
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"command\" value=\"{}\"/>\n", xml_escape(shell_quote(r.command)));
  out += fmt::format("      <property name=\"target\" value=\"{}\"/>\n", xml_escape(describe_status(r.result)));
  out += "    </properties>\n";
  for (const auto& rule : r.rules) {
    out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"0\"", xml_escape(rule.name),
                       xml_escape(classname));
    if (rule.passed) {
      out += "/>\n";
      continue;
    }
    out += ">\n";
    out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(rule.observed),
                       xml_escape(rule.kind), xml_escape(render_text_block(r, rule)));
    out += "    </testcase>\n";
  }
  if (!r.complete()) {
    std::string why = fmt::format("the run did not end on its own: {}", describe_cut_short(r.result));
    out += fmt::format("    <testcase name=\"the run ends on its own\" classname=\"{}\" time=\"0\">\n",
                       xml_escape(classname));
    out += fmt::format("      <error message=\"{}\" type=\"incomplete\">target {}; the rules saw only part of the "
                       "run, so the check does not pass</error>\n",
                       xml_escape(why), xml_escape(describe_status(r.result)));
    out += "    </testcase>\n";
  }
  out += fmt::format("    <system-out>target {}</system-out>\n", xml_escape(describe_status(r.result)));
  out += "    <system-err></system-err>\n";
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace syspect
