// How long one synced 4 KiB write takes on this file system, by the way it is made durable:
// "fdatasync" (pwrite then fdatasync, as the raw log does), "rwf" (pwritev2 with RWF_DSYNC),
// "odsync" (a file opened O_DSYNC) and "direct" (O_DIRECT|O_DSYNC, aligned). Writes go in order
// into a 64 MiB file of zeros written and synced first, round and round.
//
//   cc -O2 -o /tmp/sync_modes bench/sync_modes.c
//   /tmp/sync_modes DIR fdatasync|rwf|odsync|direct COUNT [BYTES]
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s DIR fdatasync|rwf|odsync|direct COUNT [BYTES]\n", argv[0]);
    return 2;
  }
  const char* mode = argv[2];
  const int count = atoi(argv[3]);
  const size_t size = argc > 4 ? (size_t)atol(argv[4]) : 4096;
  if (count < 1 || size < 1 || size > (1 << 20)) return 2;
  int flags = O_RDWR | O_CREAT | O_TRUNC;
  if (strcmp(mode, "direct") == 0) flags |= O_DIRECT | O_DSYNC;
  if (strcmp(mode, "odsync") == 0) flags |= O_DSYNC;
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
  for (int i = 0; i < count; ++i) {
    ssize_t written;
    if (strcmp(mode, "rwf") == 0) {
      struct iovec v = {buffer, size};
      written = pwritev2(fd, &v, 1, offset, RWF_DSYNC);
    } else {
      written = pwrite(fd, buffer, size, offset);
      if (written >= 0 && strcmp(mode, "fdatasync") == 0 && fdatasync(fd) != 0) written = -1;
    }
    if (written != (ssize_t)size) {
      perror(mode);
      return 1;
    }
    offset += (off_t)size;
    if (offset + (off_t)size > (64 << 20)) offset = 0;
  }
  const double elapsed = Now() - start;
  printf("%-9s %zu bytes: %.3f ms per synced write, %.0f per second\n", mode, size,
         elapsed * 1000 / count, count / elapsed);
  return 0;
}
