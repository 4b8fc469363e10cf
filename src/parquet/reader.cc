#include "parquet/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "base/bytes.h"
#include "base/files.h"
#include "parquet/column_reader.h"
#include "parquet/compression.h"
#include "parquet/statistics.h"

namespace footfall::parquet {
namespace {

std::string Num(uint64_t n) { return std::to_string(n); }

// What one thread reuses from one column chunk to the next: the decompression context and the
// buffer the chunk's bytes are read into (fresh ones cost an allocation and its page faults).
struct ChunkReadState {
  ChunkScratch decode;
  std::string file_bytes;
};

struct ChunkRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

}  // namespace

struct ParquetReader::Impl {
  std::string path;
  ReaderOptions options;
  UniqueFd fd;              // a file opened by Open
  std::string_view buffer;  // or the bytes given to OpenBuffer
  uint64_t file_size = 0;
  FileMetaData metadata;
  Schema schema;
  std::vector<std::vector<ChunkRange>> chunks;  // [row group][column]

  // Points `*out` at bytes [offset, offset + n) of the file, read into `scratch` when needed.
  Status ReadAt(uint64_t offset, uint64_t n, std::string* scratch, std::string_view* out) const;
  Status Init();
  Status CheckRowGroups(uint64_t data_end);
  Status ReadChunk(size_t row_group, size_t column, ChunkReadState* state, ColumnVector* out) const;
  Status CheckColumns(std::span<const size_t> columns) const;
  // Replaces `*group` with columns `columns` of row group `row_group`, reusing its vectors.
  Status ReadGroupInto(size_t row_group, std::span<const size_t> columns, ChunkReadState* state,
                       std::vector<ColumnVector>* group) const;
};

Status ParquetReader::Impl::ReadAt(uint64_t offset, uint64_t n, std::string* scratch,
                                   std::string_view* out) const {
  if (offset > file_size || n > file_size - offset) {
    return Corruption(path + ": read of " + Num(n) + " bytes at " + Num(offset) +
                      " runs past the end of the file");
  }
  if (!fd.valid()) {
    *out = buffer.substr(offset, n);
    return Status::Ok();
  }
  scratch->resize(n);
  uint64_t done = 0;
  while (done < n) {
    const ssize_t r =
        ::pread(fd.get(), scratch->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("read " + path);
    }
    if (r == 0) {
      return Corruption(path + ": file ends at " + Num(offset + done) + ", before byte " +
                        Num(offset + n) + " (truncated while open?)");
    }
    done += static_cast<uint64_t>(r);
  }
  *out = *scratch;
  return Status::Ok();
}

Status ParquetReader::Impl::Init() {
  const uint64_t min_size = kMagic.size() + kFooterTailSize;
  if (file_size < min_size) {
    return Corruption(path + ": " + Num(file_size) + " bytes is too short for a Parquet file");
  }
  std::string scratch;
  std::string_view head;
  FOOTFALL_RETURN_IF_ERROR(ReadAt(0, kMagic.size(), &scratch, &head));
  if (head != kMagic) return Corruption(path + ": does not start with the Parquet magic PAR1");
  std::string_view tail;
  FOOTFALL_RETURN_IF_ERROR(ReadAt(file_size - kFooterTailSize, kFooterTailSize, &scratch, &tail));
  if (tail.substr(4) == kEncryptedMagic) {
    return Unimplemented(path + ": the footer is encrypted; encrypted Parquet is not supported");
  }
  if (tail.substr(4) != kMagic) {
    return Corruption(path + ": does not end with the Parquet magic PAR1 (truncated?)");
  }
  const uint64_t footer_size = DecodeFixed32(tail.data());
  if (footer_size > file_size - min_size || footer_size > kMaxFooterSize) {
    return Corruption(path + ": footer length " + Num(footer_size) + " does not fit a file of " +
                      Num(file_size) + " bytes");
  }
  const uint64_t footer_offset = file_size - kFooterTailSize - footer_size;
  std::string_view footer;
  FOOTFALL_RETURN_IF_ERROR(ReadAt(footer_offset, footer_size, &scratch, &footer));
  Status s = DecodeFileMetaData(footer, &metadata);
  if (!s.ok()) return s.WithContext(path + ": footer");
  if (metadata.encrypted) {
    return Unimplemented(path + ": columns are encrypted; encrypted Parquet is not supported");
  }
  Result<Schema> parsed = FromSchemaElements(metadata.schema);
  if (!parsed.ok()) return parsed.status().WithContext(path + ": schema");
  schema = std::move(parsed).value();
  return CheckRowGroups(footer_offset);
}

Status ParquetReader::Impl::CheckRowGroups(uint64_t data_end) {
  if (metadata.num_rows < 0) return Corruption(path + ": negative row count");
  uint64_t total_rows = 0;
  chunks.resize(metadata.row_groups.size());
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    const RowGroup& rg = metadata.row_groups[g];
    const std::string where = path + ": row group " + Num(g);
    if (rg.num_rows < 0) return Corruption(where + " has a negative row count");
    total_rows += static_cast<uint64_t>(rg.num_rows);
    if (total_rows > static_cast<uint64_t>(metadata.num_rows)) {
      return Corruption(where + ": row groups hold more rows than the file's " +
                        Num(metadata.num_rows));
    }
    if (rg.columns.size() != schema.columns.size()) {
      return Corruption(where + " has " + Num(rg.columns.size()) + " column chunks for " +
                        Num(schema.columns.size()) + " columns");
    }
    chunks[g].resize(rg.columns.size());
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& chunk = rg.columns[c];
      const ColumnSpec& spec = schema.columns[c];
      const std::string col = where + ", column '" + spec.name + "'";
      if (chunk.encrypted) return Unimplemented(col + " is encrypted");
      if (chunk.file_path) return Unimplemented(col + " is stored in another file");
      if (!chunk.meta_data) return Corruption(col + " has no metadata");
      const ColumnMetaData& m = *chunk.meta_data;
      if (m.type != spec.type) return Corruption(col + " has a type other than the schema's");
      if (m.path_in_schema.size() != 1 || m.path_in_schema[0] != spec.name) {
        return Corruption(col + " has a path other than its schema column's");
      }
      if (!spec.optional && m.statistics && m.statistics->null_count.value_or(0) > 0) {
        return Corruption(col + " is required but its statistics count nulls");
      }
      if (m.num_values != rg.num_rows) {
        return Corruption(col + " holds " + std::to_string(m.num_values) + " values for " +
                          Num(rg.num_rows) + " rows");
      }
      int64_t start = m.data_page_offset;
      // Some writers set a zero dictionary offset when there is no dictionary.
      if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
          *m.dictionary_page_offset < start) {
        start = *m.dictionary_page_offset;
      }
      if (start < static_cast<int64_t>(kMagic.size()) || m.total_compressed_size < 0 ||
          static_cast<uint64_t>(start) > data_end ||
          static_cast<uint64_t>(m.total_compressed_size) > data_end - start) {
        return Corruption(col + ": its bytes (" + std::to_string(m.total_compressed_size) + " at " +
                          std::to_string(start) + ") lie outside the file's data");
      }
      chunks[g][c] = {static_cast<uint64_t>(start), static_cast<uint64_t>(m.total_compressed_size)};
    }
  }
  if (total_rows != static_cast<uint64_t>(metadata.num_rows)) {
    return Corruption(path + ": row groups hold " + Num(total_rows) + " rows, the footer says " +
                      Num(metadata.num_rows));
  }
  return Status::Ok();
}

