// Visibility latency of the speed layer: the time from the raw log's acknowledgement of an event
// (when the collector answers 2xx) to its being counted in the live state (what the API's next
// Snapshot returns), at a fixed rate of events per second; and the CPU the speed layer costs.
//
// In one process: a LogWriter with fsync durability (the collector's default), a load thread
// appending synthetic tracker payloads (pipeline::TrafficGenerator, realtime stamps) at the
// rate, and a SpeedLayer tailing the log with the writer given, as in `footfall run`. A probe
// thread polls the layer's record count every 100 µs; record i is visible at the first poll
// that counts more than i records. The CPU of the speed layer is the process's CPU time with it
// minus a run of the same load without it.
//
// With --find-max, it then raises the rate by half a step at a time from the last given rate
// while the run stays sustainable (every record acknowledged and seen, p99 within 1 s, the load
// thread on schedule) and reports the highest sustainable rate.
//
//   speed_bench [--rates 1000,10000] [--seconds 10] [--sample-rate 1.0] [--find-max 1]
//
// The raw logs go to a temporary directory under $TMPDIR (default /tmp).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/memory.h"
#include "base/temp_dir.h"
#include "pipeline/config.h"
#include "pipeline/traffic.h"
#include "rawlog/log_writer.h"
#include "rawlog/payload.h"
#include "speed/speed_layer.h"

namespace footfall {
namespace {

using Clock = std::chrono::steady_clock;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct RunResult {
  uint64_t events = 0;
  double cpu_seconds = 0;
  double wall_seconds = 0;
  std::vector<double> latencies_ms;  // empty without a speed layer
  uint64_t rejected = 0;
  double behind_ms = 0;  // how late the load thread issued its last append
};

RunResult RunOnce(const std::string& dir, double rate, double seconds, bool with_speed,
                  double sample_rate) {
  RunResult result;
  rawlog::LogOptions log_options;
  log_options.segment_max_bytes = 16 << 20;
  auto writer = rawlog::LogWriter::Open(dir + "/raw", log_options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    std::exit(1);
  }
  std::unique_ptr<speed::SpeedLayer> layer;
  if (with_speed) {
    pipeline::Config config;
    speed::SpeedOptions o;
    o.data_dir = dir;
    o.sample_rate = sample_rate;
    o.enrich = config.enrich;
    o.web = pipeline::WebModelOptionsFrom(config);
    o.writer = writer->get();
    o.poll_interval = 1'000;
    auto opened = speed::SpeedLayer::Open(o);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
      std::exit(1);
    }
    layer = std::move(*opened);
    layer->Start();
  }

  const auto total = static_cast<uint64_t>(rate * seconds);
  // Pre-encoded records, so that generating them is not part of the measured CPU.
  std::vector<std::string> records;
  records.reserve(total);
  {
    pipeline::TrafficOptions t;
    t.seed = 42;
    t.events = total;
    t.realtime = true;
    t.visitors = 5000;
    pipeline::TrafficGenerator gen(t);
    rawlog::CollectorPayload payload;
    while (gen.Next(&payload)) {
      std::string r;
      rawlog::EncodePayload(payload, &r);
      records.push_back(std::move(r));
    }
  }
  std::vector<Clock::time_point> acked(total);
  std::vector<Clock::time_point> seen(total);
  std::atomic<uint64_t> acked_count{0};
  std::atomic<bool> done{false};
  std::thread probe;
  if (layer) {
    probe = std::thread([&] {
      uint64_t next = 0;
      while (next < total) {
        const bool last_pass = done;  // read before the count, so the last pass sees it all
        const uint64_t n = std::min<uint64_t>(layer->stats().records, total);
        const Clock::time_point now = Clock::now();
        for (; next < n; ++next) seen[next] = now;
        if (last_pass) break;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    });
  }

  const double cpu0 = CpuSeconds();
  const Clock::time_point start = Clock::now();
  std::mutex mu;
  for (uint64_t i = 0; i < total; ++i) {
    const Clock::time_point due =
        start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / rate));
    std::this_thread::sleep_until(due);
    if (i + 1 == total) {
      result.behind_ms = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
    }
    (*writer)->Append(std::move(records[i]), [&, i](const Status& s) {
      acked[i] = Clock::now();
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        ++result.rejected;
      }
      acked_count.fetch_add(1);
    });
  }
  while (acked_count < total) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (layer) {
    // Wait until the speed layer has every accepted record (bounded: a stuck layer must not hang
    // the run). With refusals the record numbers no longer match and the rate is not sustained.
    const uint64_t accepted = total - result.rejected;
    const Clock::time_point limit = Clock::now() + std::chrono::seconds(30);
    while (layer->stats().records < accepted && Clock::now() < limit) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  done = true;
  if (probe.joinable()) probe.join();
  result.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.cpu_seconds = CpuSeconds() - cpu0;
  result.events = total;
  if (layer) {
    for (uint64_t i = 0; i < total; ++i) {
      if (seen[i] == Clock::time_point()) continue;  // never seen within the limit
      result.latencies_ms.push_back(
          std::max(0.0, std::chrono::duration<double, std::milli>(seen[i] - acked[i]).count()));
    }
    layer->Stop();
  }
  layer.reset();
  (void)(*writer)->Close();
  return result;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[k];
}

}  // namespace
}  // namespace footfall

