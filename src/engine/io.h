// Sources and sinks on footfall's storage: raw-log segments and Parquet files.
//
//   auto views = ReadParquet<PageView>(ctx, files, {"user_id", "tstamp", "page"}, ToPageViews);
//   auto files = WriteParquet(sessions, out_dir, SessionSchema(), AppendSessionRow);
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/dataset.h"
#include "parquet/column_vector.h"
#include "parquet/reader.h"
#include "parquet/schema.h"
#include "parquet/writer.h"

namespace footfall::engine {

// The sealed segments of the raw log in `dir` (as listed now), one partition per segment in
// segment order (under an SPMD executor, rank k reads the segments p with p % ranks == k); each
// record is one frame's body (an encoded rawlog::CollectorPayload). A damaged frame fails the job
// with kCorruption naming the segment.
Result<Dataset<std::string>> ReadRawLog(Context& ctx, const std::string& dir);

// Turns one row group's projected columns (in the order asked for) into records.
template <typename T>
using RowGroupConverter =
    std::function<Status(std::span<const parquet::ColumnVector> columns, Emitter<T> out)>;

namespace internal {

// Where each partition of a Parquet source reads: a file and a row group.
struct ParquetPart {
  size_t file = 0;
  size_t row_group = 0;
};
struct ParquetPlan {
  std::vector<std::string> files;
  std::vector<std::vector<size_t>> columns;  // schema indices of the projection, per file
  std::vector<ParquetPart> parts;
};
// Reads the footers: kNotFound when a file lacks a column, the reader's errors otherwise. Only
// the row groups that may hold rows satisfying `where` are planned.
Result<ParquetPlan> PlanParquet(std::vector<std::string> files,
                                const std::vector<std::string>& columns,
                                std::span<const parquet::ColumnPredicate> where);
// The projected columns of one partition (throws TaskFailure).
std::vector<parquet::ColumnVector> ReadParquetPart(const ParquetPlan& plan, size_t partition);

template <typename T>
class ParquetNode final : public Node<T> {
 public:
  ParquetNode(std::shared_ptr<const ParquetPlan> plan, RowGroupConverter<T> convert)
      : plan_(std::move(plan)), convert_(std::move(convert)) {}
  size_t num_partitions() const override { return plan_->parts.size(); }
  void DirectShuffles(std::vector<ShuffleBase*>*) override {}
  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    tc.CheckCancelled();
    std::vector<parquet::ColumnVector> columns = ReadParquetPart(*plan_, p);
    ThrowIfError(convert_(columns, emit));
  }

 private:
  std::shared_ptr<const ParquetPlan> plan_;
  RowGroupConverter<T> convert_;
};

}  // namespace internal

// The row groups of `files` (in order), one partition each, reading only `columns`, converted
// to records by `convert`. With `where`, row groups whose statistics show that no row satisfies
// every predicate are skipped (parquet/reader.h, RowGroupsMatching); the rows of the others are
// not filtered. The footers are read here (by every rank); the data when a job runs, each row
// group by the rank that owns its partition.
template <typename T>
Result<Dataset<T>> ReadParquet(Context& ctx, std::vector<std::string> files,
                               const std::vector<std::string>& columns,
                               RowGroupConverter<T> convert,
                               std::vector<parquet::ColumnPredicate> where = {}) {
  FOOTFALL_ASSIGN_OR_RETURN(internal::ParquetPlan plan,
                            internal::PlanParquet(std::move(files), columns, where));
  return Dataset<T>(&ctx, std::make_shared<internal::ParquetNode<T>>(
                              std::make_shared<const internal::ParquetPlan>(std::move(plan)),
                              std::move(convert)));
}

// Appends one record as one row: a value to each column, in schema order.
template <typename T>
using RowAppender = std::function<void(const T& record, std::span<parquet::ColumnVector> row)>;

// Creates `dir` and its missing parents.
Status MakeDirsForOutput(const std::string& dir);

// "part-00042.parquet": the file of partition 42.
std::string PartFileName(size_t partition);

// Writes partition i of `data` to `dir`/PartFileName(i) (every partition gets a file, empty
// ones too), each published atomically by ParquetWriter. Returns the paths in partition order.
// On failure, files of partitions that finished stay; none is partly written. Under an SPMD
// executor each rank writes the partitions it owns (`dir` must be on storage every rank sees)
// and every rank returns every path.
template <typename T>
Result<std::vector<std::string>> WriteParquet(const Dataset<T>& data, const std::string& dir,
                                              const parquet::Schema& schema, RowAppender<T> append,
                                              parquet::WriterOptions options = {}) {
  FOOTFALL_RETURN_IF_ERROR(parquet::ValidateSchemaForWriting(schema));
  FOOTFALL_RETURN_IF_ERROR(MakeDirsForOutput(dir));
  std::vector<std::string> paths(data.num_partitions());
  const size_t batch_rows = static_cast<size_t>(std::max<int64_t>(1, options.row_group_rows));
  Status s = data.Run("WriteParquet", [&](TaskContext& tc) {
    const std::string path = dir + "/" + PartFileName(tc.partition());
    auto writer = ValueOrThrow(parquet::ParquetWriter::Create(path, schema, options));
    std::vector<parquet::ColumnVector> columns;
    for (const auto& c : schema.columns) columns.emplace_back(c.type);
    size_t rows = 0;
    auto flush = [&] {
      ThrowIfError(writer.Write(columns));
      for (auto& c : columns) c.Clear();
      rows = 0;
    };
    uint64_t total = 0;
    auto fn = [&](T&& t) {
      append(t, columns);
      ++total;
      if (++rows >= batch_rows) flush();
    };
    data.node()->Compute(tc, tc.partition(), Emitter<T>(fn));
    if (rows > 0) flush();
    ThrowIfError(writer.Close());
    tc.AddRows(total);
    paths[tc.partition()] = path;
  });
  if (!s.ok()) return s;
  FOOTFALL_RETURN_IF_ERROR(internal::GatherPartitions(*data.context(), &paths));
  return paths;
}

}  // namespace footfall::engine
