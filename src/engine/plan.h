// The plan: nodes of the lazily built DAG behind Dataset<T>, and the job runner that turns a
// node into stages. Internal to the engine; Dataset<T> (dataset.h) is the API.
//
// A node computes one partition by pushing its records into an Emitter; a narrow node computes
// its partition by asking its parent for the same partition with an Emitter that applies its
// function, so a chain of narrow operators runs as one pass with no intermediate copies. A
// shuffle node ends a stage: its map stage runs over its parents' partitions and leaves
// partitioned map outputs; its partitions are then computed from those.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/context.h"

namespace footfall::engine {

// Where an operator or a source puts records: a non-owning reference to a callable taking T&&.
// Cheap to copy; valid while the call that received it runs.
template <typename T>
class Emitter {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Emitter> &&
           std::is_invocable_v<F&, T&&>) explicit Emitter(F& f)
      : obj_(&f), call_([](void* o, T&& v) { (*static_cast<F*>(o))(std::move(v)); }) {}

  void operator()(T&& v) const { call_(obj_, std::move(v)); }
  void operator()(const T& v) const {
    T copy(v);
    call_(obj_, std::move(copy));
  }

 private:
  void* obj_;
  void (*call_)(void*, T&&);
};

namespace internal {

class ShuffleBase;

class NodeBase {
 public:
  virtual ~NodeBase() = default;
  virtual size_t num_partitions() const = 0;
  // The shuffles whose outputs this node's partitions read, through its narrow ancestors.
  virtual void DirectShuffles(std::vector<ShuffleBase*>* out) = 0;
};

template <typename T>
class Node : public NodeBase {
 public:
  // Pushes the records of `partition` into `emit`, in a deterministic order. Fails by throwing
  // (TaskFailure for a Status); user functions may throw anything.
  virtual void Compute(TaskContext& tc, size_t partition, Emitter<T> emit) = 0;
};

// The map side of a shuffle node: a stage (or two, for range partitioning) that leaves map
// outputs behind, held until Release() or the end of the job.
class ShuffleBase {
 public:
  virtual ~ShuffleBase() = default;
  virtual std::string name() const = 0;
  virtual size_t stage_count() const { return 1; }
  // The shuffles the map stage reads.
  virtual void InputShuffles(std::vector<ShuffleBase*>* out) = 0;
  virtual Status RunMapStage(Context& ctx) = 0;
  // Frees the map outputs.
  virtual void Release() = 0;
};

// Runs every shuffle `root` depends on, in dependency order, each once, freeing map outputs as
// soon as no later stage reads them; then the final stage, `task` per partition of `root`.
// Every map output is freed when this returns, whatever happened.
Status RunJob(Context& ctx, NodeBase* root, const std::string& name,
              const std::function<void(TaskContext&)>& task);

}  // namespace internal
}  // namespace footfall::engine