Status ParquetReader::Impl::ReadChunk(size_t row_group, size_t column, ChunkReadState* state,
                                      ColumnVector* out) const {
  if (row_group >= chunks.size()) {
    return InvalidArgument(path + ": no row group " + Num(row_group) + " (the file has " +
                           Num(chunks.size()) + ")");
  }
  if (column >= schema.columns.size()) {
    return InvalidArgument(path + ": no column " + Num(column) + " (the file has " +
                           Num(schema.columns.size()) + ")");
  }
  const ColumnSpec& spec = schema.columns[column];
  const ChunkRange range = chunks[row_group][column];
  std::string_view bytes;
  FOOTFALL_RETURN_IF_ERROR(ReadAt(range.offset, range.size, &state->file_bytes, &bytes));
  const ColumnMetaData& meta = *metadata.row_groups[row_group].columns[column].meta_data;
  if (spec.type == PhysicalType::kByteArray && meta.total_uncompressed_size > 0) {
    // PLAIN values take about their pages' size: room for them at once rather than by doubling
    // (which copies them again). Reserved memory that stays unused is never touched; the bound
    // (a generous compression ratio of the bytes actually read) keeps a footer's absurd claim
    // from reserving gigabytes.
    const uint64_t claimed = static_cast<uint64_t>(meta.total_uncompressed_size);
    out->Reserve(0, static_cast<size_t>(std::min(claimed, 64 * bytes.size())));
  }
  Status s = DecodeColumnChunk(spec, meta, bytes, {.verify_checksums = options.verify_checksums},
                               &state->decode, out);
  if (!s.ok()) {
    return s.WithContext(path + ": row group " + Num(row_group) + ", column '" + spec.name + "'");
  }
  return Status::Ok();
}

