// footfall's subcommands. Each returns the process exit code: 0 success, 1 failure at run time
// (the message already printed), 2 bad usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/config.h"

namespace footfall::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Prints "footfall <command>: <message>" to stderr and returns kExitFailure.
int Fail(const std::string& command, const std::string& message);

int Collect(const pipeline::Config& config);
int Serve(const pipeline::Config& config);
int Run(const pipeline::Config& config, bool demo);
// `mpi`: run as one rank of an MPI job (also when an MPI launcher started the process).
int Batch(const pipeline::Config& config, bool reprocess, bool mpi);

struct EnrichArgs {
  bool reprocess = false;
  int threads = -1;  // -1: the config's enrich.threads
};
int Enrich(const pipeline::Config& config, const EnrichArgs& args);
int Sql(const pipeline::Config& config, const std::string& query, const std::string& format);
// `live`: also count the raw log past the watermark with a speed layer of this process (when
// `speed.enabled`), as `run` would show it live.
int ShowStatus(const pipeline::Config& config, const std::string& format, bool live);

struct GenArgs {
  uint64_t events = 10000;
  uint64_t seed = 1;
  std::string target;  // http://host:port
  std::string raw;     // a data directory: sealed segments go into <raw>/raw/
  std::string start;   // ISO time of the first session; default: `days` days before now
  double days = 1;     // span the sessions start over
  std::string app_id = "shop";
  int threads = 0;  // --raw: threads rendering sessions (0: one per core)
};
int Gen(const pipeline::Config& config, const GenArgs& args);

struct RawArgs {
  uint64_t segment = 0;         // only this segment; 0: every one
  bool include_active = false;  // also the active (.open) segment, up to its last whole record
};
int Raw(const pipeline::Config& config, const RawArgs& args);

}  // namespace footfall::cli
