// The view configuration a batch version was built with, recorded in pipeline_versions so that
// readers (the dashboard, `footfall sql`) can tell which settings each version used.
#pragma once

#include <string>
#include <vector>

#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::pipeline {

// Every setting that changes what the views hold, as canonical JSON (keys in a fixed order, so
// the same settings always give the same text).
std::string ViewConfigJson(const views::WebModelOptions& web,
                           const std::vector<views::FlowSpec>& flows);

// 16 hex digits naming ViewConfigJson's text.
std::string ViewConfigHash(const std::string& view_config_json);

}  // namespace footfall::pipeline
