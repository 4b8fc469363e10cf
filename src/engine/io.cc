#include "engine/io.h"

#include <cstdio>

#include "base/files.h"
#include "parquet/reader.h"
#include "rawlog/segment.h"

namespace footfall::engine {

Status MakeDirsForOutput(const std::string& dir) { return MakeDirs(dir); }

std::string PartFileName(size_t partition) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05zu.parquet", partition);
  return name;
}

namespace {

class RawLogNode final : public internal::Node<std::string> {
 public:
  explicit RawLogNode(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  size_t num_partitions() const override { return paths_.size(); }
  void DirectShuffles(std::vector<internal::ShuffleBase*>*) override {}
  void Compute(TaskContext& tc, size_t p, Emitter<std::string> emit) override {
    auto reader = ValueOrThrow(rawlog::SegmentReader::Open(paths_[p]));
    uint64_t n = 0;
    while (true) {
      auto next = ValueOrThrow(reader.Next());
      if (!next) break;
      if ((++n & 1023) == 0) tc.CheckCancelled();
      emit(std::string(*next));
    }
  }

 private:
  std::vector<std::string> paths_;
};

}  // namespace

Result<Dataset<std::string>> ReadRawLog(Context& ctx, const std::string& dir) {
  FOOTFALL_ASSIGN_OR_RETURN(auto segments, rawlog::ListSegments(dir));
  std::vector<std::string> paths;
  for (const auto& s : segments) {
    if (s.sealed) paths.push_back(s.path);
  }
  return Dataset<std::string>(&ctx, std::make_shared<RawLogNode>(std::move(paths)));
}

namespace internal {

Result<ParquetPlan> PlanParquet(std::vector<std::string> files,
                                const std::vector<std::string>& columns,
                                std::span<const parquet::ColumnPredicate> where) {
  ParquetPlan plan;
  plan.files = std::move(files);
  for (size_t f = 0; f < plan.files.size(); ++f) {
    FOOTFALL_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(plan.files[f]));
    FOOTFALL_ASSIGN_OR_RETURN(auto indices, reader.ColumnIndices(columns));
    plan.columns.push_back(std::move(indices));
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<size_t> row_groups, reader.RowGroupsMatching(where));
    for (size_t rg : row_groups) plan.parts.push_back({f, rg});
  }
  return plan;
}

std::vector<parquet::ColumnVector> ReadParquetPart(const ParquetPlan& plan, size_t partition) {
  const ParquetPart& part = plan.parts[partition];
  auto reader = ValueOrThrow(parquet::ParquetReader::Open(plan.files[part.file]));
  return ValueOrThrow(reader.ReadRowGroup(part.row_group, plan.columns[part.file]));
}

}  // namespace internal
}  // namespace footfall::engine