ParquetReader::ParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetReader::ParquetReader(ParquetReader&&) noexcept = default;
ParquetReader& ParquetReader::operator=(ParquetReader&&) noexcept = default;
ParquetReader::~ParquetReader() = default;

Result<ParquetReader> ParquetReader::Open(const std::string& path, ReaderOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  impl->fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!impl->fd.valid()) {
    if (errno == ENOENT) return NotFound("no Parquet file " + path);
    return ErrnoError("cannot open " + path);
  }
  struct stat st {};
  if (::fstat(impl->fd.get(), &st) != 0) return ErrnoError("stat " + path);
  impl->file_size = static_cast<uint64_t>(st.st_size);
  FOOTFALL_RETURN_IF_ERROR(impl->Init());
  return ParquetReader(std::move(impl));
}

Result<ParquetReader> ParquetReader::OpenBuffer(std::string_view bytes, std::string name,
                                                ReaderOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = std::move(name);
  impl->options = options;
  impl->buffer = bytes;
  impl->file_size = bytes.size();
  FOOTFALL_RETURN_IF_ERROR(impl->Init());
  return ParquetReader(std::move(impl));
}

const std::string& ParquetReader::path() const { return impl_->path; }
const FileMetaData& ParquetReader::metadata() const { return impl_->metadata; }
const Schema& ParquetReader::schema() const { return impl_->schema; }
int64_t ParquetReader::num_rows() const { return impl_->metadata.num_rows; }
size_t ParquetReader::num_row_groups() const { return impl_->metadata.row_groups.size(); }
int64_t ParquetReader::row_group_num_rows(size_t row_group) const {
  return impl_->metadata.row_groups.at(row_group).num_rows;
}

Result<std::vector<size_t>> ParquetReader::ColumnIndices(std::span<const std::string> names) const {
  std::vector<size_t> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    const std::optional<size_t> i = impl_->schema.Find(name);
    if (!i) return NotFound(impl_->path + ": no column named '" + name + "'");
    out.push_back(*i);
  }
  return out;
}

Status ParquetReader::ReadColumnChunk(size_t row_group, size_t column, ColumnVector* out) const {
  ChunkReadState state;
  return impl_->ReadChunk(row_group, column, &state, out);
}

Result<std::vector<ColumnVector>> ParquetReader::ReadRowGroup(
    size_t row_group, std::span<const size_t> columns) const {
  FOOTFALL_RETURN_IF_ERROR(impl_->CheckColumns(columns));
  ChunkReadState state;
  std::vector<ColumnVector> out;
  FOOTFALL_RETURN_IF_ERROR(impl_->ReadGroupInto(row_group, columns, &state, &out));
  return out;
}

