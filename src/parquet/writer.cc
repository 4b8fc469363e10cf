#include "parquet/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "base/bytes.h"
#include "base/files.h"
#include "parquet/column_writer.h"
#include "parquet/compression.h"

#ifndef FOOTFALL_VERSION_STRING
#error "FOOTFALL_VERSION_STRING must be defined by the build (the project version)"
#endif

namespace footfall::parquet {
namespace {

// FileMetaData.created_by, in the "<application> version <version>" form readers parse.
constexpr std::string_view kCreatedBy = "footfall version " FOOTFALL_VERSION_STRING;

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status CheckOptions(const WriterOptions& o) {
  if (o.compression != Codec::kZstd && o.compression != Codec::kSnappy &&
      o.compression != Codec::kUncompressed) {
    return InvalidArgument(
        "footfall writes Parquet pages with ZSTD, SNAPPY or no compression, not " +
        std::string(CodecName(o.compression)));
  }
  if (o.compression == Codec::kZstd &&
      (o.zstd_level < ZSTD_minCLevel() || o.zstd_level > ZSTD_maxCLevel())) {
    return InvalidArgument("zstd level " + std::to_string(o.zstd_level) + " is out of range");
  }
  if (o.row_group_rows < 1) return InvalidArgument("a row group needs at least one row");
  return Status::Ok();
}

}  // namespace

struct ParquetWriter::Impl {
  std::string path;
  std::string tmp_path;
  Schema schema;
  WriterOptions options;
  ColumnChunkEncoder encoder;
  UniqueFd fd;
  uint64_t offset = 0;  // bytes written to the temporary file
  bool published = false;
  Status failed;                      // the I/O error that stopped the writer, if any
  std::vector<ColumnVector> buffers;  // the row group being filled, one vector per column
  int64_t buffered_rows = 0;
  int64_t rows_written = 0;
  std::string chunk;  // scratch: one encoded column chunk
  FileMetaData metadata;

  Impl(std::string p, Schema s, WriterOptions o)
      : path(std::move(p)),
        tmp_path(path + ".tmp"),
        schema(std::move(s)),
        options(std::move(o)),
        encoder(ColumnChunkOptions{.codec = options.compression,
                                   .zstd_level = options.zstd_level,
                                   .data_page_bytes = options.data_page_bytes,
                                   .dictionary = options.dictionary,
                                   .dictionary_page_bytes = options.dictionary_page_bytes,
                                   .page_checksums = options.page_checksums,
                                   .max_statistics_bytes = options.max_statistics_bytes}) {}

  ~Impl() {
    if (!published) ::unlink(tmp_path.c_str());
  }

  Status Usable() const {
    if (published) return FailedPrecondition(path + ": the Parquet writer is closed");
    if (!failed.ok()) {
      return FailedPrecondition(path + ": the Parquet writer failed earlier: " + failed.ToString());
    }
    return Status::Ok();
  }

  Status Append(std::string_view data) {
    FOOTFALL_RETURN_IF_ERROR(WriteAll(fd.get(), data, tmp_path));
    offset += data.size();
    return Status::Ok();
  }

  Status FlushRowGroup() {
    RowGroup rg;
    rg.num_rows = buffered_rows;
    rg.file_offset = static_cast<int64_t>(offset);
    if (metadata.row_groups.size() <= static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
      rg.ordinal = static_cast<int16_t>(metadata.row_groups.size());
    }
    int64_t compressed = 0;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      chunk.clear();
      ColumnChunk cc;
      cc.meta_data.emplace();
      Status s = encoder.Encode(schema.columns[c], buffers[c], static_cast<int64_t>(offset), &chunk,
                                &*cc.meta_data);
      if (!s.ok()) return s.WithContext(path + ": column '" + schema.columns[c].name + "'");
      FOOTFALL_RETURN_IF_ERROR(Append(chunk));
      rg.total_byte_size += cc.meta_data->total_uncompressed_size;
      compressed += cc.meta_data->total_compressed_size;
      rg.columns.push_back(std::move(cc));
      buffers[c].Clear();
    }
    rg.total_compressed_size = compressed;
    metadata.row_groups.push_back(std::move(rg));
    metadata.num_rows += buffered_rows;
    buffered_rows = 0;
    return Status::Ok();
  }

