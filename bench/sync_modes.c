// How long one synced 4 KiB write takes on this file system, by the way it is made durable:
// "fdatasync" (pwrite then fdatasync, as the raw log does), "rwf" (pwritev2 with RWF_DSYNC),
// "odsync" (a file opened O_DSYNC), "direct" (O_DIRECT|O_DSYNC, aligned) and "dio" (an O_DIRECT
// pwrite then fdatasync, as the raw log does under `fsync` durability where it can). Writes go in
// order into a 64 MiB file of zeros written and synced first, round and round. Also prints the
// process's CPU time (user + system) per synced write.
//
//   cc -O2 -o /tmp/sync_modes bench/sync_modes.c
//   /tmp/sync_modes DIR fdatasync|rwf|odsync|direct|dio COUNT [BYTES]
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double Cpu(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s DIR fdatasync|rwf|odsync|direct|dio COUNT [BYTES]\n", argv[0]);
    return 2;
  }
  const char* mode = argv[2];
  const int count = atoi(argv[3]);
  const size_t size = argc > 4 ? (size_t)atol(argv[4]) : 4096;
  if (count < 1 || size < 1 || size > (1 << 20)) return 2;
  int flags = O_RDWR | O_CREAT | O_TRUNC;
  if (strcmp(mode, "direct") == 0) flags |= O_DIRECT | O_DSYNC;
  if (strcmp(mode, "odsync") == 0) flags |= O_DSYNC;
  if (strcmp(mode, "dio") == 0) flags |= O_DIRECT;
  const int then_sync = strcmp(mode, "fdatasync") == 0 || strcmp(mode, "dio") == 0;
  char path[4096];
  snprintf(path, sizeof(path), "%s/sync_modes_probe", argv[1]);
  const int fd = open(path, flags, 0644);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  unlink(path);
  void* buffer;
  if (posix_memalign(&buffer, 4096, 1 << 20) != 0) return 1;
  memset(buffer, 0, 1 << 20);
  for (int i = 0; i < 64; ++i) {
    if (pwrite(fd, buffer, 1 << 20, (off_t)i << 20) != 1 << 20) {
      perror("write");
      return 1;
    }
  }
  fsync(fd);
  memset(buffer, 'x', 1 << 20);
  off_t offset = 0;
  const double start = Now();
  const double cpu_start = Cpu();
  for (int i = 0; i < count; ++i) {
    ssize_t written;
    if (strcmp(mode, "rwf") == 0) {
      struct iovec v = {buffer, size};
      written = pwritev2(fd, &v, 1, offset, RWF_DSYNC);
    } else {
      written = pwrite(fd, buffer, size, offset);
      if (written >= 0 && then_sync && fdatasync(fd) != 0) written = -1;
    }
    if (written != (ssize_t)size) {
      perror(mode);
      return 1;
    }
    offset += (off_t)size;
    if (offset + (off_t)size > (64 << 20)) offset = 0;
  }
  const double elapsed = Now() - start;
  const double cpu = Cpu() - cpu_start;
  printf("%-9s %zu bytes: %.3f ms per synced write, %.0f per second, %.1f us of CPU each\n", mode,
         size, elapsed * 1000 / count, count / elapsed, cpu * 1e6 / count);
  return 0;
}
