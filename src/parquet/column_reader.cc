#include "parquet/column_reader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "parquet/crc32.h"
#include "parquet/rle.h"

namespace footfall::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are little-endian; this code copies them as they are in memory");

std::string Num(uint64_t n) { return std::to_string(n); }

// Byte arrays are copied value by value; most are short (ids, names, URLs), and a call to
// memcpy per value costs more than the copy. A value of at most kCopySlack bytes is copied as
// exactly kCopySlack bytes (one or two vector moves) when the source has that many readable
// and the destination that much room; the bytes past the value are overwritten by the next.
constexpr size_t kCopySlack = 32;

inline void CopyValue(char* dst, const char* src, size_t n, size_t readable) {
  if (n <= kCopySlack && readable >= kCopySlack) {
    std::memcpy(dst, src, kCopySlack);
  } else {
    std::memcpy(dst, src, n);
  }
}

// An encoding this reader does not decode. When the column chunk lists it among its encodings
// the file is valid and uses something unsupported (kUnimplemented); when it does not, the page
// contradicts its chunk's metadata, as a damaged page header does (kCorruption).
Status UnsupportedEncoding(const ColumnMetaData& meta, Encoding e, const std::string& what) {
  const bool listed =
      std::find(meta.encodings.begin(), meta.encodings.end(), e) != meta.encodings.end();
  const std::string name =
      std::string(EncodingName(e)) + " (" + std::to_string(static_cast<int32_t>(e)) + ")";
  if (listed) return Unimplemented(what + " encoded " + name + " are not supported");
  return Corruption(what + " encoded " + name + ", which the column chunk does not list");
}

// Decodes one column chunk. `defined_` is the per-row definition flag of the current page
// (1 = a value, 0 = null); for a required column every row is defined.
class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnSpec& spec, const ColumnMetaData& meta,
               const ChunkDecodeOptions& options, ChunkScratch* scratch, ColumnVector* out)
      : spec_(spec),
        meta_(meta),
        options_(options),
        decompressor_(&scratch->decompressor),
        out_(out),
        dictionary_(scratch->dictionary),
        page_buffer_(scratch->page),
        defined_(scratch->defined),
        indices_(scratch->indices),
        bools_(scratch->bools) {
    if (dictionary_.type() != spec.type) dictionary_ = ColumnVector(spec.type);
    dictionary_.Clear();
  }

  Status Run(std::string_view chunk);
  // Makes the decoder keep byte arrays in dictionary form: indices into `indices`, and no
  // values or null flags into `out`.
  void KeepDictionary(std::vector<int32_t>* indices) { indices_out_ = indices; }
  ColumnVector TakeDictionary() { return std::exchange(dictionary_, ColumnVector(spec_.type)); }

 private:
  Status Page(const PageHeader& h, std::string_view body);
  Status Decompress(std::string_view in, size_t size, std::string_view* out);
  Status DictionaryPage(const DictionaryPageHeader& h, std::string_view data);
  Status DataPage(size_t rows, Encoding encoding, std::string_view levels, std::string_view values);
  Status Levels(std::string_view levels, size_t rows, size_t* non_null);
  Status Values(Encoding encoding, std::string_view data, size_t rows, size_t non_null);
  Status Plain(std::string_view data, size_t rows, size_t non_null, ColumnVector* to);
  Status Dictionary(std::string_view data, size_t rows, size_t non_null);
  Status PlainToDictionary(std::string_view data, size_t rows, size_t non_null);
  // Appends an index per row: the k-th defined row's is index(k), a null's -1.
  template <typename Index>
  void AppendIndices(size_t rows, Index index);
  Status RleBooleans(std::string_view data, size_t rows, size_t non_null);

  // Appends `rows` values, row i taking value(k) for the k-th defined row.
  template <typename T, typename Value>
  void Scatter(ValueBuffer<T>& to, size_t rows, Value value);
  void AppendNullFlags(size_t rows, size_t non_null);

  const ColumnSpec& spec_;
  const ColumnMetaData& meta_;
  const ChunkDecodeOptions& options_;
  Decompressor* decompressor_;
  ColumnVector* out_;
  ColumnVector& dictionary_;
  bool have_dictionary_ = false;
  size_t dictionary_entries_ = 0;  // of the dictionary page; PLAIN values may follow them
  std::vector<int32_t>* indices_out_ = nullptr;
  int64_t values_read_ = 0;
  // In the ChunkScratch.
  std::string& page_buffer_;
  std::vector<uint8_t>& defined_;
  std::vector<uint32_t>& indices_;
  std::vector<uint8_t>& bools_;
};

