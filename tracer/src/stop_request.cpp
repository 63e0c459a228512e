#include "stop_request.hpp"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>

namespace syspect::detail {
namespace {

void on_wake(int) {}

constexpr long kRepeatNs = 20'000'000;

}  // namespace

int StopRequest::wake_signal() { return SIGRTMAX - 1; }

void StopRequest::request(int signal) {
  signal_.store(signal);
  requested_.store(true);
  if (!armed_.load()) return;
  itimerspec every{};
  every.it_value.tv_nsec = 1;  // now
  every.it_interval.tv_nsec = kRepeatNs;
  (void)::timer_settime(timer_, 0, &every, nullptr);
}

void StopRequest::disarm() {
  if (!armed_.load()) return;
  itimerspec off{};
  (void)::timer_settime(timer_, 0, &off, nullptr);
}

bool StopRequest::begin_loop() {
  end_loop();
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction old {};
    if (::sigaction(wake_signal(), nullptr, &old) != 0 || old.sa_handler != SIG_DFL) return;
    struct sigaction sa {};
    sa.sa_handler = on_wake;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the point is to interrupt waitpid
    (void)::sigaction(wake_signal(), &sa, nullptr);
  });
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = wake_signal();
  ev._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
  if (::timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) return false;
  sigset_t wake, old;
  sigemptyset(&wake);
  sigaddset(&wake, wake_signal());
  if (::pthread_sigmask(SIG_UNBLOCK, &wake, &old) == 0) unblocked_ = sigismember(&old, wake_signal()) == 1;
  armed_.store(true);
  // A request made before the loop began (a signal during the spawn).
  if (requested()) request(signal());
  return true;
}

void StopRequest::end_loop() {
  if (!armed_.exchange(false)) return;
  (void)::timer_delete(timer_);
  if (unblocked_) {
    sigset_t wake;
    sigemptyset(&wake);
    sigaddset(&wake, wake_signal());
    (void)::pthread_sigmask(SIG_BLOCK, &wake, nullptr);
    unblocked_ = false;
  }
}

}  // namespace syspect::detail
