#include "enrich/geo.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/temp_dir.h"
#include "enrich/enrich.h"
#include "enrich/mmdb_writer.h"

namespace footfall::enrich {
namespace {

TEST(GeoDatabase, OpenErrors) {
  TempDir tmp;
  EXPECT_EQ(GeoDatabase::Open(tmp.Sub("missing.mmdb")).status().code(), StatusCode::kNotFound);
  std::ofstream(tmp.Sub("text.mmdb")) << "not a MaxMind database";
  EXPECT_EQ(GeoDatabase::Open(tmp.Sub("text.mmdb")).status().code(), StatusCode::kInvalidArgument);
  EnrichConfig config;
  config.user_agent = false;
  config.geo_database = tmp.Sub("missing.mmdb");
  EXPECT_EQ(Enricher::Create(config, nullptr, nullptr).status().code(), StatusCode::kNotFound);
}

MmdbValue Names(std::string en, std::string fr) {
  return MmdbValue::MakeMap(
      {{"en", MmdbValue::String(std::move(en))}, {"fr", MmdbValue::String(std::move(fr))}});
}

// A record laid out as GeoIP2 City records are, with the fields enrichment does not read too.
MmdbValue CityRecord(std::string country, std::string city, std::string region,
                     std::string region_name, std::string postal, MmdbValue latitude,
                     MmdbValue longitude, std::string time_zone) {
  return MmdbValue::MakeMap({
      {"city", MmdbValue::MakeMap(
                   {{"geoname_id", MmdbValue::Uint32(2988507)}, {"names", Names(city, city)}})},
      {"continent", MmdbValue::MakeMap({{"code", MmdbValue::String("EU")}})},
      {"country", MmdbValue::MakeMap({{"iso_code", MmdbValue::String(std::move(country))},
                                      {"is_in_european_union", MmdbValue::Bool(true)}})},
      {"location", MmdbValue::MakeMap({{"accuracy_radius", MmdbValue::Uint16(20)},
                                       {"latitude", std::move(latitude)},
                                       {"longitude", std::move(longitude)},
                                       {"time_zone", MmdbValue::String(std::move(time_zone))}})},
      {"postal", MmdbValue::MakeMap({{"code", MmdbValue::String(std::move(postal))}})},
      {"subdivisions",
       MmdbValue::MakeArray({MmdbValue::MakeMap({{"iso_code", MmdbValue::String(std::move(region))},
                                                 {"names", Names(region_name, region_name)}})})},
  });
}

GeoLocation Location(std::string country, std::string region, std::string city, std::string zipcode,
                     double latitude, double longitude, std::string region_name,
                     std::string timezone) {
  return GeoLocation{std::move(country),     std::move(region),  std::move(city),
                     std::move(zipcode),     latitude,           longitude,
                     std::move(region_name), std::move(timezone)};
}

// Paris in 203.0.113.0/24, New York in 198.51.100.0/24 (with a /28 inside it that is only a
// country), Tokyo in 2001:db8:1234::/48 (its coordinates stored as floats, as some databases do).
std::string WriteTestDatabase(const TempDir& tmp) {
  MmdbWriter w;
  EXPECT_TRUE(w.Insert("203.0.113.0/24", CityRecord("FR", "Paris", "IDF", "Île-de-France", "75001",
                                                    MmdbValue::Double(48.8566),
                                                    MmdbValue::Double(2.3522), "Europe/Paris"))
                  .ok());
  EXPECT_TRUE(
      w.Insert("198.51.100.0/24",
               CityRecord("US", "New York", "NY", "New York", "10001", MmdbValue::Double(40.7128),
                          MmdbValue::Double(-74.006), "America/New_York"))
          .ok());
  EXPECT_TRUE(
      w.Insert("198.51.100.16/28",
               MmdbValue::MakeMap(
                   {{"country", MmdbValue::MakeMap({{"iso_code", MmdbValue::String("CA")}})}}))
          .ok());
  EXPECT_TRUE(w.Insert("2001:db8:1234::/48", CityRecord("JP", "Tokyo", "13", "Tokyo", "100-0001",
                                                        MmdbValue::Float(35.6895f),
                                                        MmdbValue::Float(139.6917f), "Asia/Tokyo"))
                  .ok());
  const std::string path = tmp.Sub("city.mmdb");
  EXPECT_TRUE(w.WriteFile(path).ok());
  return path;
}

TEST(GeoDatabase, Lookups) {
  TempDir tmp;
  auto db = GeoDatabase::Open(WriteTestDatabase(tmp));
  ASSERT_TRUE(db.ok()) << db.status().ToString();

  const auto lookup = [&](std::string_view ip) {
    auto r = (*db)->Lookup(ip);
    EXPECT_TRUE(r.ok()) << ip << ": " << r.status().ToString();
    return r.ok() ? *r : std::nullopt;
  };
  const GeoLocation paris =
      Location("FR", "IDF", "Paris", "75001", 48.8566, 2.3522, "Île-de-France", "Europe/Paris");
  EXPECT_EQ(lookup("203.0.113.0"), paris);
  EXPECT_EQ(lookup("203.0.113.7"), paris);
  EXPECT_EQ(lookup("203.0.113.255"), paris);

  const GeoLocation new_york =
      Location("US", "NY", "New York", "10001", 40.7128, -74.006, "New York", "America/New_York");
  EXPECT_EQ(lookup("198.51.100.1"), new_york);
  EXPECT_EQ(lookup("198.51.100.15"), new_york);
  EXPECT_EQ(lookup("198.51.100.32"), new_york);
  // The more specific network wins, and fields its record lacks stay empty.
  GeoLocation canada;
  canada.country = "CA";
  EXPECT_EQ(lookup("198.51.100.16"), canada);
  EXPECT_EQ(lookup("198.51.100.31"), canada);

  const auto tokyo = lookup("2001:db8:1234:5::1");
  ASSERT_TRUE(tokyo.has_value());
  EXPECT_EQ(tokyo->country, "JP");
  EXPECT_EQ(tokyo->city, "Tokyo");
  EXPECT_EQ(tokyo->region, "13");
  EXPECT_EQ(tokyo->timezone, "Asia/Tokyo");
  EXPECT_EQ(tokyo->latitude, static_cast<double>(35.6895f));
  EXPECT_EQ(tokyo->longitude, static_cast<double>(139.6917f));

  // Outside every network, and not addresses at all.
  for (std::string_view ip :
       {"203.0.112.255", "203.0.114.0", "198.51.101.1", "192.0.2.1", "0.0.0.0", "255.255.255.255",
        "2001:db8:1235::1", "::1", "not an ip", "", "203.0.113"}) {
    EXPECT_EQ(lookup(ip), std::nullopt) << ip;
  }
}

TEST(GeoDatabase, IPv4OnlyTree) {
  TempDir tmp;
  MmdbWriter::Options options;
  options.ip_version = 4;
  MmdbWriter w(options);
  ASSERT_TRUE(
      w.Insert("10.1.0.0/16",
               MmdbValue::MakeMap(
                   {{"postal", MmdbValue::MakeMap({{"code", MmdbValue::String("12345")}})}}))
          .ok());
  EXPECT_EQ(w.Insert("2001:db8::/32", MmdbValue::MakeMap({})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.Insert("10.0.0.0/33", MmdbValue::MakeMap({})).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.Insert("10.0.0.0", MmdbValue::MakeMap({})).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(w.WriteFile(tmp.Sub("v4.mmdb")).ok());
  auto db = GeoDatabase::Open(tmp.Sub("v4.mmdb"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto hit = (*db)->Lookup("10.1.200.3");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->zipcode, "12345");
  EXPECT_EQ((*hit)->country, "");
  EXPECT_EQ(*(*db)->Lookup("10.2.0.1"), std::nullopt);
}

TEST(GeoDatabase, DamagedRecordIsCorruption) {
  TempDir tmp;
  MmdbWriter w;
  // country points far past the end of the data section.
  ASSERT_TRUE(
      w.Insert("192.0.2.0/24", MmdbValue::MakeMap({{"country", MmdbValue::Pointer(1u << 20)}}))
          .ok());
  ASSERT_TRUE(w.WriteFile(tmp.Sub("bad.mmdb")).ok());
  auto db = GeoDatabase::Open(tmp.Sub("bad.mmdb"));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->Lookup("192.0.2.1").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(*(*db)->Lookup("192.0.3.1"), std::nullopt);

  EnrichConfig config;
  config.user_agent = false;
  config.geo_database = tmp.Sub("bad.mmdb");
  auto enricher = Enricher::Create(config, nullptr, nullptr);
  ASSERT_TRUE(enricher.ok()) << enricher.status().ToString();
  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = "GET";
  p.path = "/i";
  p.query = "e=pv&p=web&tv=js-3.0.0";
  p.ip = "192.0.2.1";
  EnrichOutput out;
  enricher->Enrich(p, &out);
  EXPECT_TRUE(out.events.empty());
  ASSERT_EQ(out.bad_rows.size(), 1u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kEnrichmentFailures);
}

TEST(GeoDatabase, EnricherFillsGeoFieldsFromTheWholeAddress) {
  TempDir tmp;
  EnrichConfig config;
  config.user_agent = false;
  config.geo_database = WriteTestDatabase(tmp);
  ASSERT_TRUE(config.anonymize_ip) << "the default anonymizes";
  auto enricher = Enricher::Create(config, nullptr, nullptr);
  ASSERT_TRUE(enricher.ok()) << enricher.status().ToString();

  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = "GET";
  p.path = "/i";
  p.ip = "192.0.2.1";  // outside the database: the tracker's ip parameter is what is looked up
  p.query = "e=pv&p=web&tv=js-3.0.0&ip=203.0.113.7";
  p.collector = "footfall-0.1.0";
  EnrichOutput out;
  enricher->Enrich(p, &out);
  ASSERT_TRUE(out.bad_rows.empty());
  ASSERT_EQ(out.events.size(), 1u);
  const event::Event& e = out.events[0];
  EXPECT_EQ(e.user_ipaddress, "203.0.113.x");
  EXPECT_EQ(e.geo_country, "FR");
  EXPECT_EQ(e.geo_city, "Paris");
  EXPECT_EQ(e.geo_region, "IDF");
  EXPECT_EQ(e.geo_zipcode, "75001");
  EXPECT_EQ(e.geo_latitude, 48.8566);
  EXPECT_EQ(e.geo_longitude, 2.3522);
  EXPECT_EQ(e.geo_region_name, "Île-de-France");
  EXPECT_EQ(e.geo_timezone, "Europe/Paris");

  // All four octets anonymized: the lookup still sees the whole address.
  config.ipv4_octets = 4;
  p.query = "e=pv&p=web&tv=js-3.0.0&ip=198.51.100.77";
  auto hiding = Enricher::Create(config, nullptr, nullptr);
  ASSERT_TRUE(hiding.ok()) << hiding.status().ToString();
  out.clear();
  hiding->Enrich(p, &out);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].user_ipaddress, "x.x.x.x");
  EXPECT_EQ(out.events[0].geo_country, "US");
  EXPECT_EQ(out.events[0].geo_city, "New York");

  // An address outside every network leaves the geo fields empty.
  p.query = "e=pv&p=web&tv=js-3.0.0";
  out.clear();
  enricher->Enrich(p, &out);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].user_ipaddress, "192.0.2.x");
  EXPECT_EQ(out.events[0].geo_country, "");
  EXPECT_EQ(out.events[0].geo_city, "");
  EXPECT_EQ(out.events[0].geo_latitude, std::nullopt);
  EXPECT_EQ(out.events[0].geo_timezone, "");
}

}  // namespace
}  // namespace footfall::enrich
