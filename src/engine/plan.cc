#include "engine/plan.h"

#include <algorithm>
#include <map>
#include <set>

namespace footfall::engine::internal {
namespace {

void Visit(ShuffleBase* s, std::set<ShuffleBase*>* seen, std::vector<ShuffleBase*>* order) {
  if (!seen->insert(s).second) return;
  std::vector<ShuffleBase*> inputs;
  s->InputShuffles(&inputs);
  for (ShuffleBase* t : inputs) Visit(t, seen, order);
  order->push_back(s);
}

std::vector<ShuffleBase*> Unique(std::vector<ShuffleBase*> v) {
  std::vector<ShuffleBase*> out;
  for (ShuffleBase* s : v) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

}  // namespace

Status RunJob(Context& ctx, NodeBase* root, const std::string& name,
              const std::function<void(TaskContext&)>& task) {
  std::vector<ShuffleBase*> direct;
  root->DirectShuffles(&direct);
  direct = Unique(std::move(direct));
  std::set<ShuffleBase*> seen;
  std::vector<ShuffleBase*> order;
  for (ShuffleBase* s : direct) Visit(s, &seen, &order);

  // How many stages still have to read each shuffle's outputs.
  std::map<ShuffleBase*, size_t> readers;
  std::map<ShuffleBase*, std::vector<ShuffleBase*>> inputs_of;
  size_t stages = 1;
  for (ShuffleBase* s : order) {
    std::vector<ShuffleBase*> inputs;
    s->InputShuffles(&inputs);
    inputs = Unique(std::move(inputs));
    for (ShuffleBase* t : inputs) ++readers[t];
    inputs_of[s] = std::move(inputs);
    stages += s->stage_count();
  }
  for (ShuffleBase* t : direct) ++readers[t];

  auto lock = ctx.BeginJob(stages);
  struct ReleaseAll {
    std::vector<ShuffleBase*>* order;
    ~ReleaseAll() {
      for (ShuffleBase* s : *order) s->Release();
    }
  } release_all{&order};

  for (ShuffleBase* s : order) {
    FOOTFALL_RETURN_IF_ERROR(s->RunMapStage(ctx));
    for (ShuffleBase* t : inputs_of[s]) {
      if (--readers[t] == 0) t->Release();
    }
  }
  return ctx.RunStage(name, root->num_partitions(), task);
}

}  // namespace footfall::engine::internal