Status ChunkDecoder::Run(std::string_view chunk) {
  size_t pos = 0;
  while (values_read_ < meta_.num_values) {
    if (pos >= chunk.size()) {
      return Corruption("column chunk ends after " + Num(values_read_) + " of its " +
                        Num(meta_.num_values) + " values");
    }
    PageHeader h;
    size_t header_size = 0;
    Status s = DecodePageHeader(chunk.substr(pos), &h, &header_size);
    if (!s.ok()) return s.WithContext("page header at chunk offset " + Num(pos));
    pos += header_size;
    if (static_cast<uint64_t>(h.compressed_page_size) > chunk.size() - pos) {
      return Corruption("page at chunk offset " + Num(pos) + " runs past the column chunk");
    }
    const std::string_view body = chunk.substr(pos, h.compressed_page_size);
    if (options_.verify_checksums && h.crc && static_cast<uint32_t>(*h.crc) != Crc32(body)) {
      return Corruption("page at chunk offset " + Num(pos) + " fails its CRC-32 check");
    }
    s = Page(h, body);
    if (!s.ok()) return s.WithContext("page at chunk offset " + Num(pos));
    pos += body.size();
  }
  return Status::Ok();
}

Status ChunkDecoder::Decompress(std::string_view in, size_t size, std::string_view* out) {
  if (size > kMaxPageSize) return Corruption("page claims " + Num(size) + " bytes uncompressed");
  if (meta_.codec == Codec::kUncompressed) {
    if (in.size() != size) {
      return Corruption("uncompressed page of " + Num(in.size()) + " bytes claims " + Num(size));
    }
    *out = in;
    return Status::Ok();
  }
  FOOTFALL_RETURN_IF_ERROR(decompressor_->Decompress(meta_.codec, in, size, &page_buffer_));
  *out = page_buffer_;
  return Status::Ok();
}

Status ChunkDecoder::Page(const PageHeader& h, std::string_view body) {
  switch (h.type) {
    case PageType::kDictionaryPage: {
      if (!h.dictionary_page_header) return Corruption("dictionary page without its header");
      std::string_view data;
      FOOTFALL_RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
      return DictionaryPage(*h.dictionary_page_header, data);
    }
    case PageType::kDataPage: {
      if (!h.data_page_header) return Corruption("data page without its header");
      const DataPageHeader& d = *h.data_page_header;
      if (d.num_values < 0 || d.num_values > meta_.num_values - values_read_) {
        return Corruption("data page of " + std::to_string(d.num_values) +
                          " values overruns the column chunk's " + Num(meta_.num_values));
      }
      // Levels are RLE or, in old files, BIT_PACKED; a required column has none to decode,
      // but any other value still means a damaged header.
      for (Encoding e : {d.definition_level_encoding, d.repetition_level_encoding}) {
        if (e != Encoding::kRle && e != Encoding::kBitPacked) {
          return Corruption("data page levels encoded " + std::to_string(static_cast<int32_t>(e)) +
                            ", which is no level encoding");
        }
      }
      std::string_view data;
      FOOTFALL_RETURN_IF_ERROR(Decompress(body, h.uncompressed_page_size, &data));
      std::string_view levels;
      if (spec_.optional) {
        if (d.definition_level_encoding != Encoding::kRle) {
          return UnsupportedEncoding(meta_, d.definition_level_encoding, "definition levels");
        }
        if (data.size() < 4) return Corruption("data page too short for its definition levels");
        const uint32_t n = DecodeFixed32(data.data());
        if (n > data.size() - 4) return Corruption("definition levels run past the page");
        levels = data.substr(4, n);
        data.remove_prefix(4 + size_t{n});
      }
      return DataPage(static_cast<size_t>(d.num_values), d.encoding, levels, data);
    }
    case PageType::kDataPageV2: {
      if (!h.data_page_header_v2) return Corruption("data page v2 without its header");
      const DataPageHeaderV2& d = *h.data_page_header_v2;
      if (d.num_values < 0 || d.num_values > meta_.num_values - values_read_) {
        return Corruption("data page of " + std::to_string(d.num_values) +
                          " values overruns the column chunk's " + Num(meta_.num_values));
      }
      if (d.repetition_levels_byte_length != 0) {
        return Corruption("data page v2 of a flat column has repetition levels");
      }
      if (d.definition_levels_byte_length < 0 ||
          static_cast<size_t>(d.definition_levels_byte_length) > body.size() ||
          d.definition_levels_byte_length > h.uncompressed_page_size) {
        return Corruption("data page v2 level lengths do not fit the page");
      }
      if (!spec_.optional && d.definition_levels_byte_length != 0) {
        return Corruption("data page v2 of a required column has definition levels");
      }
      const size_t level_bytes = static_cast<size_t>(d.definition_levels_byte_length);
      const std::string_view levels = body.substr(0, level_bytes);
      const std::string_view stored = body.substr(level_bytes);
      const size_t values_size = static_cast<size_t>(h.uncompressed_page_size) - level_bytes;
      std::string_view values;
      if (d.is_compressed) {
        FOOTFALL_RETURN_IF_ERROR(Decompress(stored, values_size, &values));
      } else if (stored.size() != values_size) {
        return Corruption("uncompressed data page v2 does not match its stated size");
      } else {
        values = stored;
      }
      return DataPage(static_cast<size_t>(d.num_values), d.encoding, levels, values);
    }
    default:
      // Index pages and page types of newer writers carry nothing this reader needs.
      return Status::Ok();
  }
}

