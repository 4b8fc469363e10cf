// The commands that run servers until SIGINT/SIGTERM: collect, serve, run.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "base/log.h"
#include "base/time.h"
#include "cli/commands.h"
#include "cli/live_status.h"
#include "cli/signals.h"
#include "collector/collector.h"
#include "http/server.h"
#include "pipeline/gen.h"
#include "pipeline/scheduler.h"
#include "pipeline/status.h"
#include "rawlog/log_writer.h"
#include "rawlog/segment.h"
#include "serving/api.h"
#include "serving/dashboard.h"
#include "speed/speed_layer.h"

namespace footfall::cli {

namespace {

// History written into an empty raw log by `run --demo`, so the first version has two weeks to
// show: the dashboard's default week then compares with a full week before it.
constexpr uint64_t kDemoHistoryEvents = 100'000;
constexpr double kDemoHistoryDays = 14;
constexpr double kDemoLiveEventsPerSecond = 20;
constexpr uint64_t kDemoLiveVisitors = 2000;

void PrintListening(const http::Server& server, std::string_view name) {
  std::printf("listening on http://%s:%u %.*s\n", server.host().c_str(), server.port(),
              static_cast<int>(name.size()), name.data());
  std::fflush(stdout);
}

std::string Url(const http::Server& server) {
  const std::string host = server.host() == "0.0.0.0" ? "127.0.0.1" : server.host();
  return "http://" + host + ":" + std::to_string(server.port());
}

// The collector: a raw log writer and the tracker endpoints in front of it.
struct CollectorStack {
  std::unique_ptr<rawlog::LogWriter> log;
  std::unique_ptr<collector::Collector> collector;
  std::unique_ptr<http::Server> server;

  Status Start(const pipeline::Config& config) {
    rawlog::LogOptions log_options;
    log_options.segment_max_bytes = config.segment_max_bytes;
    log_options.seal_after = config.seal_after;
    log_options.durability = config.durability == "interval" ? rawlog::Durability::kInterval
                             : config.durability == "none"   ? rawlog::Durability::kNone
                                                             : rawlog::Durability::kFsync;
    log_options.sync_interval = config.sync_interval;
    log_options.max_queued_bytes = config.max_queued_bytes;
    FOOTFALL_ASSIGN_OR_RETURN(log, rawlog::LogWriter::Open(config.data_dir + "/raw", log_options));
    rawlog::LogWriter* writer = log.get();
    collector::CollectorOptions options;
    options.cookie_domain = config.cookie_domain;
    options.trust_forwarded_for = config.trust_forwarded_for;
    options.redirect_allowed_hosts = config.redirect_allowed_hosts;
    options.max_stored_body = config.body_limit_bytes;
    options.storage_health = [writer] { return writer->Health(); };
    options.extra_metrics = [writer](std::string* out) {
      rawlog::AppendPrometheusMetrics(writer->Stats(), out);
    };
    collector = std::make_unique<collector::Collector>(
        options, [writer](std::string* record, rawlog::LogWriter::Done done) {
          writer->Append(record, std::move(done));
        });
    http::ServerOptions server_options;
    server_options.host = config.collector_host;
    server_options.port = config.collector_port;
    server_options.soft_body_limit = config.body_limit_bytes;
    server_options.hard_body_limit = config.reject_body_bytes;
    server_options.max_connections = config.max_connections;
    server_options.read_timeout_seconds = config.read_timeout_seconds;
    FOOTFALL_ASSIGN_OR_RETURN(server, http::Server::Start(server_options, collector->AsHandler()));
    return Status::Ok();
  }

  // Stops accepting, answers what is in flight, then seals the active segment.
  Status Stop() {
    if (server) server->Stop();
    return log ? log->Close() : Status::Ok();
  }
};

Result<std::unique_ptr<http::Server>> StartUi(const pipeline::Config& config, serving::Api* api) {
  http::ServerOptions options;
  options.host = config.ui_host;
  options.port = config.ui_port;
  options.blocking_handlers = true;  // API queries run on the I/O threads
  // /api/ is the JSON API; every other path is the dashboard embedded in this binary.
  return http::Server::Start(options, [api](http::Request&& req, http::Responder respond) {
    if (req.path.starts_with("/api/")) {
      api->Handle(std::move(req), std::move(respond));
    } else {
      respond(serving::Dashboard::Embedded().Handle(req));
    }
  });
}

// This binary, for commands printed to copy and paste.
std::string SelfPath() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("footfall") : self.string();
}

// The speed layer of `run` (given the collector's writer) and `serve`, started on its own
// thread; null when `speed.enabled` is off.
Result<std::unique_ptr<speed::SpeedLayer>> StartSpeedLayer(const pipeline::Config& config,
                                                           const rawlog::LogWriter* writer) {
  FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<speed::SpeedLayer> layer,
                            OpenSpeedLayer(config, writer));
  if (layer) layer->Start();
  return layer;
}

