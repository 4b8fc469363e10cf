#include "parquet/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "base/bytes.h"
#include "parquet/column_reader.h"
#include "parquet/compression.h"
#include "parquet/statistics.h"

namespace footfall::parquet {
namespace {

std::string Num(uint64_t n) { return std::to_string(n); }

struct ChunkRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

}  // namespace

struct ParquetReader::Impl {
  std::string path;
  ReaderOptions options;
  int fd = -1;              // a file opened by Open
  std::string_view buffer;  // or the bytes given to OpenBuffer
  uint64_t file_size = 0;
  FileMetaData metadata;
  Schema schema;
  std::vector<std::vector<ChunkRange>> chunks;  // [row group][column]

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  // Points `*out` at bytes [offset, offset + n) of the file, read into `scratch` when needed.
  Status ReadAt(uint64_t offset, uint64_t n, std::string* scratch, std::string_view* out) const;
  Status Init();
  Status CheckRowGroups(uint64_t data_end);
  Status ReadChunk(size_t row_group, size_t column, Decompressor* decompressor,
                   ColumnVector* out) const;
};

Status ParquetReader::Impl::ReadAt(uint64_t offset, uint64_t n, std::string* scratch,
                                   std::string_view* out) const {
  if (offset > file_size || n > file_size - offset) {
    return Corruption(path + ": read of " + Num(n) + " bytes at " + Num(offset) +
                      " runs past the end of the file");
  }
  if (fd < 0) {
    *out = buffer.substr(offset, n);
    return Status::Ok();
  }
  scratch->resize(n);
  uint64_t done = 0;
  while (done < n) {
    const ssize_t r =
        ::pread(fd, scratch->data() + done, n - done, static_cast<off_t>(offset + done));
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

Status ParquetReader::Impl::ReadChunk(size_t row_group, size_t column, Decompressor* decompressor,
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
  std::string scratch;
  std::string_view bytes;
  FOOTFALL_RETURN_IF_ERROR(ReadAt(range.offset, range.size, &scratch, &bytes));
  const ColumnMetaData& meta = *metadata.row_groups[row_group].columns[column].meta_data;
  Status s = DecodeColumnChunk(spec, meta, bytes, {.verify_checksums = options.verify_checksums},
                               decompressor, out);
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
  impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (impl->fd < 0) {
    if (errno == ENOENT) return NotFound("no Parquet file " + path);
    return ErrnoError("cannot open " + path);
  }
  struct stat st {};
  if (::fstat(impl->fd, &st) != 0) return ErrnoError("stat " + path);
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
  Decompressor decompressor;
  return impl_->ReadChunk(row_group, column, &decompressor, out);
}

Result<std::vector<ColumnVector>> ParquetReader::ReadRowGroup(
    size_t row_group, std::span<const size_t> columns) const {
  Decompressor decompressor;
  std::vector<ColumnVector> out;
  out.reserve(columns.size());
  for (size_t c : columns) {
    if (c >= impl_->schema.columns.size()) {
      return InvalidArgument(impl_->path + ": no column " + Num(c));
    }
    out.emplace_back(impl_->schema.columns[c].type);
    FOOTFALL_RETURN_IF_ERROR(impl_->ReadChunk(row_group, c, &decompressor, &out.back()));
  }
  return out;
}

Result<std::vector<ColumnVector>> ParquetReader::Read(std::span<const size_t> columns) const {
  Decompressor decompressor;
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
      FOOTFALL_RETURN_IF_ERROR(impl_->ReadChunk(g, c, &decompressor, &out.back()));
    }
  }
  return out;
}

Result<std::vector<ColumnVector>> ParquetReader::ReadAll() const {
  std::vector<size_t> all(impl_->schema.columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return Read(all);
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
    for (const ColumnVector& v : group) {
      if (static_cast<int64_t>(v.size()) != reader.row_group_num_rows(g) || !v.Consistent()) {
        return Internal("decoded column chunk does not hold one value per row");
      }
    }
  }
  return Status::Ok();
}

}  // namespace footfall::parquet
