// `footfall raw`: prints the master dataset, one JSON object per raw-log record, so that a person
// or a test can see exactly what the collector stored (docs/formats/rawlog.md, "Inspecting the
// raw log").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/base64.h"
#include "base/files.h"
#include "base/json_writer.h"
#include "base/time.h"
#include "cli/commands.h"
#include "rawlog/format.h"
#include "rawlog/payload.h"
#include "rawlog/segment.h"

namespace footfall::cli {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Most stored text is ASCII: skip it eight bytes at a time.
    uint64_t word;
    while (n - i >= sizeof word) {
      std::memcpy(&word, s.data() + i, sizeof word);
      if ((word & 0x8080808080808080u) != 0) break;
      i += sizeof word;
    }
    if (i == n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (n - i < len) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      const auto cont = static_cast<unsigned char>(s[i + k]);
      if (cont < 0x80 || cont > 0xbf) return false;
    }
    i += len;
  }
  return true;
}

// A stored string as JSON: a string when it is valid UTF-8 (JSON cannot carry other bytes
// losslessly), else {"base64": "..."} holding its exact bytes.
void StoredString(JsonWriter& w, std::string_view s) {
  if (IsValidUtf8(s)) {
    w.String(s);
  } else {
    w.BeginObject().Key("base64").String(Base64Encode(s, Base64Alphabet::kStandard)).EndObject();
  }
}

void AppendRecordJson(uint64_t segment, uint64_t offset, const rawlog::CollectorPayload& p,
                      std::string* out) {
  JsonWriter w;
  w.BeginObject();
  w.Key("segment").Int(static_cast<int64_t>(segment));
  w.Key("offset").Int(static_cast<int64_t>(offset));
  w.Key("timestamp").String(FormatIso8601(p.timestamp));
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"ip", &p.ip},
      {"method", &p.method},
      {"path", &p.path},
      {"query", &p.query},
      {"body", &p.body},
      {"content_type", &p.content_type},
      {"user_agent", &p.user_agent},
      {"referer", &p.referer},
      {"hostname", &p.hostname},
      {"network_userid", &p.network_userid},
      {"collector", &p.collector},
  };
  for (const auto& [key, value] : fields) {
    w.Key(key);
    StoredString(w, *value);
  }
  w.Key("headers").BeginArray();
  for (const auto& [name, value] : p.headers) {
    w.BeginArray();
    StoredString(w, name);
    StoredString(w, value);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  out->append(w.str());
  out->push_back('\n');
}

// Called with each record's frame offset and body, in order; a non-OK status stops the reading.
using RecordFn = std::function<Status(uint64_t offset, std::string_view body)>;

// A sealed segment, through the raw log's own reader: any frame that fails a check is damage.
Status ForEachSealedRecord(const std::string& path, const RecordFn& fn) {
  FOOTFALL_ASSIGN_OR_RETURN(rawlog::SegmentReader reader, rawlog::SegmentReader::Open(path));
  for (;;) {
    const uint64_t offset = reader.offset();
    FOOTFALL_ASSIGN_OR_RETURN(std::optional<std::string_view> body, reader.Next());
    if (!body) return Status::Ok();
    FOOTFALL_RETURN_IF_ERROR(fn(offset, *body));
  }
}

// Reads `fd` from offset `at` to its end into `data`, which keeps its first `at` bytes.
Status ReadFrom(int fd, uint64_t at, const std::string& path, std::string* data) {
  data->resize(at);
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(data->size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + path);
    if (n == 0) return Status::Ok();
    data->append(buf, static_cast<size_t>(n));
  }
}