Status ChunkDecoder::DictionaryPage(const DictionaryPageHeader& h, std::string_view data) {
  if (have_dictionary_) return Corruption("second dictionary page in a column chunk");
  if (values_read_ > 0) return Corruption("dictionary page after data pages");
  // The format defines dictionary pages as PLAIN only (PLAIN_DICTIONARY being its old name).
  if (h.encoding != Encoding::kPlain && h.encoding != Encoding::kPlainDictionary) {
    return Corruption("dictionary page encoded " +
                      std::to_string(static_cast<int32_t>(h.encoding)) + ", not PLAIN");
  }
  if (h.num_values < 0) return Corruption("dictionary page of a negative number of values");
  if (spec_.type == PhysicalType::kBoolean)
    return Corruption("dictionary page of a BOOLEAN column");
  const auto n = static_cast<size_t>(h.num_values);
  // Every PLAIN value takes at least one byte except zero-length strings, which take four.
  if (n > data.size()) return Corruption("dictionary page too short for its values");
  FOOTFALL_RETURN_IF_ERROR(Plain(data, n, n, &dictionary_));
  dictionary_.mutable_null_flags().assign(n, 0);
  // Room to read kCopySlack bytes past any value (see CopyValue).
  auto& dict_bytes = dictionary_.mutable_bytes_data();
  dict_bytes.reserve(dict_bytes.size() + kCopySlack);
  have_dictionary_ = true;
  dictionary_entries_ = n;
  return Status::Ok();
}

Status ChunkDecoder::DataPage(size_t rows, Encoding encoding, std::string_view levels,
                              std::string_view values) {
  size_t non_null = rows;
  if (spec_.optional) FOOTFALL_RETURN_IF_ERROR(Levels(levels, rows, &non_null));
  FOOTFALL_RETURN_IF_ERROR(Values(encoding, values, rows, non_null));
  if (indices_out_ == nullptr) AppendNullFlags(rows, non_null);
  values_read_ += static_cast<int64_t>(rows);
  return Status::Ok();
}

Status ChunkDecoder::Levels(std::string_view levels, size_t rows, size_t* non_null) {
  defined_.resize(rows);
  RleDecoder decoder(levels, 1);
  FOOTFALL_RETURN_IF_ERROR(decoder.Decode(defined_.data(), rows));
  size_t n = 0;
  for (uint8_t d : defined_) n += d;
  *non_null = n;
  return Status::Ok();
}

