#include "pipeline/status.h"

#include <cstdio>

#include "base/json_writer.h"
#include "rawlog/segment.h"
#include "serving/query.h"

namespace footfall::pipeline {

Result<DataStatus> ReadDataStatus(const std::string& data_dir) {
  DataStatus s;
  s.data_dir = data_dir;
  FOOTFALL_ASSIGN_OR_RETURN(auto segments, rawlog::ListSegments(data_dir + "/raw"));
  for (const auto& seg : segments) {
    if (seg.sealed) {
      ++s.sealed_segments;
      s.sealed_bytes += seg.size;
      s.last_sealed_segment = seg.number;
    } else {
      ++s.active_segments;
      // Without the zeros the collector fills an active segment with ahead of its records.
      auto written = rawlog::WrittenBytes(seg.path);
      if (!written.ok() && written.status().code() != StatusCode::kNotFound) {
        return written.status();
      }
      s.active_bytes += written.ok() ? *written : 0;
    }
  }
  if (auto store = serving::ReadOnlyStore::OpenCurrent(data_dir + "/serving"); store.ok()) {
    s.version = (*store)->version();
    auto row = (*store)->Query(
        "SELECT watermark_segment, events, bad_rows, built_at FROM pipeline_versions "
        "ORDER BY version DESC LIMIT 1");
    if (row.ok() && !row->rows.empty()) {
      const auto& r = row->rows[0];
      if (const auto* v = std::get_if<int64_t>(&r[0])) s.watermark_segment = *v;
      if (const auto* v = std::get_if<int64_t>(&r[1])) s.events = *v;
      if (const auto* v = std::get_if<int64_t>(&r[2])) s.bad_rows = *v;
      if (const auto* v = std::get_if<std::string>(&r[3])) s.built_at = *v;
    }
  }
  for (const auto& seg : segments) {
    if (seg.sealed && static_cast<int64_t>(seg.number) > s.watermark_segment) {
      ++s.lag_segments;
      s.lag_bytes += seg.size;
    }
  }
  return s;
}

std::string DataStatusJson(const DataStatus& s) {
  JsonWriter w;
  w.BeginObject().Key("data_dir").String(s.data_dir);
  w.Key("raw")
      .BeginObject()
      .Key("sealed_segments")
      .Int(static_cast<int64_t>(s.sealed_segments))
      .Key("sealed_bytes")
      .Int(static_cast<int64_t>(s.sealed_bytes))
      .Key("active_segments")
      .Int(static_cast<int64_t>(s.active_segments))
      .Key("active_bytes")
      .Int(static_cast<int64_t>(s.active_bytes))
      .Key("last_sealed_segment")
      .Int(static_cast<int64_t>(s.last_sealed_segment))
      .EndObject();
  w.Key("serving").BeginObject().Key("version").Int(s.version).Key("built_at");
  if (s.built_at.empty()) {
    w.Null();
  } else {
    w.String(s.built_at);
  }
  w.Key("watermark_segment")
      .Int(s.watermark_segment)
      .Key("events")
      .Int(s.events)
      .Key("bad_rows")
      .Int(s.bad_rows)
      .EndObject();
  w.Key("lag_segments").Int(static_cast<int64_t>(s.lag_segments));
  w.Key("lag_bytes").Int(static_cast<int64_t>(s.lag_bytes));
  w.Key("live");
  if (!s.live) {
    w.Null();
  } else {
    const DataStatus::Live& l = *s.live;
    w.BeginObject()
        .Key("sample_rate")
        .Double(l.sample_rate)
        .Key("since_segment")
        .Int(l.since_segment)
        .Key("position")
        .String(l.position)
        .Key("events")
        .Int(l.events)
        .Key("page_views")
        .Int(l.page_views)
        .Key("sessions")
        .Int(l.sessions)
        .Key("users")
        .Int(l.users)
        .Key("lag_ms")
        .Int(l.lag_ms)
        .Key("bad_rows")
        .Int(static_cast<int64_t>(l.bad_rows))
        .EndObject();
  }
  w.Key("components").BeginArray();
  for (const DataStatus::Component& c : s.components) {
    w.BeginObject().Key("name").String(c.name).Key("state").String(c.state);
    w.Key("detail").String(c.detail).EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string DataStatusText(const DataStatus& s) {
  char buf[512];
  std::string out = "data directory  " + s.data_dir + "\n";
  std::snprintf(buf, sizeof buf,
                "raw log         %llu sealed segments (%.1f MiB), %llu active (%.1f MiB)\n",
                static_cast<unsigned long long>(s.sealed_segments),
                static_cast<double>(s.sealed_bytes) / (1 << 20),
                static_cast<unsigned long long>(s.active_segments),
                static_cast<double>(s.active_bytes) / (1 << 20));
  out += buf;
  if (s.version == 0) {
    out += "serving         no version published yet (run `footfall batch`)\n";
  } else {
    std::snprintf(buf, sizeof buf,
                  "serving         version %lld built %s UTC, watermark segment %lld\n"
                  "                %lld events, %lld bad rows\n",
                  static_cast<long long>(s.version), s.built_at.c_str(),
                  static_cast<long long>(s.watermark_segment), static_cast<long long>(s.events),
                  static_cast<long long>(s.bad_rows));
    out += buf;
  }
  std::snprintf(buf, sizeof buf,
                "lag             %llu sealed segments (%.1f MiB) not yet in a version\n",
                static_cast<unsigned long long>(s.lag_segments),
                static_cast<double>(s.lag_bytes) / (1 << 20));
  out += buf;
  if (s.live) {
    std::snprintf(buf, sizeof buf,
                  "live            %lld events, %lld page views since segment %lld (sample rate "
                  "%g), lag %lld ms\n",
                  static_cast<long long>(s.live->events),
                  static_cast<long long>(s.live->page_views),
                  static_cast<long long>(s.live->since_segment), s.live->sample_rate,
                  static_cast<long long>(s.live->lag_ms));
    out += buf;
  }
  for (const DataStatus::Component& c : s.components) {
    out += c.name + std::string(c.name.size() < 16 ? 16 - c.name.size() : 1, ' ') + c.state + ": " +
           c.detail + "\n";
  }
  return out;
}

}  // namespace footfall::pipeline
