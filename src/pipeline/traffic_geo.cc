#include "pipeline/traffic_geo.h"

#include "base/files.h"
#include "enrich/mmdb_writer.h"
#include "pipeline/traffic_catalog.h"

namespace footfall::pipeline {

Status WriteTrafficGeoDatabase(const std::string& path) {
  using enrich::MmdbValue;
  enrich::MmdbWriter::Options options;
  options.description = "footfall's synthetic traffic: documentation networks placed in cities";
  enrich::MmdbWriter writer(options);
  const auto countries = catalog::Countries();
  for (size_t c = 0; c < countries.size(); ++c) {
    const catalog::Country& country = countries[c];
    // Laid out as GeoIP2 City records are, with the fields enrichment reads.
    const auto text = [](std::string_view v) { return MmdbValue::String(std::string(v)); };
    const auto map = [](MmdbValue::Map m) { return MmdbValue::MakeMap(std::move(m)); };
    const MmdbValue record = map({
        {"city", map({{"names", map({{"en", text(country.city)}})}})},
        {"country", map({{"iso_code", text(country.code)}})},
        {"location", map({{"latitude", MmdbValue::Double(country.latitude)},
                          {"longitude", MmdbValue::Double(country.longitude)},
                          {"time_zone", text(country.time_zone)}})},
    });
    FOOTFALL_RETURN_IF_ERROR(writer.Insert(catalog::Ipv4Network(c), record));
    FOOTFALL_RETURN_IF_ERROR(writer.Insert(catalog::Ipv6Network(c), record));
  }
  FOOTFALL_ASSIGN_OR_RETURN(std::string bytes, writer.Build());
  if (auto existing = ReadWholeFile(path); existing.ok() && *existing == bytes) {
    return Status::Ok();
  }
  return WriteFileDurably(path, bytes);
}

Status UseTrafficGeoDatabase(Config* config) {
  if (!config->enrich.geo_database.empty()) return Status::Ok();
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(config->data_dir));
  const std::string path = config->data_dir + "/demo-geo.mmdb";
  FOOTFALL_RETURN_IF_ERROR(WriteTrafficGeoDatabase(path));
  config->enrich.geo_database = path;
  return Status::Ok();
}

}  // namespace footfall::pipeline