void ChunkDecoder::AppendNullFlags(size_t rows, size_t non_null) {
  auto& nulls = out_->mutable_null_flags();
  if (non_null == rows) {
    nulls.resize(nulls.size() + rows, 0);
  } else {
    const size_t old = nulls.size();
    nulls.resize(old + rows);
    for (size_t i = 0; i < rows; ++i) nulls[old + i] = defined_[i] ^ 1;
    out_->SetNullCount(out_->null_count() + static_cast<int64_t>(rows - non_null));
  }
}

template <typename T, typename Value>
void ChunkDecoder::Scatter(ValueBuffer<T>& to, size_t rows, Value value) {
  const size_t old = to.size();
  to.resize(old + rows);
  T* dst = to.data() + old;
  if (!spec_.optional) {
    for (size_t i = 0; i < rows; ++i) dst[i] = value(i);
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < rows; ++i) dst[i] = defined_[i] ? value(k++) : T{};
}

Status ChunkDecoder::Values(Encoding encoding, std::string_view data, size_t rows,
                            size_t non_null) {
  switch (encoding) {
    case Encoding::kPlain:
      if (indices_out_ != nullptr) return PlainToDictionary(data, rows, non_null);
      return Plain(data, rows, non_null, out_);
    case Encoding::kRleDictionary:
    case Encoding::kPlainDictionary:
      return Dictionary(data, rows, non_null);
    case Encoding::kRle:
      if (spec_.type == PhysicalType::kBoolean) return RleBooleans(data, rows, non_null);
      return Corruption("RLE values in a " + std::string(PhysicalTypeName(spec_.type)) + " column");
    default:
      return UnsupportedEncoding(meta_, encoding, "values");
  }
}

// PLAIN values into `to`: for a data page `to` is the output and only defined rows have a
// value; for a dictionary page `to` is the dictionary and every row has one. The values must
// fill `data` exactly: no writer pads PLAIN values, and a page they do not fill (or overfill)
// has been misread, for instance as required when its column is optional.
Status ChunkDecoder::Plain(std::string_view data, size_t rows, size_t non_null, ColumnVector* to) {
  const bool dense = to == &dictionary_ || !spec_.optional;
  auto fixed = [&](auto& vec, size_t width) -> Status {
    using T = typename std::remove_reference_t<decltype(vec)>::value_type;
    if (data.size() / width != non_null || data.size() % width != 0) {
      return Corruption("PLAIN values need " + Num(non_null * width) + " bytes, the page has " +
                        Num(data.size()));
    }
    if (dense) {
      const size_t old = vec.size();
      vec.resize(old + rows);
      std::memcpy(vec.data() + old, data.data(), rows * width);
      return Status::Ok();
    }
    Scatter(vec, rows, [&](size_t k) {
      T v;
      std::memcpy(&v, data.data() + k * width, width);
      return v;
    });
    return Status::Ok();
  };
  switch (spec_.type) {
    case PhysicalType::kInt32:
      return fixed(to->mutable_int32s(), 4);
    case PhysicalType::kInt64:
      return fixed(to->mutable_int64s(), 8);
    case PhysicalType::kFloat:
      return fixed(to->mutable_floats(), 4);
    case PhysicalType::kDouble:
      return fixed(to->mutable_doubles(), 8);
    case PhysicalType::kBoolean: {
      if (data.size() != (non_null + 7) / 8) {
        return Corruption("PLAIN booleans need " + Num((non_null + 7) / 8) +
                          " bytes, the page has " + Num(data.size()));
      }
      bools_.resize(non_null);
      BitUnpackBools(data, non_null, bools_.data());
      Scatter(to->mutable_bools(), rows, [&](size_t k) { return bools_[k]; });
      return Status::Ok();
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      const bool fixed_len = spec_.type == PhysicalType::kFixedLenByteArray;
      const auto width = static_cast<size_t>(spec_.type_length);
      auto& offsets = to->mutable_offsets();
      auto& bytes = to->mutable_bytes_data();
      // The page's size bounds the values' bytes: room for them at once (and the slack
      // CopyValue writes into), given back at the end.
      const size_t first_byte = bytes.size();
      bytes.resize(first_byte + data.size() + kCopySlack);
      char* const base = bytes.data();
      size_t end = first_byte;
      const size_t first_row = offsets.size();
      offsets.resize(first_row + rows);
      uint64_t* const row_end = offsets.data() + first_row;
      Status status;
      size_t pos = 0;
      for (size_t i = 0; i < rows; ++i) {
        if (!dense && !defined_[i]) {
          row_end[i] = end;
          continue;
        }
        size_t n = width;
        if (!fixed_len) {
          if (data.size() - pos < 4) {
            status = Corruption("PLAIN byte array length cut off");
            offsets.resize(first_row + i);
            break;
          }
          n = DecodeFixed32(data.data() + pos);
          pos += 4;
        }
        if (data.size() - pos < n) {
          status = Corruption("PLAIN byte array runs past the page");
          offsets.resize(first_row + i);
          break;
        }
        CopyValue(base + end, data.data() + pos, n, data.size() - pos);
        end += n;
        row_end[i] = end;
        pos += n;
      }
      bytes.resize(end);
      if (!status.ok()) return status;
      if (pos != data.size()) {
        return Corruption("PLAIN byte arrays end " + Num(data.size() - pos) +
                          " bytes before the page does");
      }
      return Status::Ok();
    }
    case PhysicalType::kInt96:
      break;
  }
  return Unimplemented("values of type " + std::string(PhysicalTypeName(spec_.type)));
}

