// How footfall's processes use the C library's allocator.
//
// By default glibc hands large freed blocks straight back to the kernel (munmap for blocks
// above a threshold that starts at 128 KiB, and trimming the top of the heap above 128 KiB).
// footfall's work frees and allocates the same large buffers over and over (a column chunk per
// Parquet row group, a shuffle partition per map task), and each time the kernel gives the
// memory back it must fault in and zero fresh pages: on a virtual machine that was most of the
// time of a Parquet scan. Keeping freed memory for reuse removes that, at the price of a
// process that stays at its peak size until ReturnFreedMemory.
#pragma once

namespace footfall {

// Keeps freed memory in the process for reuse: blocks up to 32 MiB come from the heap, and the
// heap is trimmed only when over 1 GiB of its top is free. Call once, early in main, before
// other threads start. A no-op where the allocator is not glibc's (or is a sanitizer's).
void KeepFreedMemory();

// Hands the free memory kept so far back to the kernel: for long-running processes, after a
// burst of work (a batch rebuild) that will not come back soon.
void ReturnFreedMemory();

}  // namespace footfall
