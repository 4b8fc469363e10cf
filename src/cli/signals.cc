#include "cli/signals.h"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace footfall::cli {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  const sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool WaitForShutdownSignal(double timeout_seconds) {
  const sigset_t set = ShutdownSet();
  if (timeout_seconds < 0) {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    return true;
  }
  timespec ts;
  ts.tv_sec = static_cast<time_t>(timeout_seconds);
  ts.tv_nsec = static_cast<long>((timeout_seconds - static_cast<double>(ts.tv_sec)) * 1e9);
  for (;;) {
    const int rc = sigtimedwait(&set, nullptr, &ts);
    if (rc > 0) return true;
    if (errno == EAGAIN) return false;
    // EINTR: another signal; keep waiting (the remaining time is approximate, which is fine).
  }
}

}  // namespace footfall::cli