// The active segment while the collector may be appending to it: whole frames only. A frame
// whose header or body runs past the end of the bytes read, or that only zeros follow, is the
// record being written, the zero-filled space ahead of the records, or a tail torn by a crash
// (which recovery cuts off), and ends the segment quietly. A frame that fails its checks with
// records after it is read again first: the collector writes over zeros the file already has, so
// one read can see a batch's later bytes and not its earlier ones. When the fresh read shows
// the same, it is damage, as in a sealed segment (writes go in order of offset: the bytes after
// the frame were there, so the frame was whole before the fresh read began). kNotFound when the
// file is gone (sealed or removed since it was listed).
Status ForEachActiveRecord(const std::string& path, const RecordFn& fn) {
  FOOTFALL_ASSIGN_OR_RETURN(const UniqueFd opened, OpenForReading(path));
  const int fd = opened.get();
  std::string file;
  FOOTFALL_RETURN_IF_ERROR(ReadFrom(fd, 0, path, &file));
  if (file.size() < rawlog::kSegmentHeaderSize) return Status::Ok();  // header being written
  FOOTFALL_RETURN_IF_ERROR(rawlog::CheckSegmentHeader(file, path));
  uint64_t read_again_at = 0;
  for (uint64_t pos = rawlog::kSegmentHeaderSize; pos < file.size();) {
    const rawlog::FrameView frame = rawlog::ViewFrame(file, pos);
    switch (frame.kind) {
      case rawlog::FrameView::Kind::kIncomplete:
        return Status::Ok();
      case rawlog::FrameView::Kind::kInvalid:
        if (rawlog::NotWrittenYet(file, pos)) return Status::Ok();
        if (read_again_at != pos) {
          read_again_at = pos;
          FOOTFALL_RETURN_IF_ERROR(ReadFrom(fd, pos, path, &file));
          break;
        }
        return Corruption(path + ": damaged record at offset " + std::to_string(pos) + " of " +
                          std::to_string(file.size()) + " bytes");
      case rawlog::FrameView::Kind::kWhole:
        FOOTFALL_RETURN_IF_ERROR(fn(pos, frame.body));
        pos += frame.size;
        break;
    }
  }
  return Status::Ok();
}

// Buffered standard output: records are written in large blocks.
class Output {
 public:
  Output() { buf_.reserve(2 * kFlushBytes); }
  std::string* buffer() { return &buf_; }
  void MaybeFlush() {
    if (buf_.size() >= kFlushBytes) Flush();
  }
  // False when standard output refused the bytes (a closed pipe, a full disk).
  bool Flush() {
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    buf_.clear();
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
  }

 private:
  std::string buf_;
};

}  // namespace

int Raw(const pipeline::Config& config, const RawArgs& args) {
  const std::string dir = config.data_dir + "/raw";
  auto listed = rawlog::ListSegments(dir);
  if (!listed.ok()) return Fail("raw", listed.status().ToString());
  std::vector<rawlog::SegmentInfo> segments;
  for (const rawlog::SegmentInfo& s : *listed) {
    if (args.segment != 0 && s.number != args.segment) continue;
    if (!s.sealed && !args.include_active) {
      if (args.segment != 0) {
        return Fail("raw", "segment " + std::to_string(s.number) + " in " + dir +
                               " is the active one: add --include-active to read it");
      }
      continue;
    }
    segments.push_back(s);
  }
  if (args.segment != 0 && segments.empty()) {
    return Fail("raw", "no segment " + std::to_string(args.segment) + " in " + dir);
  }

  Output out;
  for (const rawlog::SegmentInfo& seg : segments) {
    const auto print = [&](uint64_t offset, std::string_view body) -> Status {
      auto payload = rawlog::DecodePayload(body);
      if (!payload.ok()) {
        return Corruption(seg.path + ": damaged record at offset " + std::to_string(offset) + ": " +
                          payload.status().message());
      }
      AppendRecordJson(seg.number, offset, *payload, out.buffer());
      out.MaybeFlush();
      return Status::Ok();
    };
    Status s;
    if (seg.sealed) {
      s = ForEachSealedRecord(seg.path, print);
    } else {
      s = ForEachActiveRecord(seg.path, print);
      if (s.code() == StatusCode::kNotFound) {
        // Gone since it was listed: sealed (whole now), or removed because it held no record.
        const std::string sealed = rawlog::SegmentPath(dir, seg.number, true);
        struct stat st {};
        const bool removed = ::stat(sealed.c_str(), &st) != 0 && errno == ENOENT;
        s = removed ? Status::Ok() : ForEachSealedRecord(sealed, print);
      }
    }
    if (!s.ok()) {
      out.Flush();  // what precedes the damage is printed first
      return Fail("raw", s.ToString());
    }
  }
  if (!out.Flush()) return Fail("raw", "cannot write to standard output");
  return kExitOk;
}

}  // namespace footfall::cli
