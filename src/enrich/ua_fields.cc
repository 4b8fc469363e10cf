#include "enrich/ua_fields.h"

#include <array>

#include "base/ascii.h"
#include "base/json_writer.h"

namespace footfall::enrich {
namespace {

bool ContainsIgnoreCase(std::string_view s, std::string_view needle) {
  if (needle.size() > s.size()) return false;
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && AsciiLower(s[i + j]) == needle[j]) {
      ++j;
    }
    if (j == needle.size()) return true;
  }
  return false;
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> list) {
  for (std::string_view x : list) {
    if (s == x) return true;
  }
  return false;
}

std::string Version(const std::optional<std::string>& major,
                    const std::optional<std::string>& minor,
                    const std::optional<std::string>& patch) {
  std::string v;
  if (!major) return v;
  v = *major;
  if (!minor) return v;
  v += "." + *minor;
  if (patch) v += "." + *patch;
  return v;
}

std::string Manufacturer(std::string_view os) {
  if (os.starts_with("Windows")) return "Microsoft Corporation";
  if (OneOf(os, {"iOS", "Mac OS X", "macOS", "iPadOS", "watchOS", "tvOS", "ATV OS X"})) {
    return "Apple Inc.";
  }
  if (OneOf(os, {"Android", "Chrome OS", "Fuchsia"})) return "Google Inc.";
  return {};
}

std::string DeviceType(const UserAgent& p, std::string_view ua) {
  if (p.device_family == "Spider") return "Robot";
  const std::string_view os = p.os_family;
  if (p.device_family == "iPad" || p.device_family.starts_with("Kindle") ||
      ContainsIgnoreCase(p.device_family, "tablet") ||
      (os == "Android" && !ContainsIgnoreCase(ua, "mobile"))) {
    return "Tablet";
  }
  if (OneOf(os, {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS",
                 "Firefox OS", "Tizen", "Sailfish", "webOS", "Windows Mobile", "Bada"}) ||
      p.device_family == "iPhone" || p.device_family == "Generic Smartphone" ||
      p.device_family == "Generic Feature Phone") {
    return "Mobile";
  }
  if (os.starts_with("Windows") ||
      OneOf(os,
            {"Mac OS X", "macOS",   "Linux",  "Ubuntu",    "Chrome OS", "Fedora",     "Debian",
             "FreeBSD",  "OpenBSD", "NetBSD", "Solaris",   "Mint",      "Arch Linux", "openSUSE",
             "Red Hat",  "CentOS",  "Gentoo", "Slackware", "Mandriva",  "Kubuntu"})) {
    return "Computer";
  }
  if (p.device_brand) return "Mobile";  // uap-core names brands for handheld devices only
  return "Unknown";
}

void OptionalString(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

}  // namespace

UaFields MapUserAgent(const UserAgent& p, std::string_view ua) {
  UaFields f;
  f.br_family = p.ua_family;
  f.br_version = Version(p.ua_major, p.ua_minor, p.ua_patch);
  f.br_name = p.ua_family;
  if (p.ua_major) f.br_name += " " + *p.ua_major;
  f.os_family = p.os_family;
  f.os_name = p.os_family;
  const std::string os_version = Version(p.os_major, p.os_minor, std::nullopt);
  if (!os_version.empty()) f.os_name += " " + os_version;
  f.os_manufacturer = Manufacturer(p.os_family);
  f.dvce_type = DeviceType(p, ua);
  f.dvce_ismobile = f.dvce_type == "Mobile" || f.dvce_type == "Tablet";
  f.is_bot = p.device_family == "Spider" || ContainsIgnoreCase(p.ua_family, "bot") ||
             ContainsIgnoreCase(p.ua_family, "crawler") ||
             ContainsIgnoreCase(p.ua_family, "spider");

  JsonWriter w;
  w.BeginObject()
      .Key("schema")
      .String("iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0")
      .Key("data")
      .BeginObject();
  w.Key("useragentFamily").String(p.ua_family);
  OptionalString(w, "useragentMajor", p.ua_major);
  OptionalString(w, "useragentMinor", p.ua_minor);
  OptionalString(w, "useragentPatch", p.ua_patch);
  w.Key("useragentVersion")
      .String(f.br_version.empty() ? p.ua_family : p.ua_family + " " + f.br_version);
  w.Key("osFamily").String(p.os_family);
  OptionalString(w, "osMajor", p.os_major);
  OptionalString(w, "osMinor", p.os_minor);
  OptionalString(w, "osPatch", p.os_patch);
  OptionalString(w, "osPatchMinor", p.os_patch_minor);
  const std::string os_full = Version(p.os_major, p.os_minor, p.os_patch);
  w.Key("osVersion").String(os_full.empty() ? p.os_family : p.os_family + " " + os_full);
  w.Key("deviceFamily").String(p.device_family);
  w.EndObject().EndObject();
  f.ua_parser_context = w.Take();
  return f;
}

}  // namespace footfall::enrich