pipeline::DataStatus::Component CollectorComponent(const rawlog::LogWriter& log) {
  const rawlog::LogStats st = log.Stats();
  std::string detail = std::to_string(st.records) + " requests stored since start, " +
                       std::to_string(st.failed_records) + " failed, " +
                       std::to_string(st.queued_records) + " queued; active segment " +
                       std::to_string(st.active_segment);
  if (!st.healthy) detail += "; " + log.Health().ToString();
  return {"collector", st.healthy ? "accepting" : "failing", std::move(detail)};
}

pipeline::DataStatus::Component SpeedComponent(const speed::SpeedLayer& live, int64_t lag_ms) {
  const speed::SpeedStats st = live.stats();
  return {"speed", "following",
          "tailing the raw log at " + st.position + ", " + std::to_string(lag_ms) +
              " ms behind the newest record; " + std::to_string(st.events) +
              " events enriched since start"};
}

pipeline::DataStatus::Component BatchComponent(const pipeline::BatchScheduler& scheduler) {
  const pipeline::BatchScheduler::State st = scheduler.state();
  std::string detail =
      std::to_string(st.runs) + " runs since start (" + std::to_string(st.failures) + " failed)";
  if (st.last_report) {
    detail += "; the last published version " + std::to_string(st.last_report->version) + " in " +
              std::to_string(st.last_report->duration / kMicrosPerSecond) + " s";
  }
  if (!st.running) detail += "; next run at " + FormatIso8601(st.next_run);
  if (!st.last_error.empty()) detail += "; last error: " + st.last_error;
  const char* state = st.running ? "rebuilding" : st.last_error.empty() ? "idle" : "failed";
  return {"batch", state, std::move(detail)};
}

// The data directory's status, plus what the components of this process are doing (those it
// runs: `log` and `scheduler` may be null).
std::string StatusJson(const std::string& data_dir, const speed::SpeedLayer* live,
                       const rawlog::LogWriter* log = nullptr,
                       const pipeline::BatchScheduler* scheduler = nullptr) {
  auto status = pipeline::ReadDataStatus(data_dir);
  if (!status.ok()) return "{\"error\":\"" + status.status().message() + "\"}";
  if (log != nullptr) status->components.push_back(CollectorComponent(*log));
  if (live != nullptr) {
    AddLiveSection(*live, &*status);
    status->components.push_back(SpeedComponent(*live, status->live->lag_ms));
  }
  if (scheduler != nullptr) status->components.push_back(BatchComponent(*scheduler));
  return pipeline::DataStatusJson(*status);
}

// What a 2xx from the collector promises under the configured raw.durability.
std::string DurabilityNote(const pipeline::Config& config) {
  if (config.durability == "interval") {
    return "durability interval: synced every " + std::to_string(config.sync_interval / 1000) +
           " ms; a machine crash loses up to that";
  }
  if (config.durability == "none") {
    return "durability none: synced at each seal; a machine crash loses the active segment";
  }
  return "durability fsync: a 2xx means on disk";
}

}  // namespace

int Collect(const pipeline::Config& config) {
  CollectorStack stack;
  if (Status s = stack.Start(config); !s.ok()) return Fail("collect", s.ToString());
  PrintListening(*stack.server, "collector");
  LogInfo("collect", "raw log in " + config.data_dir + "/raw (" + DurabilityNote(config) +
                         "); stop with Ctrl-C");
  WaitForShutdownSignal();
  LogInfo("collect", "stopping: answering requests in flight, sealing the active segment");
  if (Status s = stack.Stop(); !s.ok()) return Fail("collect", s.ToString());
  return kExitOk;
}

int Serve(const pipeline::Config& config) {
  serving::ApiOptions api_options;
  api_options.serving_dir = config.data_dir + "/serving";
  auto speed_layer = StartSpeedLayer(config, nullptr);
  if (!speed_layer.ok()) return Fail("serve", speed_layer.status().ToString());
  const speed::SpeedLayer* live_source = speed_layer->get();
  api_options.live = live_source;
  api_options.status_json = [&config, live_source] {
    return StatusJson(config.data_dir, live_source);
  };
  api_options.bad_dir = config.data_dir + "/bad";
  api_options.warm_cache = true;
  if (Status s = serving::ConfigureApiAccess(
          config.ui_host, serving::ResolveApiToken(config.api_token), &api_options);
      !s.ok()) {
    return Fail("serve", s.ToString());
  }
  serving::Api api(std::move(api_options));
  auto ui = StartUi(config, &api);
  if (!ui.ok()) return Fail("serve", ui.status().ToString());
  PrintListening(**ui, "ui");
  WaitForShutdownSignal();
  (*ui)->Stop();
  return kExitOk;
}