Status ChunkDecoder::Dictionary(std::string_view data, size_t rows, size_t non_null) {
  if (!have_dictionary_) return Corruption("dictionary-encoded page without a dictionary page");
  if (non_null == 0) {
    // A page of nulls only may hold no index stream at all.
    if (indices_out_ != nullptr) {
      AppendIndices(rows, [](size_t) { return 0; });
      return Status::Ok();
    }
    return Plain(std::string_view(), rows, 0, out_);
  }
  if (data.empty()) return Corruption("dictionary-encoded page without its bit width");
  const int width = static_cast<uint8_t>(data[0]);
  if (width > kMaxRleBitWidth) return Corruption("dictionary index bit width " + Num(width));
  indices_.resize(non_null);
  RleDecoder decoder(data.substr(1), width);
  FOOTFALL_RETURN_IF_ERROR(decoder.Decode(indices_.data(), non_null));
  const size_t entries = dictionary_entries_;
  const bool byte_arrays = IsByteArray(spec_.type) && indices_out_ == nullptr;
  // Checked, and for byte arrays their total length summed, in one pass.
  const uint64_t* dict_offsets = byte_arrays ? dictionary_.offsets().data() : nullptr;
  uint64_t total = 0;
  for (uint32_t idx : indices_) {
    if (idx >= entries) {
      return Corruption("dictionary index " + Num(idx) + " past the dictionary's " + Num(entries) +
                        " entries");
    }
    if (byte_arrays) total += dict_offsets[idx + 1] - dict_offsets[idx];
  }
  if (indices_out_ != nullptr) {
    AppendIndices(rows, [&](size_t k) { return static_cast<int32_t>(indices_[k]); });
    return Status::Ok();
  }
  switch (spec_.type) {
    case PhysicalType::kInt32:
      Scatter(out_->mutable_int32s(), rows,
              [&](size_t k) { return dictionary_.GetInt32(indices_[k]); });
      return Status::Ok();
    case PhysicalType::kInt64:
      Scatter(out_->mutable_int64s(), rows,
              [&](size_t k) { return dictionary_.GetInt64(indices_[k]); });
      return Status::Ok();
    case PhysicalType::kFloat:
      Scatter(out_->mutable_floats(), rows,
              [&](size_t k) { return dictionary_.GetFloat(indices_[k]); });
      return Status::Ok();
    case PhysicalType::kDouble:
      Scatter(out_->mutable_doubles(), rows,
              [&](size_t k) { return dictionary_.GetDouble(indices_[k]); });
      return Status::Ok();
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      // Grown once to the values' total (plus the slack CopyValue writes into), then filled.
      const char* dict_bytes = dictionary_.bytes_data().data();
      auto& offsets = out_->mutable_offsets();
      auto& bytes = out_->mutable_bytes_data();
      const size_t first_byte = bytes.size();
      bytes.resize(first_byte + total + kCopySlack);
      char* const base = bytes.data();
      size_t end = first_byte;
      const size_t first_row = offsets.size();
      offsets.resize(first_row + rows);
      uint64_t* row_end = offsets.data() + first_row;
      size_t k = 0;
      for (size_t i = 0; i < rows; ++i) {
        if (!spec_.optional || defined_[i]) {
          const uint32_t idx = indices_[k++];
          const size_t n = dict_offsets[idx + 1] - dict_offsets[idx];
          // The dictionary keeps kCopySlack bytes after its values (DictionaryPage).
          CopyValue(base + end, dict_bytes + dict_offsets[idx], n, n + kCopySlack);
          end += n;
        }
        row_end[i] = end;
      }
      bytes.resize(end);
      return Status::Ok();
    }
    default:
      return Corruption("dictionary-encoded " + std::string(PhysicalTypeName(spec_.type)) +
                        " values");
  }
}

