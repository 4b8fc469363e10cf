// Naming the calling thread, so that `top -H`, `ps -L` and perf show what each thread does.
#pragma once

namespace footfall {

// Sets the calling thread's name (Linux keeps the first 15 bytes).
void NameThisThread(const char* name);

}  // namespace footfall