Result<std::vector<ColumnVector>> ParquetReader::Read(std::span<const size_t> columns) const {
  ChunkReadState state;
  std::vector<ColumnVector> out;
  out.reserve(columns.size());
  for (size_t c : columns) {
    if (c >= impl_->schema.columns.size()) {
      return InvalidArgument(impl_->path + ": no column " + Num(c));
    }
    out.emplace_back(impl_->schema.columns[c].type);
    // Reserving saves the copies of growing; the bound keeps a footer that claims absurd row
    // counts from reserving memory before any page backs the claim.
    out.back().Reserve(static_cast<size_t>(std::min<int64_t>(impl_->metadata.num_rows, 1 << 24)));
    for (size_t g = 0; g < impl_->chunks.size(); ++g) {
      FOOTFALL_RETURN_IF_ERROR(impl_->ReadChunk(g, c, &state, &out.back()));
    }
  }
  return out;
}

Result<std::vector<ColumnVector>> ParquetReader::ReadAll() const {
  std::vector<size_t> all(impl_->schema.columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return Read(all);
}

namespace {

// What a worker of ForEachInParallel reuses from one row group to the next.
struct WorkerScratch {
  ChunkReadState state;
  std::vector<ColumnVector> group;
};

// Worker scratch kept from one parallel read to the next, at most one per core. A worker on a
// thread of its own allocates from an arena of its own, which gives whole heaps back to the
// kernel once freed; scratch kept here already has the size a row group needs, so the next
// read neither allocates nor faults fresh pages in (which took a third of a two-thread scan).
// What it holds stays allocated: about one decoded row group per core.
class ScratchPool {
 public:
  std::unique_ptr<WorkerScratch> Take() {
    std::lock_guard<std::mutex> l(mu_);
    if (free_.empty()) return std::make_unique<WorkerScratch>();
    std::unique_ptr<WorkerScratch> s = std::move(free_.back());
    free_.pop_back();
    return s;
  }
  void Give(std::unique_ptr<WorkerScratch> s) {
    std::lock_guard<std::mutex> l(mu_);
    if (free_.size() < std::max<size_t>(1, std::thread::hardware_concurrency())) {
      free_.push_back(std::move(s));
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<WorkerScratch>> free_;  // guarded by mu_
};

ScratchPool& Scratch() {
  static ScratchPool pool;
  return pool;
}

// Runs `work(i, state, group)` for i in [0, n) on up to `threads` threads (0: one per core),
// each taking the next i not yet taken, with a ChunkReadState and a vector of columns of its
// own (for work that reuses them; taken from and given back to the ScratchPool). Stops taking
// new work once `stop` is set.
template <class Work>
void ForEachInParallel(size_t n, int threads, const std::atomic<bool>& stop, const Work& work) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    std::unique_ptr<WorkerScratch> scratch = Scratch().Take();
    for (size_t i = next.fetch_add(1); i < n && !stop.load(); i = next.fetch_add(1)) {
      work(i, scratch->state, scratch->group);
    }
    Scratch().Give(std::move(scratch));
  };
  size_t workers = threads > 0 ? static_cast<size_t>(threads)
                               : std::max<size_t>(1, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  if (workers <= 1) return worker();
  std::vector<std::jthread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(worker);
  worker();
}

}  // namespace

Status ParquetReader::Impl::CheckColumns(std::span<const size_t> columns) const {
  for (size_t c : columns) {
    if (c >= schema.columns.size()) return InvalidArgument(path + ": no column " + Num(c));
  }
  return Status::Ok();
}

Status ParquetReader::Impl::ReadGroupInto(size_t row_group, std::span<const size_t> columns,
                                          ChunkReadState* state,
                                          std::vector<ColumnVector>* group) const {
  // One allocation per vector of the row group's size: growing vectors on several threads at
  // once spends the time in the kernel's page-fault and unmap paths.
  const int64_t rows = row_group < chunks.size()
                           ? std::min<int64_t>(metadata.row_groups[row_group].num_rows, 1 << 24)
                           : 0;
  group->resize(columns.size());
  for (size_t k = 0; k < columns.size(); ++k) {
    ColumnVector& v = (*group)[k];
    const PhysicalType type = schema.columns[columns[k]].type;
    if (v.type() != type) v = ColumnVector(type);
    v.Clear();
    v.Reserve(static_cast<size_t>(rows));
    FOOTFALL_RETURN_IF_ERROR(ReadChunk(row_group, columns[k], state, &v));
  }
  return Status::Ok();
}

Result<std::vector<std::vector<ColumnVector>>> ParquetReader::ReadRowGroups(
    std::span<const size_t> row_groups, std::span<const size_t> columns, int threads) const {
  FOOTFALL_RETURN_IF_ERROR(impl_->CheckColumns(columns));
  const size_t n = row_groups.size();
  std::vector<std::vector<ColumnVector>> out(n);
  std::vector<Status> errors(n);
  // Each worker fills the slot of the row group it took, so the result is the same whichever
  // thread decodes which group.
  const std::atomic<bool> never{false};
  ForEachInParallel(n, threads, never, [&](size_t i, ChunkReadState& state, auto&) {
    errors[i] = impl_->ReadGroupInto(row_groups[i], columns, &state, &out[i]);
  });
  for (Status& s : errors) {
    if (!s.ok()) return std::move(s);
  }
  return out;
}

Status ParquetReader::ScanRowGroups(std::span<const size_t> row_groups,
                                    std::span<const size_t> columns, int threads,
                                    const ScanVisitor& visit) const {
  FOOTFALL_RETURN_IF_ERROR(impl_->CheckColumns(columns));
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first;  // guarded by mu
  ForEachInParallel(row_groups.size(), threads, failed,
                    [&](size_t i, ChunkReadState& state, std::vector<ColumnVector>& group) {
                      Status s = impl_->ReadGroupInto(row_groups[i], columns, &state, &group);
                      if (s.ok()) s = visit(row_groups[i], group);
                      if (s.ok()) return;
                      std::lock_guard<std::mutex> l(mu);
                      if (first.ok()) first = std::move(s);
                      failed.store(true);
                    });
  return first;
}

namespace {

// Where a value lies against a statistics bound: -1 below, 0 equal, 1 above; nullopt when the
// two cannot be compared (NaN).
template <typename T>
std::optional<int> Compare(const T& a, const T& b) {
  if (a < b) return -1;
  if (b < a) return 1;
  if (a == b) return 0;
  return std::nullopt;
}

// True when no value in [lo, hi] (the predicate) can lie in [min, max] (the statistics).
template <typename T>
bool Disjoint(const std::optional<T>& lo, const std::optional<T>& hi, const T& min, const T& max) {
  if (lo) {
    const std::optional<int> c = Compare(*lo, max);
    if (c && *c > 0) return true;
  }
  if (hi) {
    const std::optional<int> c = Compare(*hi, min);
    if (c && *c < 0) return true;
  }
  return false;
}

// A predicate bound as the type its column's statistics decode to; kInvalidArgument when it
// does not fit.
template <typename T>
Result<std::optional<T>> BoundAs(const std::optional<ColumnPredicate::Value>& v,
                                 const std::string& what) {
  if (!v) return std::optional<T>();
  if (const T* x = std::get_if<T>(&*v)) return std::optional<T>(*x);
  if constexpr (std::is_same_v<T, double>) {
    if (const int64_t* i = std::get_if<int64_t>(&*v)) {
      return std::optional<T>(static_cast<double>(*i));
    }
  }
  return InvalidArgument(what);
}

int64_t AsInt64(const StatValue& v) {
  if (const int32_t* i = std::get_if<int32_t>(&v)) return *i;
  if (const bool* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return std::get<int64_t>(v);
}

double AsDouble(const StatValue& v) {
  if (const float* f = std::get_if<float>(&v)) return *f;
  return std::get<double>(v);
}

}  // namespace

Result<std::vector<size_t>> ParquetReader::RowGroupsMatching(
    std::span<const ColumnPredicate> predicates) const {
  const Impl& r = *impl_;
  std::vector<bool> keep(r.metadata.row_groups.size(), true);
  for (const ColumnPredicate& p : predicates) {
    const std::optional<size_t> column = r.schema.Find(p.column);
    if (!column) return NotFound(r.path + ": no column named '" + p.column + "'");
    const ColumnSpec& spec = r.schema.columns[*column];
    const std::string mismatch = r.path + ": a bound of the predicate on '" + p.column +
                                 "' does not fit its type " +
                                 std::string(PhysicalTypeName(spec.type));
    // Unsigned integers are ordered as such in their statistics; an int64 bound cannot be
    // compared with them without a sign convention, so they are never pruned.
    const bool comparable =
        !(spec.logical.kind == LogicalType::Kind::kInteger && !spec.logical.is_signed) &&
        spec.type != PhysicalType::kInt96;
    // The bounds' types are checked once, whether or not any row group has statistics.
    for (const auto& bound : {p.min, p.max}) {
      if (!bound) continue;
      const bool fits = spec.type == PhysicalType::kFloat || spec.type == PhysicalType::kDouble
                            ? !std::holds_alternative<std::string>(*bound)
                        : IsByteArray(spec.type) ? std::holds_alternative<std::string>(*bound)
                                                 : spec.type == PhysicalType::kInt96 ||
                                                       std::holds_alternative<int64_t>(*bound);
      if (!fits) return InvalidArgument(mismatch);
    }
    for (size_t g = 0; g < keep.size(); ++g) {
      if (!keep[g]) continue;
      const RowGroup& rg = r.metadata.row_groups[g];
      const ColumnMetaData& m = *rg.columns[*column].meta_data;
      if (!m.statistics) continue;
      const Statistics& st = *m.statistics;
      // Every value null: no row satisfies a predicate on values.
      if (st.null_count && *st.null_count == rg.num_rows && rg.num_rows > 0) {
        keep[g] = false;
        continue;
      }
      if (!comparable || !st.min_value || !st.max_value) continue;
      Result<StatValue> min = DecodeStatValue(spec.type, *st.min_value);
      Result<StatValue> max = DecodeStatValue(spec.type, *st.max_value);
      if (!min.ok() || !max.ok()) continue;  // damaged statistics decide nothing
      switch (spec.type) {
        case PhysicalType::kBoolean:
        case PhysicalType::kInt32:
        case PhysicalType::kInt64: {
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<int64_t> lo, BoundAs<int64_t>(p.min, mismatch));
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<int64_t> hi, BoundAs<int64_t>(p.max, mismatch));
          if (Disjoint(lo, hi, AsInt64(*min), AsInt64(*max))) keep[g] = false;
          break;
        }
        case PhysicalType::kFloat:
        case PhysicalType::kDouble: {
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<double> lo, BoundAs<double>(p.min, mismatch));
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<double> hi, BoundAs<double>(p.max, mismatch));
          if (Disjoint(lo, hi, AsDouble(*min), AsDouble(*max))) keep[g] = false;
          break;
        }
        default: {
          using S = std::string;
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<S> lo, BoundAs<S>(p.min, mismatch));
          FOOTFALL_ASSIGN_OR_RETURN(std::optional<S> hi, BoundAs<S>(p.max, mismatch));
          // Statistics order byte arrays as unsigned bytes, which std::string's char_traits
          // compare does too.
          if (Disjoint(lo, hi, std::get<S>(*min), std::get<S>(*max))) keep[g] = false;
          break;
        }
      }
    }
  }
  std::vector<size_t> out;
  for (size_t g = 0; g < keep.size(); ++g) {
    if (keep[g]) out.push_back(g);
  }
  return out;
}

