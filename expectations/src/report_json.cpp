// The JSON report: the text report's content, for programs.

#include <nlohmann/json.hpp>

#include "syspect/report.hpp"
#include "syspect/xlat.hpp"

namespace syspect {

std::string render_json(const CheckReport& r) {
  using nlohmann::json;
  json rules = json::array();
  for (const auto& rule : r.rules) {
    json groups = json::array();
    for (const auto& g : rule.groups) {
      json calls = json::array();
      for (const auto& c : g.calls) {
        json jc = {{"text", c.text}, {"count", c.count}, {"notes", c.notes}};
        if (c.pid != 0) {
          jc["pid"] = c.pid;
          jc["exe"] = c.exe;
        }
        if (!c.stack.empty()) {
          jc["stack"] = c.stack;
          json frames = json::array();
          for (const StackFrame& f : c.frames) {
            json jf = {{"address", f.address}, {"module", f.module}, {"module_offset", f.module_offset}};
            if (!f.symbol.empty()) jf.update({{"symbol", f.symbol}, {"offset", f.offset}});
            if (!f.file.empty()) jf.update({{"file", f.file}, {"line", f.line}});
            frames.push_back(std::move(jf));
          }
          jc["frames"] = std::move(frames);
        }
        calls.push_back(std::move(jc));
      }
      groups.push_back({{"heading", g.heading}, {"calls", std::move(calls)}});
    }
    rules.push_back({{"kind", rule.kind},
                     {"name", rule.name},
                     {"line", rule.line},
                     {"passed", rule.passed},
                     {"required", rule.required},
                     {"observed", rule.observed},
                     {"hints", rule.hints},
                     {"groups", std::move(groups)}});
  }
  json target = {{"started", r.result.started},
                 {"exited", r.result.exited},
                 {"signaled", r.result.signaled},
                 {"timed_out", r.result.timed_out},
                 {"interrupted", r.result.interrupted},
                 {"detached", r.result.detached},
                 {"status", r.result.status()},
                 {"description", describe_status(r.result)}};
  if (r.result.signaled) target["signal"] = signal_name(r.result.term_signal);
  else target["exit_code"] = r.result.exit_code;
  if (r.result.interrupt_signal != 0) target["interrupt_signal"] = signal_name(r.result.interrupt_signal);
  json doc = {{"syspect", 1},
              {"spec", r.spec},
              {"command", r.command},
              {"passed", r.passed()},
              {"complete", r.complete()},
              {"cut_short", r.complete() ? json(nullptr) : json(describe_cut_short(r.result))},
              {"target", std::move(target)},
              {"rules", std::move(rules)},
              {"summary", {{"rules", r.rules.size()}, {"failed", r.failed()}}}};
  return doc.dump(2) + "\n";
}

}  // namespace syspect