  Status CheckBatch(std::span<const ColumnVector> columns) const {
    if (columns.size() != schema.columns.size()) {
      return InvalidArgument(path + ": batch of " + std::to_string(columns.size()) +
                             " columns for a schema of " + std::to_string(schema.columns.size()));
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      const ColumnSpec& spec = schema.columns[c];
      const ColumnVector& v = columns[c];
      const std::string col = path + ": column '" + spec.name + "'";
      if (v.type() != spec.type) {
        return InvalidArgument(col + " is " + std::string(PhysicalTypeName(spec.type)) +
                               " but the batch holds " + std::string(PhysicalTypeName(v.type())));
      }
      if (!v.Consistent()) {
        return InvalidArgument(col + ": the batch's vector holds values of another type");
      }
      if (v.size() != columns[0].size()) {
        return InvalidArgument(col + " has " + std::to_string(v.size()) + " rows, column '" +
                               schema.columns[0].name + "' " + std::to_string(columns[0].size()));
      }
      if (!spec.optional && !v.empty() &&
          std::memchr(v.null_flags().data(), 1, v.size()) != nullptr) {
        return InvalidArgument(col + " is required but the batch holds a null");
      }
    }
    return Status::Ok();
  }

  Status Publish() {
    metadata.version = kFormatVersion;
    metadata.schema = ToSchemaElements(schema);
    metadata.key_value_metadata = options.key_value_metadata;
    metadata.created_by = std::string(kCreatedBy);
    metadata.column_orders.assign(schema.columns.size(), ColumnOrder::kTypeDefined);
    std::string tail;
    EncodeFileMetaData(metadata, &tail);
    PutFixed32(&tail, static_cast<uint32_t>(tail.size()));
    tail.append(kMagic);
    FOOTFALL_RETURN_IF_ERROR(Append(tail));
    if (::fsync(fd.get()) != 0) return ErrnoError("fsync of " + tmp_path);
    FOOTFALL_RETURN_IF_ERROR(fd.Close(tmp_path));
    if (::rename(tmp_path.c_str(), path.c_str()) != 0) {
      return ErrnoError("rename of " + tmp_path + " to " + path);
    }
    published = true;
    // Once renamed the file is whole under its name; the directory sync makes the name durable.
    return SyncDirectory(DirectoryOf(path));
  }
};

ParquetWriter::ParquetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetWriter::ParquetWriter(ParquetWriter&&) noexcept = default;
ParquetWriter& ParquetWriter::operator=(ParquetWriter&&) noexcept = default;
ParquetWriter::~ParquetWriter() = default;

Result<ParquetWriter> ParquetWriter::Create(std::string path, Schema schema,
                                            WriterOptions options) {
  Status s = ValidateSchemaForWriting(schema);
  if (!s.ok()) return s.WithContext(path);
  s = CheckOptions(options);
  if (!s.ok()) return s.WithContext(path);
  auto impl = std::make_unique<Impl>(std::move(path), std::move(schema), std::move(options));
  impl->fd.reset(::open(impl->tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!impl->fd.valid()) {
    const Status err = ErrnoError("cannot create " + impl->tmp_path);
    impl->published = true;  // nothing of ours to remove
    return err;
  }
  impl->buffers.reserve(impl->schema.columns.size());
  for (const ColumnSpec& c : impl->schema.columns) impl->buffers.emplace_back(c.type);
  FOOTFALL_RETURN_IF_ERROR(impl->Append(kMagic));
  return ParquetWriter(std::move(impl));
}

Status ParquetWriter::Write(std::span<const ColumnVector> columns) {
  Impl& w = *impl_;
  FOOTFALL_RETURN_IF_ERROR(w.Usable());
  FOOTFALL_RETURN_IF_ERROR(w.CheckBatch(columns));
  const size_t rows = columns[0].size();
  for (size_t pos = 0; pos < rows;) {
    const size_t take = std::min<size_t>(
        rows - pos, static_cast<size_t>(w.options.row_group_rows - w.buffered_rows));
    for (size_t c = 0; c < columns.size(); ++c)
      w.buffers[c].AppendRows(columns[c], pos, pos + take);
    w.buffered_rows += static_cast<int64_t>(take);
    w.rows_written += static_cast<int64_t>(take);
    pos += take;
    if (w.buffered_rows == w.options.row_group_rows) {
      Status s = w.FlushRowGroup();
      if (!s.ok()) {
        w.failed = s;
        return s;
      }
    }
  }
  return Status::Ok();
}

Status ParquetWriter::Close() {
  Impl& w = *impl_;
  FOOTFALL_RETURN_IF_ERROR(w.Usable());
  Status s = w.buffered_rows > 0 ? w.FlushRowGroup() : Status::Ok();
  if (s.ok()) s = w.Publish();
  if (!s.ok() && !w.published) w.failed = s;
  return s;
}

const std::string& ParquetWriter::path() const { return impl_->path; }
const Schema& ParquetWriter::schema() const { return impl_->schema; }
int64_t ParquetWriter::rows_written() const { return impl_->rows_written; }
const FileMetaData& ParquetWriter::metadata() const { return impl_->metadata; }

}  // namespace footfall::parquet