template <typename Index>
void ChunkDecoder::AppendIndices(size_t rows, Index index) {
  std::vector<int32_t>& out = *indices_out_;
  const size_t old = out.size();
  out.resize(old + rows);
  size_t k = 0;
  for (size_t i = 0; i < rows; ++i) {
    out[old + i] = (!spec_.optional || defined_[i]) ? index(k++) : -1;
  }
}

Status ChunkDecoder::PlainToDictionary(std::string_view data, size_t rows, size_t non_null) {
  const size_t first = dictionary_.size();
  // Indices are int32: a chunk cannot add entries past that (nor would a real one).
  if (first + non_null > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Unimplemented("column chunk of more than 2^31 distinct values in dictionary form");
  }
  FOOTFALL_RETURN_IF_ERROR(Plain(data, non_null, non_null, &dictionary_));
  dictionary_.mutable_null_flags().resize(first + non_null, 0);
  AppendIndices(rows, [&](size_t k) { return static_cast<int32_t>(first + k); });
  return Status::Ok();
}

Status ChunkDecoder::RleBooleans(std::string_view data, size_t rows, size_t non_null) {
  if (data.size() < 4) return Corruption("RLE booleans without their length");
  const uint32_t n = DecodeFixed32(data.data());
  if (n > data.size() - 4) return Corruption("RLE booleans run past the page");
  bools_.resize(non_null);
  RleDecoder decoder(data.substr(4, n), 1);
  FOOTFALL_RETURN_IF_ERROR(decoder.Decode(bools_.data(), non_null));
  Scatter(out_->mutable_bools(), rows, [&](size_t k) { return bools_[k]; });
  return Status::Ok();
}

}  // namespace

Status DecodeColumnChunk(const ColumnSpec& spec, const ColumnMetaData& meta, std::string_view chunk,
                         const ChunkDecodeOptions& options, ChunkScratch* scratch,
                         ColumnVector* out) {
  if (!CodecSupported(meta.codec)) {
    return Unimplemented("pages compressed with " + std::string(CodecName(meta.codec)) +
                         " are not supported");
  }
  if (spec.type == PhysicalType::kInt96) {
    return Unimplemented("INT96 columns are not supported");
  }
  if (out->type() != spec.type) {
    return InvalidArgument("output vector of type " + std::string(PhysicalTypeName(out->type())) +
                           " for a " + std::string(PhysicalTypeName(spec.type)) + " column");
  }
  ChunkDecoder decoder(spec, meta, options, scratch, out);
  return decoder.Run(chunk);
}

Status DecodeColumnChunkToDictionary(const ColumnSpec& spec, const ColumnMetaData& meta,
                                     std::string_view chunk, const ChunkDecodeOptions& options,
                                     ChunkScratch* scratch, ColumnVector* dictionary,
                                     std::vector<int32_t>* indices) {
  if (!CodecSupported(meta.codec)) {
    return Unimplemented("pages compressed with " + std::string(CodecName(meta.codec)) +
                         " are not supported");
  }
  if (spec.type != PhysicalType::kByteArray || dictionary->type() != spec.type ||
      !dictionary->empty()) {
    return InvalidArgument("dictionary form is for BYTE_ARRAY columns, into an empty vector");
  }
  ChunkDecoder decoder(spec, meta, options, scratch, nullptr);
  decoder.KeepDictionary(indices);
  FOOTFALL_RETURN_IF_ERROR(decoder.Run(chunk));
  *dictionary = decoder.TakeDictionary();
  return Status::Ok();
}

}  // namespace footfall::parquet
