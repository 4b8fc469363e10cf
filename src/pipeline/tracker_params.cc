#include "pipeline/tracker_params.h"

#include "base/base64.h"
#include "base/json_writer.h"
#include "base/url.h"

namespace footfall::pipeline {
namespace {

constexpr std::string_view kUnstructEnvelope =
    "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
constexpr std::string_view kContextsEnvelope =
    "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0";

// {"schema":"<schema>","data":<data_json>}
void AppendSelfDescribing(std::string* out, std::string_view schema, std::string_view data_json) {
  out->append("{\"schema\":");
  AppendJsonString(out, schema);
  out->append(",\"data\":");
  out->append(data_json);
  out->push_back('}');
}

}  // namespace

void AppendParam(std::string* q, std::string_view key, std::string_view value) {
  if (!q->empty()) q->push_back('&');
  q->append(key);
  q->push_back('=');
  AppendPercentEncoded(q, value);
}

std::string EncodeSelfDescribingEvent(std::string_view schema, std::string_view data_json) {
  std::string inner;
  AppendSelfDescribing(&inner, schema, data_json);
  std::string envelope;
  AppendSelfDescribing(&envelope, kUnstructEnvelope, inner);
  return Base64Encode(envelope, Base64Alphabet::kUrlSafe);
}

std::string EncodeContexts(const std::vector<std::pair<std::string_view, std::string>>& contexts) {
  std::string array = "[";
  for (const auto& [schema, data] : contexts) {
    if (array.size() > 1) array.push_back(',');
    AppendSelfDescribing(&array, schema, data);
  }
  array.push_back(']');
  std::string envelope;
  AppendSelfDescribing(&envelope, kContextsEnvelope, array);
  return Base64Encode(envelope, Base64Alphabet::kUrlSafe);
}

}  // namespace footfall::pipeline
