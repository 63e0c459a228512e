#include "syspect/tracing.hpp"

#include "syspect/sinks.hpp"

#include "fd_files.hpp"
#include "own_thread.hpp"

namespace syspect {

TraceStartError::TraceStartError(TraceError error, CallSite where)
    : ::testing::AssertionException(::testing::TestPartResult(::testing::TestPartResult::kFatalFailure,
                                                              where.file, where.line,
                                                              error.message.c_str())),
      error_(std::move(error)) {}

namespace detail {

[[noreturn]] void fail_to_start(TraceError error, const CallSite& where) {
  std::string text = "syspect could not trace: " + error.message;
  GTEST_MESSAGE_AT_(where.file, where.line, text.c_str(), ::testing::TestPartResult::kFatalFailure);
  throw TraceStartError(std::move(error), where);
}

}  // namespace detail

Result<Trace, TraceError> try_trace(const std::vector<std::string>& argv,
                                    const TraceOptions& options) {
  Tracer tracer(options);
  TraceSink sink(argv);
  detail::FdFileSink files(sink);
  tracer.add_sink(&files);
  auto result = detail::on_own_thread([&] { return tracer.run(argv); });
  if (!result) return unexpected(result.error());
  sink.trace.set_result(*result);
  return std::move(sink.trace);
}

Trace trace(const std::vector<std::string>& argv, const TraceOptions& options, CallSite where) {
  auto t = try_trace(argv, options);
  if (!t) detail::fail_to_start(t.error(), where);
  return std::move(t).value();
}

}  // namespace syspect