int Run(const pipeline::Config& config, bool demo) {
  const std::string raw_dir = config.data_dir + "/raw";
  if (demo) {
    auto segments = rawlog::ListSegments(raw_dir);
    if (segments.ok() && segments->empty()) {
      LogInfo("run", "demo: writing two weeks of history into an empty raw log");
      pipeline::TrafficOptions history;
      history.seed = 1;
      history.events = kDemoHistoryEvents;
      history.span = static_cast<Micros>(kDemoHistoryDays * kMicrosPerDay);
      history.start = NowMicros() - history.span;
      auto written =
          pipeline::WriteTrafficToRawLog(history, raw_dir, config.segment_max_bytes, nullptr);
      if (!written.ok()) return Fail("run", written.status().ToString());
    }
  }

  CollectorStack stack;
  if (Status s = stack.Start(config); !s.ok()) return Fail("run", s.ToString());
  rawlog::LogWriter* log = stack.log.get();
  pipeline::BatchScheduler scheduler(pipeline::BatchOptionsFrom(config), config.batch_interval,
                                     [log] { return log->SealActive(); });
  serving::ApiOptions api_options;
  api_options.serving_dir = config.data_dir + "/serving";
  auto speed_layer = StartSpeedLayer(config, log);
  if (!speed_layer.ok()) {
    (void)stack.Stop();
    return Fail("run", speed_layer.status().ToString());
  }
  const speed::SpeedLayer* live_source = speed_layer->get();
  api_options.live = live_source;
  api_options.status_json = [&config, live_source, log, &scheduler] {
    return StatusJson(config.data_dir, live_source, log, &scheduler);
  };
  api_options.trigger_batch = [&scheduler] { scheduler.Trigger(); };
  api_options.bad_dir = config.data_dir + "/bad";
  api_options.warm_cache = true;
  if (Status s = serving::ConfigureApiAccess(
          config.ui_host, serving::ResolveApiToken(config.api_token), &api_options);
      !s.ok()) {
    (void)stack.Stop();
    return Fail("run", s.ToString());
  }
  serving::Api api(std::move(api_options));
  auto ui = StartUi(config, &api);
  if (!ui.ok()) {
    (void)stack.Stop();
    return Fail("run", ui.status().ToString());
  }
  PrintListening(*stack.server, "collector");
  PrintListening(**ui, "ui");
  const std::string collector_url = Url(*stack.server), ui_url = Url(**ui);
  std::printf(
      "\nfootfall is running on %s.\n"
      "  dashboard:     %s/\n"
      "  send events:   any Snowplow tracker, collector endpoint %s\n"
      "  numbers:       curl '%s/api/v1/overview'\n"
      "  status:        curl '%s/api/v1/status'\n"
      "  SQL:           %s sql --data %s \"SELECT * FROM traffic_daily\"\n"
      "  rebuild now:   curl -X POST '%s/api/v1/batch'\n"
      "Views are rebuilt every %lld s. Stop with Ctrl-C.\n",
      config.data_dir.c_str(), ui_url.c_str(), collector_url.c_str(), ui_url.c_str(),
      ui_url.c_str(), SelfPath().c_str(), config.data_dir.c_str(), ui_url.c_str(),
      static_cast<long long>(config.batch_interval / kMicrosPerSecond));
  std::fflush(stdout);
  LogInfo("run", "raw log in " + config.data_dir + "/raw (" + DurabilityNote(config) + ")");

  const auto status = pipeline::ReadDataStatus(config.data_dir);
  const bool has_version = status.ok() && status->version > 0;
  scheduler.Start(/*run_now=*/!has_version || demo);

  std::atomic<bool> stop{false};
  std::thread live;
  if (demo) {
    live = std::thread([&] {
      pipeline::TrafficOptions traffic;
      traffic.seed = RandomSeed();
      traffic.events = UINT64_MAX;  // until stopped
      traffic.visitors = kDemoLiveVisitors;
      traffic.realtime = true;
      pipeline::SendOptions send;
      send.events_per_second = kDemoLiveEventsPerSecond;
      send.stop = &stop;
      Status s = pipeline::SendTrafficOverHttp(traffic, collector_url, nullptr, send);
      if (!s.ok()) LogError("run", "demo traffic stopped: " + s.ToString());
    });
  }

  WaitForShutdownSignal();
  LogInfo("run", "stopping");
  stop = true;
  if (live.joinable()) live.join();
  (*ui)->Stop();
  scheduler.Stop();
  // Before the writer it may read acknowledged positions from goes away.
  speed_layer->reset();
  if (Status s = stack.Stop(); !s.ok()) return Fail("run", s.ToString());
  return kExitOk;
}

}  // namespace footfall::cli
