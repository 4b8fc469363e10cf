// IP geolocation from a MaxMind-format database (GeoIP2 / GeoLite2 City, DB-IP City Lite, or
// any .mmdb with the same record layout), read with libmaxminddb.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace footfall::enrich {

struct GeoLocation {
  std::string country;                        // country.iso_code
  std::string region;                         // subdivisions[0].iso_code
  std::string city;                           // city.names.en
  std::string zipcode;                        // postal.code
  std::optional<double> latitude, longitude;  // location.*
  std::string region_name;                    // subdivisions[0].names.en
  std::string timezone;                       // location.time_zone

  bool operator==(const GeoLocation&) const = default;
};

// An open database, memory-mapped. Lookups only read it: const methods may be called from any
// number of threads at once. Owned by its creator; the mapping lives as long as the object.
class GeoDatabase {
 public:
  // kNotFound when `path` does not exist, kInvalidArgument when it is not a MaxMind database.
  static Result<std::unique_ptr<GeoDatabase>> Open(const std::string& path);
  ~GeoDatabase();
  GeoDatabase(const GeoDatabase&) = delete;
  GeoDatabase& operator=(const GeoDatabase&) = delete;

  // nullopt when `ip` is not an IP address or the database has no network holding it;
  // kCorruption when the database cannot be read at the record it points to.
  Result<std::optional<GeoLocation>> Lookup(std::string_view ip) const;

 private:
  struct Impl;
  explicit GeoDatabase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::enrich
