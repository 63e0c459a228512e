#pragma once
// A stop asked of one Tracer, from any thread or from a signal handler.
//
// The tracer's loop blocks in waitpid. A request sets a flag and wakes the
// loop with a signal sent to the loop's own thread (a POSIX timer with
// SIGEV_THREAD_ID), repeated every 20 ms until the loop has seen the flag:
// a signal that lands just before waitpid blocks would otherwise go unseen.
// Only that thread is ever interrupted, and only while it waits for
// tracees; nothing else in the process sees the signal.

#include <signal.h>
#include <time.h>

#include <atomic>

namespace syspect::detail {

class StopRequest {
 public:
  StopRequest() = default;
  ~StopRequest() { end_loop(); }
  StopRequest(const StopRequest&) = delete;
  StopRequest& operator=(const StopRequest&) = delete;

  // A new run: no request yet.
  void reset() {
    requested_.store(false);
    signal_.store(0);
  }
  // Async-signal-safe. `signal`: the signal that asked, or 0.
  void request(int signal);
  bool requested() const { return requested_.load(std::memory_order_relaxed); }
  int signal() const { return signal_.load(std::memory_order_relaxed); }
  // The loop has seen the request: no more wake-ups.
  void disarm();

  // The calling thread is about to run the loop: wake-ups go to it. Returns
  // false when no wake-up can be set up (requests are then seen only when a
  // tracee next stops).
  bool begin_loop();
  void end_loop();

  // The signal that interrupts the loop's waitpid (a real-time signal; its
  // handler does nothing, and is installed only where the signal still has
  // its default action).
  static int wake_signal();

 private:
  std::atomic<bool> requested_{false};
  std::atomic<int> signal_{0};
  std::atomic<bool> armed_{false};  // timer_ is valid
  timer_t timer_{};
  bool unblocked_ = false;  // begin_loop unblocked the wake signal
};

}  // namespace syspect::detail
