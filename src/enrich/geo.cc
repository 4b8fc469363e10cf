#include "enrich/geo.h"

#include <maxminddb.h>
#include <sys/stat.h>

namespace footfall::enrich {

struct GeoDatabase::Impl {
  MMDB_s mmdb{};
  std::string path;
};

GeoDatabase::GeoDatabase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GeoDatabase::~GeoDatabase() {
  if (impl_) MMDB_close(&impl_->mmdb);
}

Result<std::unique_ptr<GeoDatabase>> GeoDatabase::Open(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return NotFound("geo database " + path + " does not exist");
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &impl->mmdb);
  if (rc != MMDB_SUCCESS) {
    return InvalidArgument("geo database " + path + ": " + MMDB_strerror(rc));
  }
  return std::unique_ptr<GeoDatabase>(new GeoDatabase(std::move(impl)));
}

namespace {

// Reads the value at `path` (a null-terminated list of keys) when it has the wanted type.
template <typename... Keys>
bool Get(MMDB_entry_s* entry, MMDB_entry_data_s* data, int* error, Keys... keys) {
  const int rc = MMDB_get_value(entry, data, keys..., static_cast<const char*>(nullptr));
  if (rc == MMDB_SUCCESS) return data->has_data;
  // A path absent from this record is normal; anything else means a damaged database.
  if (rc != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR && rc != MMDB_INVALID_LOOKUP_PATH_ERROR) {
    *error = rc;
  }
  return false;
}

void GetString(MMDB_entry_s* entry, int* error, std::string* out, auto... keys) {
  MMDB_entry_data_s data;
  if (Get(entry, &data, error, keys...) && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
    out->assign(data.utf8_string, data.data_size);
  }
}

void GetDouble(MMDB_entry_s* entry, int* error, std::optional<double>* out, auto... keys) {
  MMDB_entry_data_s data;
  if (!Get(entry, &data, error, keys...)) return;
  if (data.type == MMDB_DATA_TYPE_DOUBLE) *out = data.double_value;
  if (data.type == MMDB_DATA_TYPE_FLOAT) *out = data.float_value;
}

}  // namespace

Result<std::optional<GeoLocation>> GeoDatabase::Lookup(std::string_view ip) const {
  if (ip.empty() || ip.size() > 64) return std::optional<GeoLocation>();
  const std::string text(ip);
  int gai_error = 0, mmdb_error = 0;
  MMDB_lookup_result_s r = MMDB_lookup_string(&impl_->mmdb, text.c_str(), &gai_error, &mmdb_error);
  if (gai_error != 0) return std::optional<GeoLocation>();  // not an IP address
  if (mmdb_error != MMDB_SUCCESS) {
    return Corruption("geo database " + impl_->path + ": looking up " + text + ": " +
                      MMDB_strerror(mmdb_error));
  }
  if (!r.found_entry) return std::optional<GeoLocation>();
  GeoLocation g;
  int error = MMDB_SUCCESS;
  GetString(&r.entry, &error, &g.country, "country", "iso_code");
  GetString(&r.entry, &error, &g.region, "subdivisions", "0", "iso_code");
  GetString(&r.entry, &error, &g.city, "city", "names", "en");
  GetString(&r.entry, &error, &g.zipcode, "postal", "code");
  GetDouble(&r.entry, &error, &g.latitude, "location", "latitude");
  GetDouble(&r.entry, &error, &g.longitude, "location", "longitude");
  GetString(&r.entry, &error, &g.region_name, "subdivisions", "0", "names", "en");
  GetString(&r.entry, &error, &g.timezone, "location", "time_zone");
  if (error != MMDB_SUCCESS) {
    return Corruption("geo database " + impl_->path + ": record for " + text + ": " +
                      MMDB_strerror(error));
  }
  return std::optional<GeoLocation>(std::move(g));
}

}  // namespace footfall::enrich
