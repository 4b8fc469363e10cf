// Lists of string pairs filled anew for each message (a request's headers, say) whose strings keep
// their capacity from one message to the next: a pair is not destroyed when its list empties but
// waits in a spare list for the next message, so that refilling allocates nothing once warm.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footfall {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// Appends (first, second) to `list`, in a pair taken from `spare` when it has one.
inline void AppendReusing(StringPairs* list, StringPairs* spare, std::string_view first,
                          std::string_view second) {
  if (spare->empty()) {
    list->emplace_back();
  } else {
    list->push_back(std::move(spare->back()));
    spare->pop_back();
  }
  list->back().first.assign(first);
  list->back().second.assign(second);
}

// Empties `list`, moving its pairs to `spare` (by swapping the two when `spare` is empty, as it
// is when each message has as many pairs as the one before).
inline void ClearReusing(StringPairs* list, StringPairs* spare) {
  if (spare->empty()) return list->swap(*spare);
  for (auto& pair : *list) spare->push_back(std::move(pair));
  list->clear();
}

}  // namespace footfall
