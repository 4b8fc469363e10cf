// What crosses ranks when the engine runs SPMD (executor.h): the end of a map stage turns into
// an exchange of serialized shuffle blocks, and an action's per-partition results are gathered
// to every rank. With one rank both are no-ops. Internal to the engine's operators (dataset.h,
// io.h); docs/engine.md ("Executors and scale-out") describes the protocol.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/context.h"
#include "engine/serializer.h"
#include "engine/shuffle.h"

namespace footfall::engine::internal {

// After a map stage: sends the blocks this rank's map tasks wrote for reduce partitions of other
// ranks to their owners, and receives the blocks of its own reduce partitions from the map tasks
// of other ranks, so that data->ForEachBlock(r) for an owned r yields exactly what it would in
// one process, in the same order (map task, then write order). Runs in rounds of at most a few
// MiB per peer (AllToAll); received blocks stay in memory while half the memory budget holds
// them and are spilled beyond that, and kept between stages when the retained pool has room.
// Blocks of partitions this rank does not own are freed as they are sent. Collective.
Status ExchangeShuffle(Context& ctx, ShuffleData* data, size_t reduce_partitions);

// Fills every entry of `per_partition` (indexed by partition) from the rank that owns it:
// entries this rank owns are sent to all, the others replaced by what their owners sent. With
// `leader_only`, on rank 0 alone: the other ranks send theirs and keep their vector as it was.
// V must be serializable (serializer.h). Collective.
template <typename V>
Status GatherPartitions(Context& ctx, std::vector<V>* per_partition, bool leader_only = false) {
  Executor& ex = ctx.executor();
  if (ex.num_ranks() == 1) return Status::Ok();
  std::string mine;
  for (size_t p = 0; p < per_partition->size(); ++p) {
    if (!ex.Owns(p)) continue;
    Serialize((*per_partition)[p], &mine);
  }
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<std::string> all, leader_only
                                                              ? ex.Gather(std::move(mine))
                                                              : ex.AllGather(std::move(mine)));
  for (size_t r = 0; r < all.size(); ++r) {
    if (r == ex.rank()) continue;
    Decoder in(all[r]);
    for (size_t p = r; p < per_partition->size(); p += all.size()) {
      V v{};
      Deserialize(in, &v);
      (*per_partition)[p] = std::move(v);
    }
    if (!in.ok() || !in.empty()) {
      return Corruption("results gathered from rank " + std::to_string(r) + " do not decode");
    }
  }
  return Status::Ok();
}

}  // namespace footfall::engine::internal
