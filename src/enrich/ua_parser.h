// User-agent parsing with uap-core's regex set (regexes.yaml), following uap-core's
// specification (Debian: /usr/share/doc/uap-core/specification.md.gz): for each of the browser,
// OS and device sections the first matching regex wins, its `*_replacement` strings are filled
// with `$1`…`$9` and trimmed, and a field that ends up empty is absent. Families default to
// "Other" when nothing matches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace footfall::enrich {

namespace ua_internal {
struct Rule;
struct CacheShard;

// What the prefilter requires of a subject before running `pattern`: one literal (ASCII case
// folded) of each inner list. Empty when nothing is known. Exposed for tests.
std::vector<std::vector<std::string>> LiteralsRequiredBy(std::string_view pattern);
}  // namespace ua_internal

// Where Debian's uap-core package installs the regex set.
inline constexpr char kDefaultUapRegexes[] = "/usr/share/uap-core/regexes.yaml";

// What one user-agent string says about the browser, its OS and the device. Versions, brand and
// model are absent (not empty) when the user agent does not give them.
struct UserAgent {
  std::string ua_family = "Other";
  std::optional<std::string> ua_major, ua_minor, ua_patch, ua_patch_minor;
  std::string os_family = "Other";
  std::optional<std::string> os_major, os_minor, os_patch, os_patch_minor;
  std::string device_family = "Other";
  std::optional<std::string> device_brand, device_model;

  bool operator==(const UserAgent&) const = default;
};

struct UaParserOptions {
  // Results kept in the cache, across all shards (rounded up to a multiple of their number);
  // 0 turns the cache off. An entry costs about 1 KiB (the key, 13 fields and the list and hash
  // nodes), so the default stays near 16 MiB.
  size_t cache_capacity = 16384;
  // Longer user agents are parsed but never cached, so that clients sending huge headers cannot
  // grow the cache's memory beyond capacity × this.
  size_t max_cached_length = 1024;
  // Skip regexes whose required literals (found when loading) are absent from the user agent.
  // Results are the same either way; off only to measure it or to check that claim.
  bool literal_prefilter = true;
};

// The uap-core regex set compiled once (PCRE2 with JIT), plus a bounded cache of results.
//
// A parse tries each section's regexes in order, but first checks that the literals a regex
// requires (found when loading, e.g. "firefox" in '(Firefox)/(\d+)') occur in the user agent,
// using the set of its trigrams; that skips about nine regexes in ten without running them.
//
// Ownership and lifetime: Load() returns the only owner; the compiled regexes and the cache live
// as long as the parser. Results are plain values that do not point into the parser.
//
// Thread-safety: after Load() returns, every const member may be called from any number of
// threads at once. Matching uses match data private to each calling thread (created on a thread's
// first parse and kept until the thread exits), so regex matching takes no lock; the cache is
// split into shards, each behind its own mutex, held only for a hash lookup or an insert.
//
// Results depend only on the user agent and the regex file, never on the cache or on thread
// timing: a cached result equals ParseUncached() of the same string.
class UaParser {
 public:
  // Reads and compiles `regexes_yaml_path`. Errors: kNotFound when the file does not exist,
  // kIoError when it cannot be read, kInvalidArgument when it is not valid YAML, lacks one of the
  // three sections, or has an entry that is malformed or whose regex does not compile (the
  // message names the file, the section and the entry's index).
  static Result<std::unique_ptr<UaParser>> Load(
      const std::string& regexes_yaml_path = kDefaultUapRegexes);
  static Result<std::unique_ptr<UaParser>> Load(const std::string& regexes_yaml_path,
                                                const UaParserOptions& options);

  UaParser(const UaParser&) = delete;
  UaParser& operator=(const UaParser&) = delete;
  ~UaParser();

  // The parse of `ua`, from the cache when it holds it.
  UserAgent Parse(std::string_view ua) const;
  // The parse of `ua` without consulting or filling the cache.
  UserAgent ParseUncached(std::string_view ua) const;

  struct Stats {
    size_t ua_regexes = 0, os_regexes = 0, device_regexes = 0;
    size_t jit_compiled = 0;  // regexes that run as JIT code rather than in the interpreter
    size_t prefiltered = 0;   // regexes with required literals, skipped when those are absent
    uint64_t cache_hits = 0, cache_misses = 0;
    size_t cache_entries = 0;
  };
  Stats GetStats() const;

 private:
  explicit UaParser(const UaParserOptions& options);
  ua_internal::CacheShard& ShardFor(std::string_view ua) const;

  static constexpr size_t kCacheShards = 16;

  // Constant after Load().
  UaParserOptions options_;
  size_t per_shard_capacity_ = 0;
  std::vector<ua_internal::Rule> ua_rules_, os_rules_, device_rules_;
  uint32_t max_captures_ = 0;  // most capture groups in any one regex, for sizing match data
  size_t jit_compiled_ = 0;
  size_t prefiltered_ = 0;

  // kCacheShards shards, each guarding its entries and counters with its own mutex; null when
  // the cache is off.
  std::unique_ptr<ua_internal::CacheShard[]> cache_;
};

}  // namespace footfall::enrich
