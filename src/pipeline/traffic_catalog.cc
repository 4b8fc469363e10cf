#include "pipeline/traffic_catalog.h"

#include <array>
#include <cstdio>

namespace footfall::pipeline::catalog {
namespace {

constexpr std::array<Page, 10> kLandingPages = {{
    {"/", "Atelier — New season"},
    {"/women", "Women"},
    {"/women/dresses", "Dresses"},
    {"/men", "Men"},
    {"/men/jackets", "Jackets"},
    {"/sale", "Sale"},
    {"/lookbook/autumn", "Autumn lookbook"},
    {"/product/linen-shirt-white", "Linen shirt, white"},
    {"/product/wrap-dress-emerald", "Wrap dress, emerald"},
    {"/journal/how-to-style-a-trench", "How to style a trench"},
}};

constexpr std::array<std::string_view, 12> kProducts = {
    "linen-shirt-white",  "wrap-dress-emerald", "trench-coat-camel",  "wool-blazer-navy",
    "silk-scarf-print",   "denim-jacket-blue",  "knit-sweater-oat",   "leather-boots-black",
    "pleated-skirt-sage", "chino-trousers-tan", "cashmere-coat-grey", "sneakers-white",
};

constexpr std::array<Referrer, 8> kReferrers = {{
    {"", 28},  // direct
    {"https://www.google.com/search?q=emerald+wrap+dress", 24},
    {"https://www.google.fr/", 6},
    {"https://www.bing.com/search?q=linen+shirt", 4},
    {"https://www.instagram.com/", 15},
    {"https://www.pinterest.com/pin/123/", 8},
    {"https://mail.google.com/", 9},
    {"https://www.fashion-blog.example/best-autumn-coats", 6},
}};

constexpr std::array<std::string_view, 4> kCampaigns = {
    "", "?utm_source=newsletter&utm_medium=email&utm_campaign=autumn_drop",
    "?utm_source=instagram&utm_medium=social&utm_campaign=try_on_launch",
    "?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQ"};

// Current browsers, plus a tail of older devices taken from uap-core's test corpus.
constexpr std::array<Device, 18> kDevices = {{
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36",
     "1920x1080", "1903x937", 16},
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
     "1536x864", "1519x730", 6},
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
     "1920x1080", "1903x951", 4},
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Safari/605.1.15",
     "1440x900", "1440x789", 8},
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36",
     "1728x1117", "1728x959", 6},
    {DeviceClass::kDesktop,
     "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0", "2560x1440",
     "2560x1300", 1},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
     "393x852", "393x659", 17},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
     "390x844", "390x664", 7},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1",
     "430x932", "430x739", 3},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Mobile/15E148 Instagram 352.0.0.29.88 (iPhone15,2; iOS 17_6_1; fr_FR; fr; "
     "scale=3.00; 1179x2556; 649475011)",
     "393x852", "393x746", 4},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.6723.102 Mobile Safari/537.36",
     "412x915", "412x783", 5},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
     "360x780", "360x664", 5},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Mobile Safari/537.36",
     "384x854", "384x726", 4},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (Linux; Android 11; GM1917) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/100.0.4896.127 Mobile Safari/537.36",
     "412x892", "412x764", 1},
    {DeviceClass::kMobile,
     "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/102.0.5005.125 Mobile Safari/537.36 "
     "Phantom/android/22.06.08.47",
     "360x800", "360x692", 1},
    {DeviceClass::kTablet,
     "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.6 Mobile/15E148 Safari/604.1",
     "820x1180", "820x1106", 5},
    {DeviceClass::kTablet,
     "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/130.0.0.0 Safari/537.36",
     "1280x800", "1280x711", 2},
    {DeviceClass::kTablet,
     "Mozilla/5.0 (iPad; CPU OS 12_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 TopBuzz com.alex.NewsMaster/8.2.1 (iPad; iOS 12.3.1; en; WIFI)",
     "768x1024", "768x954", 1},
}};

constexpr std::array<Country, 9> kCountries = {{
    {"FR", "Europe/Paris", "fr-FR", "Paris", 48.8566, 2.3522, 30},
    {"GB", "Europe/London", "en-GB", "London", 51.5072, -0.1276, 15},
    {"DE", "Europe/Berlin", "de-DE", "Berlin", 52.5200, 13.4050, 14},
    {"US", "America/New_York", "en-US", "New York", 40.7128, -74.0060, 12},
    {"ES", "Europe/Madrid", "es-ES", "Madrid", 40.4168, -3.7038, 8},
    {"IT", "Europe/Rome", "it-IT", "Milan", 45.4642, 9.1900, 8},
    {"NL", "Europe/Amsterdam", "nl-NL", "Amsterdam", 52.3676, 4.9041, 5},
    {"JP", "Asia/Tokyo", "ja-JP", "Tokyo", 35.6762, 139.6503, 4},
    {"CA", "America/Toronto", "en-CA", "Toronto", 43.6532, -79.3832, 4},
}};
// Three /24s, each cut into four /26s: room for twelve countries.
constexpr std::array<std::string_view, 3> kIpv4Blocks = {"192.0.2.", "198.51.100.", "203.0.113."};
static_assert(kCountries.size() <= 4 * kIpv4Blocks.size());

// Relative activity by hour of day (UTC), and by day of week from Monday.
constexpr std::array<double, 24> kHourly = {0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60,
                                            0.80, 0.90, 0.95, 1.00, 1.10, 1.05, 0.95, 0.95,
                                            1.00, 1.10, 1.30, 1.50, 1.60, 1.45, 1.05, 0.65};
constexpr std::array<double, 7> kWeekly = {0.95, 0.92, 0.95, 0.97, 0.93, 1.05, 1.25};

}  // namespace

std::span<const Page> LandingPages() { return kLandingPages; }
std::span<const std::string_view> Products() { return kProducts; }
std::span<const Referrer> Referrers() { return kReferrers; }
std::span<const std::string_view> Campaigns() { return kCampaigns; }
std::span<const Device> Devices() { return kDevices; }
std::span<const Country> Countries() { return kCountries; }

std::string Ipv4Network(size_t country) {
  return std::string(kIpv4Blocks[country % kIpv4Blocks.size()]) +
         std::to_string(64 * (country / kIpv4Blocks.size())) + "/26";
}

std::string Ipv4Address(size_t country, uint64_t host) {
  // The first address of the /26 is its network's, the last its broadcast.
  return std::string(kIpv4Blocks[country % kIpv4Blocks.size()]) +
         std::to_string(64 * (country / kIpv4Blocks.size()) + 1 + host % kIpv4HostsPerCountry);
}

std::string Ipv6Network(size_t country) {
  char text[32];
  std::snprintf(text, sizeof text, "2001:db8:%zx::/48", country + 1);
  return text;
}

std::string Ipv6Address(size_t country, uint16_t subnet, uint16_t interface_id) {
  char text[48];
  std::snprintf(text, sizeof text, "2001:db8:%zx:%x::%x", country + 1, subnet,
                interface_id == 0 ? 1u : unsigned{interface_id});
  return text;
}

double SiteActivity(Micros t) {
  constexpr Micros kHour = kMicrosPerDay / 24;
  const Micros hours = t >= 0 ? t / kHour : (t - kHour + 1) / kHour;
  const Micros days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
  const auto hour = static_cast<size_t>(hours - days * 24);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday.
  const auto weekday = static_cast<size_t>(((days + 3) % 7 + 7) % 7);
  return kHourly[hour] * kWeekly[weekday];
}

}  // namespace footfall::pipeline::catalog
