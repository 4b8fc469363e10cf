// The enriched-event fields the batch views read: the batch reads only these columns of the
// enriched Parquet lake, as a SQL engine would, instead of every field of every event.
#pragma once

#include <string>
#include <vector>

#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::views {

// Registry names (event/fields.h), in registry order: those the web model, the metrics and
// deduplication read, and every enriched-event field a conversion, funnel step or flow of this
// config refers to (`data.<property>` references read unstruct_event, always included).
std::vector<std::string> ViewFields(const WebModelOptions& web, const std::vector<FlowSpec>& flows);

}  // namespace footfall::views
