#include "syspect/tracing.hpp"

#include "syspect/sinks.hpp"

#include "own_thread.hpp"

namespace syspect {

TraceStartError::TraceStartError(TraceError error)
    : std::runtime_error(error.message), error_(std::move(error)) {}

Result<Trace, TraceError> try_trace(const std::vector<std::string>& argv,
                                    const TraceOptions& options) {
  Tracer tracer(options);
  TraceSink sink(argv);
  tracer.add_sink(&sink);
  auto result = detail::on_own_thread([&] { return tracer.run(argv); });
  if (!result) return unexpected(result.error());
  sink.trace.set_result(*result);
  return std::move(sink.trace);
}

Trace trace(const std::vector<std::string>& argv, const TraceOptions& options) {
  auto t = try_trace(argv, options);
  if (!t) throw TraceStartError(t.error());
  return std::move(t).value();
}

}  // namespace syspect