int main(int argc, char** argv) {
  footfall::KeepFreedMemory();  // as the footfall binary does
  using namespace footfall;
  std::vector<double> rates = {1000, 10000};
  double seconds = 10;
  double sample_rate = 1.0;
  bool find_max = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--rates") {
      rates.clear();
      std::stringstream ss(value);
      std::string item;
      while (std::getline(ss, item, ',')) rates.push_back(std::atof(item.c_str()));
    } else if (flag == "--seconds") {
      seconds = std::atof(value.c_str());
    } else if (flag == "--sample-rate") {
      sample_rate = std::atof(value.c_str());
    } else if (flag == "--find-max") {
      find_max = value != "0";
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::printf("%10s %8s %10s %10s %10s %10s %10s %14s %12s\n", "events/s", "events", "p50 ms",
              "p99 ms", "max ms", "unseen", "late ms", "speed cpu %", "cpu/10k ev/s");
  // Runs one rate and says whether it was sustained.
  const auto measure = [&](double rate) {
    TempDir base_dir;
    TempDir speed_dir;
    const RunResult base = RunOnce(base_dir.path(), rate, seconds, false, sample_rate);
    const RunResult with = RunOnce(speed_dir.path(), rate, seconds, true, sample_rate);
    const double speed_cpu = std::max(0.0, with.cpu_seconds - base.cpu_seconds);
    const double cpu_share = 100.0 * speed_cpu / with.wall_seconds;
    const uint64_t unseen = with.events - with.latencies_ms.size();
    const double p99 = Percentile(with.latencies_ms, 0.99);
    std::printf("%10.0f %8llu %10.2f %10.2f %10.2f %10llu %10.0f %13.1f%% %11.1f%%\n", rate,
                static_cast<unsigned long long>(with.events), Percentile(with.latencies_ms, 0.5),
                p99, Percentile(with.latencies_ms, 1.0), static_cast<unsigned long long>(unseen),
                with.behind_ms, cpu_share, cpu_share * 10000.0 / rate);
    if (with.rejected + base.rejected > 0) {
      std::printf("  (%llu appends refused)\n",
                  static_cast<unsigned long long>(with.rejected + base.rejected));
    }
    std::fflush(stdout);
    return with.rejected + base.rejected == 0 && unseen == 0 && p99 <= 1000 &&
           with.behind_ms <= 1000;
  };
  double sustained = 0;
  bool last_sustained = false;
  for (double rate : rates) {
    last_sustained = measure(rate);
    if (last_sustained) sustained = std::max(sustained, rate);
  }
  if (find_max && last_sustained) {
    for (double rate = rates.back() * 1.5; measure(rate); rate *= 1.5) sustained = rate;
    std::printf("highest sustained rate: %.0f events/s (the next step, 1.5x, was not)\n",
                sustained);
  }
  return 0;
}