Status ParquetReader::ReadDictionaryColumn(size_t row_group, size_t column,
                                           DictionaryColumn* out) const {
  const Impl& r = *impl_;
  if (row_group >= r.chunks.size() || column >= r.schema.columns.size()) {
    return InvalidArgument(r.path + ": no row group " + Num(row_group) + " or column " +
                           Num(column));
  }
  const ColumnSpec& spec = r.schema.columns[column];
  if (spec.type != PhysicalType::kByteArray) {
    return InvalidArgument(r.path + ": column '" + spec.name + "' is " +
                           std::string(PhysicalTypeName(spec.type)) +
                           "; dictionary form is for BYTE_ARRAY columns");
  }
  const ChunkRange range = r.chunks[row_group][column];
  ChunkReadState state;
  std::string_view bytes;
  FOOTFALL_RETURN_IF_ERROR(r.ReadAt(range.offset, range.size, &state.file_bytes, &bytes));
  const ColumnMetaData& meta = *r.metadata.row_groups[row_group].columns[column].meta_data;
  out->dictionary = ColumnVector(PhysicalType::kByteArray);
  out->indices.clear();
  out->indices.reserve(static_cast<size_t>(std::min<int64_t>(meta.num_values, 1 << 24)));
  Status s = DecodeColumnChunkToDictionary(spec, meta, bytes,
                                           {.verify_checksums = r.options.verify_checksums},
                                           &state.decode, &out->dictionary, &out->indices);
  if (!s.ok()) {
    return s.WithContext(r.path + ": row group " + Num(row_group) + ", column '" + spec.name + "'");
  }
  return Status::Ok();
}

