// Shutdown on SIGINT/SIGTERM for the commands that run servers.
#pragma once

namespace footfall::cli {

// Blocks SIGINT and SIGTERM in the calling thread and every thread it starts afterwards; call
// first thing in main so that no server thread receives them.
void BlockShutdownSignals();

// Waits until SIGINT or SIGTERM arrives, or until `timeout_seconds` passed (< 0: no limit).
// Returns true for a signal.
bool WaitForShutdownSignal(double timeout_seconds = -1);

}  // namespace footfall::cli
