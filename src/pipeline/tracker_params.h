// Building tracker-protocol requests the way Snowplow's trackers do, for the synthetic traffic:
// query-string parameters, and self-describing JSON wrapped in the `unstruct_event` and
// `contexts` envelopes, base64url-encoded as `ue_px` and `cx`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footfall::pipeline {

// Appends `key=value` (percent-encoded) to a query string.
void AppendParam(std::string* query, std::string_view key, std::string_view value);

// `ue_px`: base64url of {"schema":"iglu:…/unstruct_event/jsonschema/1-0-0","data":{"schema":
// schema,"data":<data_json>}}. `data_json` must be a JSON object's text.
std::string EncodeSelfDescribingEvent(std::string_view schema, std::string_view data_json);

// `cx`: base64url of the contexts/1-0-0 envelope around (schema, data JSON) pairs.
std::string EncodeContexts(const std::vector<std::pair<std::string_view, std::string>>& contexts);

inline constexpr std::string_view kWebPageSchema =
    "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
inline constexpr std::string_view kTryOnSchema = "iglu:com.footfall/try_on/jsonschema/1-0-0";
inline constexpr std::string_view kBodyModelSchema =
    "iglu:com.footfall/body_model/jsonschema/1-0-0";
inline constexpr std::string_view kWorkflowStepSchema =
    "iglu:com.footfall/workflow_step/jsonschema/1-0-0";

}  // namespace footfall::pipeline