Status ReadWholeFileForFuzzing(std::string_view bytes) {
  constexpr int64_t kMaxDecodedRows = 1 << 20;
  FOOTFALL_ASSIGN_OR_RETURN(ParquetReader reader, ParquetReader::OpenBuffer(bytes, "<fuzz input>"));
  std::vector<size_t> columns(reader.schema().columns.size());
  for (size_t c = 0; c < columns.size(); ++c) columns[c] = c;
  for (size_t g = 0; g < reader.num_row_groups(); ++g) {
    if (reader.row_group_num_rows(g) > kMaxDecodedRows) continue;
    // Statistics are decoded too, as a reader pruning by them would.
    for (size_t c = 0; c < columns.size(); ++c) {
      const ColumnMetaData& m = *reader.metadata().row_groups[g].columns[c].meta_data;
      if (!m.statistics) continue;
      for (const auto& v : {m.statistics->min_value, m.statistics->max_value}) {
        if (v) (void)DecodeStatValue(m.type, *v);
      }
    }
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<ColumnVector> group, reader.ReadRowGroup(g, columns));
    for (size_t c = 0; c < group.size(); ++c) {
      const ColumnVector& v = group[c];
      if (static_cast<int64_t>(v.size()) != reader.row_group_num_rows(g) || !v.Consistent()) {
        return Internal("decoded column chunk does not hold one value per row");
      }
      // The dictionary form of a byte-array chunk must agree with the plain one.
      if (v.type() != PhysicalType::kByteArray) continue;
      DictionaryColumn d;
      FOOTFALL_RETURN_IF_ERROR(reader.ReadDictionaryColumn(g, c, &d));
      if (d.size() != v.size()) return Internal("dictionary form has another row count");
      for (size_t i = 0; i < d.size(); ++i) {
        if (d.IsNull(i) != v.IsNull(i) ||
            (!d.IsNull(i) && (static_cast<size_t>(d.indices[i]) >= d.dictionary.size() ||
                              d.Get(i) != v.GetBytes(i)))) {
          return Internal("dictionary form differs from the plain read");
        }
      }
    }
  }
  // Pruning decodes statistics of every chunk; whatever they hold, it returns row groups in
  // range, ascending.
  for (const ColumnSpec& spec : reader.schema().columns) {
    ColumnPredicate p{spec.name, std::nullopt, std::nullopt};
    if (spec.type == PhysicalType::kFloat || spec.type == PhysicalType::kDouble) {
      p.min = 0.0;
    } else if (IsByteArray(spec.type)) {
      p.min = std::string("m");
    } else {
      p.min = int64_t{0};
    }
    const std::vector<ColumnPredicate> predicates{p};
    Result<std::vector<size_t>> kept = reader.RowGroupsMatching(predicates);
    if (!kept.ok()) continue;  // a type this predicate does not fit (INT96)
    for (size_t i = 0; i < kept->size(); ++i) {
      if ((*kept)[i] >= reader.num_row_groups() || (i > 0 && (*kept)[i] <= (*kept)[i - 1])) {
        return Internal("pruning returned row groups out of range or order");
      }
    }
  }
  return Status::Ok();
}

}  // namespace footfall::parquet
