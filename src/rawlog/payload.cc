#include "rawlog/payload.h"

#include <array>

#include "base/bytes.h"
#include "rawlog/format.h"

namespace footfall::rawlog {
namespace {

// The string fields of a payload (const or not), in their order in a record.
template <class Payload>
auto StringFields(Payload& p) {
  return std::array{&p.ip,       &p.method,         &p.path,       &p.query,
                    &p.body,     &p.content_type,   &p.user_agent, &p.referer,
                    &p.hostname, &p.network_userid, &p.collector};
}

template <class Payload>
void Encode(const Payload& p, std::string* out) {
  out->push_back(static_cast<char>(kPayloadVersion));
  PutFixed64(out, static_cast<uint64_t>(p.timestamp));
  for (const auto* s : StringFields(p)) PutLengthPrefixed(out, *s);
  PutVarint64(out, p.headers.size());
  for (const auto& [name, value] : p.headers) {
    PutLengthPrefixed(out, name);
    PutLengthPrefixed(out, value);
  }
}

}  // namespace

void EncodePayload(const CollectorPayload& p, std::string* out) { Encode(p, out); }
void EncodePayload(const CollectorPayloadView& p, std::string* out) { Encode(p, out); }

std::string EncodePayload(const CollectorPayload& p) {
  // Exactly enough, so that the record is allocated once: a varint takes at most 10 bytes.
  constexpr size_t kVarint = 10;
  size_t size = 1 + 8 + kVarint;
  for (const std::string* s : StringFields(p)) size += kVarint + s->size();
  for (const auto& [name, value] : p.headers) size += 2 * kVarint + name.size() + value.size();
  std::string out;
  out.reserve(size);
  EncodePayload(p, &out);
  return out;
}

Result<CollectorPayload> DecodePayload(std::string_view record) {
  ByteReader r(record);
  const auto version = r.Byte();
  if (!version) return Corruption("empty collector payload");
  if (*version != kPayloadVersion) {
    return Corruption("unknown collector payload version " + std::to_string(*version));
  }
  CollectorPayload p;
  const auto ts = r.Fixed64();
  if (!ts) return Corruption("collector payload ends inside its timestamp");
  p.timestamp = static_cast<Micros>(*ts);
  for (std::string* s : StringFields(p)) {
    const auto v = r.LengthPrefixed();
    if (!v) return Corruption("collector payload ends inside a field");
    s->assign(*v);
  }
  const auto n = r.Varint64();
  if (!n || *n > r.remaining()) return Corruption("collector payload has a bad header count");
  p.headers.reserve(*n);
  for (uint64_t i = 0; i < *n; ++i) {
    const auto name = r.LengthPrefixed();
    const auto value = name ? r.LengthPrefixed() : std::nullopt;
    if (!value) return Corruption("collector payload ends inside a header");
    p.headers.emplace_back(std::string(*name), std::string(*value));
  }
  if (!r.empty()) return Corruption("collector payload has trailing bytes");
  return p;
}

}  // namespace footfall::rawlog
