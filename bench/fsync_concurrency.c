// How many fdatasync calls per second this file system completes when several run at once:
// each thread appends 4 KiB and syncs, in a loop, for the given seconds. With "files" every
// thread has a file of its own (as shards of a log would); with "same" they share one file.
// Each file is 64 MiB of zeros first, written and synced, so that syncs write data only.
//
//   cc -O2 -pthread -o /tmp/fsync_concurrency bench/fsync_concurrency.c
//   /tmp/fsync_concurrency DIR files|same THREADS SECONDS
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds;
static const char* dir;
static int same_file;
static int shared_fd = -1;
static atomic_long shared_offset;

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int OpenZeroed(long id) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/fsync_probe_%ld", dir, id);
  const int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(path);
    exit(1);
  }
  unlink(path);  // gone when closed
  char* zeros = calloc(1, 1 << 20);
  for (int i = 0; i < 64; ++i) {
    if (write(fd, zeros, 1 << 20) != 1 << 20) {
      perror("write");
      exit(1);
    }
  }
  free(zeros);
  fsync(fd);
  return fd;
}

static void* Run(void* arg) {
  const long id = (long)arg;
  const int fd = same_file ? shared_fd : OpenZeroed(id);
  char block[4096];
  memset(block, 'x', sizeof(block));
  long syncs = 0, offset = 0;
  const double start = Now();
  while (Now() - start < seconds) {
    // Round the 64 MiB: written blocks are written again, which a sync must write back as well.
    const long at = (same_file ? atomic_fetch_add(&shared_offset, 4096) : offset) % (64L << 20);
    offset += 4096;
    if (pwrite(fd, block, sizeof(block), at) != (ssize_t)sizeof(block) || fdatasync(fd) != 0) {
      perror("pwrite/fdatasync");
      exit(1);
    }
    ++syncs;
  }
  if (!same_file) close(fd);
  return (void*)syncs;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s DIR files|same THREADS SECONDS\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  same_file = strcmp(argv[2], "same") == 0;
  const int threads = atoi(argv[3]);
  seconds = atof(argv[4]);
  if (threads < 1 || threads > 64 || seconds <= 0) return 2;
  if (same_file) shared_fd = OpenZeroed(0);
  pthread_t t[64];
  for (long i = 0; i < threads; ++i) pthread_create(&t[i], NULL, Run, (void*)i);
  long total = 0;
  for (int i = 0; i < threads; ++i) {
    void* n;
    pthread_join(t[i], &n);
    total += (long)n;
  }
  printf("%s threads=%d fdatasync/s=%.0f\n", same_file ? "same-file" : "own-files", threads,
         (double)total / seconds);
  return 0;
}
