// What the synthetic web traffic (traffic.h) is drawn from: the retailer's pages and products,
// where visitors come from, their devices (real user-agent strings with matching screens) and
// countries, and when they come (daily and weekly seasonality).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/time.h"

namespace footfall::pipeline::catalog {

struct Page {
  std::string_view path;
  std::string_view title;
};
// Where sessions land: home, categories, a lookbook, a journal post and two product pages.
std::span<const Page> LandingPages();
// Product slugs: "<name>-<colour>"; pages /product/<slug> and /try-on/<slug>.
std::span<const std::string_view> Products();

struct Referrer {
  std::string_view url;  // "" for direct traffic
  int weight;
};
// Search, social, email and direct, with their shares.
std::span<const Referrer> Referrers();
// Query strings of campaign landings ("" for none): email, social, paid search.
std::span<const std::string_view> Campaigns();

enum class DeviceClass : uint8_t { kDesktop, kMobile, kTablet };
struct Device {
  DeviceClass device_class;
  std::string_view user_agent;
  std::string_view screen;    // `res`
  std::string_view viewport;  // `vp`
  int weight;
};
std::span<const Device> Devices();

struct Country {
  std::string_view code;  // ISO 3166-1 alpha-2
  std::string_view time_zone;
  std::string_view language;
  std::string_view city;  // where the demo's geo database places the country's visitors
  double latitude, longitude;
  int weight;
};
std::span<const Country> Countries();

// Visitors' addresses, a network per country so that a geo database can place them
// (traffic_geo.h): a /26 of the IPv4 documentation ranges (RFC 5737) and a /48 of IPv6's
// (RFC 3849).
inline constexpr uint64_t kIpv4HostsPerCountry = 62;
std::string Ipv4Network(size_t country);                 // "198.51.100.64/26"
std::string Ipv4Address(size_t country, uint64_t host);  // host < kIpv4HostsPerCountry
std::string Ipv6Network(size_t country);                 // "2001:db8:3::/48"
std::string Ipv6Address(size_t country, uint16_t subnet, uint16_t interface_id);

// Picks an index of `items` with probability weight / total weight, from `unit` in [0, 1).
template <typename T>
size_t PickWeighted(std::span<const T> items, double unit) {
  int total = 0;
  for (const T& item : items) total += item.weight;
  double pick = unit * total;
  for (size_t i = 0; i < items.size(); ++i) {
    if ((pick -= items[i].weight) < 0) return i;
  }
  return items.size() - 1;
}

// How busy the site is at `t` relative to an average hour: a daily curve (quiet nights,
// a lunch bump, an evening peak, in UTC for a mostly European audience) times a weekly one
// (weekends busier, Sunday most).
double SiteActivity(Micros t);

}  // namespace footfall::pipeline::catalog
