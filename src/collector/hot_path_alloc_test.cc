// "No allocation per request on the hot path": counts the heap allocations of this whole process
// (server, collector and raw-log writer with fsync durability) while clients send stored GET and
// POST requests over keep-alive connections, after a warm-up.
//
// It counts by defining malloc, calloc, realloc and the aligned allocators in this executable,
// each passing to glibc's own (__libc_*), which free() takes back as usual. Built only without
// sanitizers, whose runtimes define these functions themselves.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/files.h"
#include "base/temp_dir.h"
#include "collector/collector.h"
#include "http/server.h"
#include "http/test_client.h"
#include "rawlog/log_writer.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
void* __libc_memalign(size_t alignment, size_t size);

void* malloc(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(size_t n, size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
void* memalign(size_t alignment, size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
}

namespace footfall::collector {
namespace {

// What a browser tracker sends: a page view as a pixel GET, and a batch as a tp2 POST.
const char kGet[] =
    "GET /i?e=pv&url=https%3A%2F%2Fshop.example%2Fwomen%2Fdresses%2Fmidi-1234%3Fcolor%3Dsand"
    "&page=Linen%20Midi%20Dress&tv=js-3.24.0&tna=sp1&aid=shop&p=web&tz=Europe%2FBerlin"
    "&res=1920x1080&vp=1440x789&eid=5f1c2b3a-8d4e-4f6a-9b7c-0d1e2f3a4b5c"
    "&duid=2a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d&vid=3&dtm=1764580000000 HTTP/1.1\r\n"
    "Host: collector.test\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    "Origin: https://shop.example\r\n"
    "Cookie: sp=9c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\r\n\r\n";
const char kPostBody[] =
    "{\"schema\":\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\","
    "\"data\":[{\"e\":\"pv\",\"url\":\"https://shop.example/a\",\"tv\":\"js-3.24.0\","
    "\"eid\":\"5f1c2b3a-8d4e-4f6a-9b7c-0d1e2f3a4b10\",\"p\":\"web\"},{\"e\":\"pp\","
    "\"url\":\"https://shop.example/a\",\"tv\":\"js-3.24.0\","
    "\"eid\":\"5f1c2b3a-8d4e-4f6a-9b7c-0d1e2f3a4b11\",\"p\":\"web\"}]}";

// One keep-alive client that allocates nothing while it runs: fixed buffers and system calls
// only. Sends `warm_up` requests, calls `between()`, sends `measured` more on the same
// connection, and returns how many of those were answered 200.
template <class Between>
int RunClient(uint16_t port, const std::string& post, int warm_up, Between between, int measured) {
  const UniqueFd connection(::socket(AF_INET, SOCK_STREAM, 0));
  if (!connection.valid()) return 0;
  const int fd = connection.get();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int ok = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    char in[4096];
    for (int i = 0; i < warm_up + measured; ++i) {
      if (i == warm_up) between();
      const bool get = i % 2 == 0;
      const char* out = get ? kGet : post.data();
      const size_t out_size = get ? sizeof(kGet) - 1 : post.size();
      if (::send(fd, out, out_size, MSG_NOSIGNAL) != static_cast<ssize_t>(out_size)) break;
      // Each answer is small and ends with its body; read until the head and Content-Length
      // bytes after it are in.
      size_t have = 0;
      bool complete = false;
      while (!complete && have < sizeof(in) - 1) {
        const ssize_t n = ::recv(fd, in + have, sizeof(in) - 1 - have, 0);
        if (n <= 0) break;
        have += static_cast<size_t>(n);
        in[have] = '\0';
        const char* end = std::strstr(in, "\r\n\r\n");
        const char* length = std::strstr(in, "Content-Length: ");
        if (end == nullptr || length == nullptr) continue;
        complete =
            have >= static_cast<size_t>(end + 4 - in) + std::strtoul(length + 16, nullptr, 10);
      }
      if (!complete) break;
      if (i >= warm_up && std::strncmp(in, "HTTP/1.1 200 ", 13) == 0) ++ok;
    }
  }
  return ok;
}

TEST(HotPath, StoringARequestAllocatesNothingOnceWarm) {
  TempDir dir;
  rawlog::LogOptions log_options;  // fsync durability: each answer waits for a group commit
  auto log = rawlog::LogWriter::Open(dir.path() + "/raw", log_options);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  rawlog::LogWriter* writer = log->get();
  Collector collector(CollectorOptions{},
                      [writer](std::string* record, rawlog::LogWriter::Done done) {
                        writer->Append(record, std::move(done));
                      });
  auto server = http::Server::Start(http::LoopbackServerOptions(), collector.AsHandler());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const uint16_t port = (*server)->port();
  const std::string post =
      "POST /com.snowplowanalytics.snowplow/tp2 HTTP/1.1\r\n"
      "Host: collector.test\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(sizeof(kPostBody) - 1) + "\r\n\r\n" + kPostBody;

  constexpr int kClients = 8;
  constexpr int kWarmUp = 200;
  constexpr int kMeasured = 600;
  // Each client warms up its connection, waits for the others, then sends the measured
  // requests on it; allocations are counted between the two barriers only.
  std::atomic<int> warm{0}, finished{0};
  std::atomic<bool> go{false};
  std::vector<int> answered(kClients, 0);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      const auto between = [&] {
        warm.fetch_add(1);
        while (!go.load()) std::this_thread::yield();
      };
      answered[static_cast<size_t>(c)] = RunClient(port, post, kWarmUp, between, kMeasured);
      finished.fetch_add(1);
    });
  }
  while (warm.load() < kClients) std::this_thread::yield();
  const uint64_t before = g_allocations.load();
  go.store(true);
  while (finished.load() < kClients) std::this_thread::yield();
  const uint64_t allocations = g_allocations.load() - before;
  for (auto& t : clients) t.join();

  int total = 0;
  for (const int n : answered) total += n;
  ASSERT_EQ(total, kClients * kMeasured) << "every measured request is answered 200";
  // None per request. A few in all are allowed for what grows rarely: a queue or list reaching a
  // new high-water mark when more requests than ever before meet in one group commit.
  EXPECT_LE(allocations, uint64_t{2 * kClients})
      << allocations << " allocations for " << total << " requests";
  RecordProperty("allocations", std::to_string(allocations));
  std::printf("%llu allocations for %d stored requests over %d connections\n",
              static_cast<unsigned long long>(allocations), total, kClients);
  (*server)->Stop();
  ASSERT_TRUE(writer->Close().ok());
}

}  // namespace
}  // namespace footfall::collector
