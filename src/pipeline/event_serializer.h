// How an enriched event crosses the engine's shuffles and spill files: field by field through
// the registry (event/fields.h), a presence byte before each value, so that a field added to
// the event needs no code here.
#pragma once

#include <string>

#include "engine/serializer.h"
#include "event/event.h"

template <>
struct footfall::engine::Serializer<footfall::event::Event> {
  static void Write(const event::Event& e, std::string* out);
  static void Read(Decoder& in, event::Event* e);
  static size_t HeapBytes(const event::Event& e);
};
