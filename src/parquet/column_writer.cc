#include "parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "base/bytes.h"
#include "parquet/crc32.h"
#include "parquet/rle.h"
#include "parquet/statistics.h"

namespace footfall::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are little-endian; this code copies them as they are in memory");

uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w = 0;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix64(h ^ tail);
}

// Open-addressing map from a value's hash to its dictionary index; the caller keeps the
// entries and says whether an entry equals the value looked up.
class IndexTable {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  explicit IndexTable(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
  }

  // The index of the entry with hash `h` for which same(index) holds; or kNone, with `*slot`
  // set to where Insert should put it.
  template <typename Same>
  uint32_t Find(uint64_t h, Same same, size_t* slot) const {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const uint32_t s = slots_[i];
      if (s == 0) {
        *slot = i;
        return kNone;
      }
      if (hashes_[s - 1] == h && same(s - 1)) return s - 1;
    }
  }

  void Insert(size_t slot, uint64_t h) {
    hashes_.push_back(h);
    slots_[slot] = static_cast<uint32_t>(hashes_.size());
    if (hashes_.size() * 2 > slots_.size()) Grow();
  }

 private:
  void Grow() {
    slots_.assign(slots_.size() * 2, 0);
    mask_ = slots_.size() - 1;
    for (size_t e = 0; e < hashes_.size(); ++e) {
      size_t i = hashes_[e] & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<uint32_t>(e + 1);
    }
  }

  std::vector<uint32_t> slots_;  // entry index + 1; 0 is empty
  std::vector<uint64_t> hashes_;
  size_t mask_ = 0;
};

template <typename T>
uint64_t BitsOf(T v) {
  if constexpr (sizeof(T) == 4) {
    uint32_t b = 0;
    std::memcpy(&b, &v, 4);
    return b;
  } else {
    uint64_t b = 0;
    std::memcpy(&b, &v, 8);
    return b;
  }
}

// Builds the dictionary of a fixed-width column, keyed by bit pattern (so -0.0 and 0.0 stay
// distinct and NaN finds itself). False when its PLAIN size would exceed `max_bytes`.
template <typename T>
bool BuildFixed(std::span<const T> values, std::span<const uint8_t> nulls, size_t max_bytes,
                std::string* plain, std::vector<uint32_t>* indices, size_t* entries) {
  std::vector<T> dict;
  IndexTable table(std::min(values.size(), max_bytes / sizeof(T) + 1));
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls[i]) continue;
    const uint64_t bits = BitsOf(values[i]);
    const uint64_t h = Mix64(bits);
    size_t slot = 0;
    uint32_t idx = table.Find(
        h, [&](uint32_t e) { return BitsOf(dict[e]) == bits; }, &slot);
    if (idx == IndexTable::kNone) {
      if ((dict.size() + 1) * sizeof(T) > max_bytes) return false;
      idx = static_cast<uint32_t>(dict.size());
      dict.push_back(values[i]);
      table.Insert(slot, h);
    }
    indices->push_back(idx);
  }
  plain->assign(reinterpret_cast<const char*>(dict.data()), dict.size() * sizeof(T));
  *entries = dict.size();
  return true;
}

bool BuildBytes(const ColumnVector& values, size_t max_bytes, std::string* plain,
                std::vector<uint32_t>* indices, size_t* entries) {
  std::vector<std::string_view> dict;
  size_t plain_size = 0;
  const auto nulls = values.null_flags();
  IndexTable table(std::min<size_t>(values.size(), 1 << 16));
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls[i]) continue;
    const std::string_view v = values.GetBytes(i);
    const uint64_t h = HashBytes(v);
    size_t slot = 0;
    uint32_t idx = table.Find(
        h, [&](uint32_t e) { return dict[e] == v; }, &slot);
    if (idx == IndexTable::kNone) {
      plain_size += 4 + v.size();
      if (plain_size > max_bytes) return false;
      idx = static_cast<uint32_t>(dict.size());
      dict.push_back(v);
      table.Insert(slot, h);
    }
    indices->push_back(idx);
  }
  plain->clear();
  plain->reserve(plain_size);
  for (std::string_view v : dict) {
    PutFixed32(plain, static_cast<uint32_t>(v.size()));
    plain->append(v);
  }
  *entries = dict.size();
  return true;
}

size_t FixedWidth(PhysicalType type) {
  switch (type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    default:
      return 0;
  }
}

const char* FixedData(const ColumnVector& values) {
  switch (values.type()) {
    case PhysicalType::kInt32:
      return reinterpret_cast<const char*>(values.int32s().data());
    case PhysicalType::kInt64:
      return reinterpret_cast<const char*>(values.int64s().data());
    case PhysicalType::kFloat:
      return reinterpret_cast<const char*>(values.floats().data());
    case PhysicalType::kDouble:
      return reinterpret_cast<const char*>(values.doubles().data());
    default:
      return nullptr;
  }
}

// PLAIN bytes of the non-null values of a column: what the dictionary has to beat.
size_t PlainSize(const ColumnVector& values, size_t non_null) {
  if (values.type() == PhysicalType::kByteArray) return values.bytes_data().size() + 4 * non_null;
  return FixedWidth(values.type()) * non_null;
}

}  // namespace

ColumnChunkEncoder::ColumnChunkEncoder(const ColumnChunkOptions& options)
    : options_(options), compressor_(options.codec, options.zstd_level) {}

bool ColumnChunkEncoder::BuildDictionary(const ColumnSpec& spec, const ColumnVector& values) {
  indices_.clear();
  const size_t limit = options_.dictionary_page_bytes;
  const auto nulls = values.null_flags();
  switch (spec.type) {
    case PhysicalType::kInt32:
      return BuildFixed<int32_t>(values.int32s(), nulls, limit, &dictionary_page_, &indices_,
                                 &dictionary_entries_);
    case PhysicalType::kInt64:
      return BuildFixed<int64_t>(values.int64s(), nulls, limit, &dictionary_page_, &indices_,
                                 &dictionary_entries_);
    case PhysicalType::kFloat:
      return BuildFixed<float>(values.floats(), nulls, limit, &dictionary_page_, &indices_,
                               &dictionary_entries_);
    case PhysicalType::kDouble:
      return BuildFixed<double>(values.doubles(), nulls, limit, &dictionary_page_, &indices_,
                                &dictionary_entries_);
    case PhysicalType::kByteArray:
      return BuildBytes(values, limit, &dictionary_page_, &indices_, &dictionary_entries_);
    default:
      return false;
  }
}

size_t ColumnChunkEncoder::PageEnd(const ColumnSpec& spec, const ColumnVector& values,
                                   size_t row) const {
  const size_t rows = values.size();
  const size_t target = std::max<size_t>(options_.data_page_bytes, 1);
  size_t per_page = 0;
  if (use_dictionary_) {
    per_page = target * 8 / static_cast<size_t>(std::max(index_bit_width_, 1));
  } else if (spec.type == PhysicalType::kBoolean) {
    per_page = target * 8;
  } else if (spec.type == PhysicalType::kByteArray) {
    const auto offsets = values.offsets();
    size_t end = row, bytes = 0;
    while (end < rows && (end == row || bytes < target)) {
      bytes += 4 + (offsets[end + 1] - offsets[end]);
      ++end;
    }
    return end;
  } else {
    per_page = target / FixedWidth(spec.type);
  }
  return std::min(rows, row + std::max<size_t>(per_page, 1));
}

void ColumnChunkEncoder::EncodeValues(const ColumnSpec& spec, const ColumnVector& values,
                                      size_t begin, size_t end, size_t non_null) {
  const auto nulls = values.null_flags();
  const bool any_null = non_null != end - begin;
  switch (spec.type) {
    case PhysicalType::kBoolean: {
      page_bools_.clear();
      const auto bools = values.bools();
      for (size_t i = begin; i < end; ++i) {
        if (!nulls[i]) page_bools_.push_back(bools[i]);
      }
      BitPack(page_bools_.data(), page_bools_.size(), 1, &page_);
      break;
    }
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      const size_t width = FixedWidth(spec.type);
      const char* data = FixedData(values);
      if (!any_null) {
        page_.append(data + begin * width, (end - begin) * width);
      } else {
        page_.reserve(page_.size() + non_null * width);
        for (size_t i = begin; i < end; ++i) {
          if (!nulls[i]) page_.append(data + i * width, width);
        }
      }
      break;
    }
    case PhysicalType::kByteArray: {
      const auto offsets = values.offsets();
      const std::string_view data = values.bytes_data();
      page_.reserve(page_.size() + (offsets[end] - offsets[begin]) + 4 * non_null);
      for (size_t i = begin; i < end; ++i) {
        if (nulls[i]) continue;
        PutFixed32(&page_, static_cast<uint32_t>(offsets[i + 1] - offsets[i]));
        page_.append(data.substr(offsets[i], offsets[i + 1] - offsets[i]));
      }
      break;
    }
    default:
      break;
  }
}

Status ColumnChunkEncoder::WritePage(PageHeader header, std::string* out,
                                     int64_t* uncompressed_total, int64_t* compressed_total) {
  constexpr size_t kMaxPage = std::numeric_limits<int32_t>::max();
  std::string_view stored = page_;
  if (compressor_.codec() != Codec::kUncompressed) {
    FOOTFALL_RETURN_IF_ERROR(compressor_.Compress(page_, &compressed_));
    stored = compressed_;
  }
  if (page_.size() > kMaxPage || stored.size() > kMaxPage) {
    return InvalidArgument("a page of " + std::to_string(page_.size()) +
                           " bytes exceeds the Parquet page size limit of 2 GiB");
  }
  header.uncompressed_page_size = static_cast<int32_t>(page_.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  if (options_.page_checksums) header.crc = static_cast<int32_t>(Crc32(stored));
  header_.clear();
  EncodePageHeader(header, &header_);
  out->append(header_);
  out->append(stored);
  *uncompressed_total += static_cast<int64_t>(header_.size() + page_.size());
  *compressed_total += static_cast<int64_t>(header_.size() + stored.size());
  return Status::Ok();
}

Status ColumnChunkEncoder::Encode(const ColumnSpec& spec, const ColumnVector& values,
                                  int64_t file_offset, std::string* out, ColumnMetaData* meta) {
  const size_t rows = values.size();
  const auto nulls = values.null_flags();
  size_t non_null_total = rows;
  for (uint8_t n : nulls) non_null_total -= n;

  *meta = ColumnMetaData{};
  meta->type = spec.type;
  meta->path_in_schema = {spec.name};
  meta->codec = options_.codec;
  meta->num_values = static_cast<int64_t>(rows);
  meta->statistics = ComputeStatistics(spec, values, options_.max_statistics_bytes);

  use_dictionary_ = false;
  if (options_.dictionary && non_null_total > 0 && BuildDictionary(spec, values)) {
    index_bit_width_ = std::max(1, BitWidth(static_cast<uint32_t>(dictionary_entries_ - 1)));
    const size_t index_bytes = (non_null_total * static_cast<size_t>(index_bit_width_) + 7) / 8;
    use_dictionary_ = dictionary_page_.size() + index_bytes < PlainSize(values, non_null_total);
  }

  const size_t start = out->size();
  auto position = [&] { return file_offset + static_cast<int64_t>(out->size() - start); };
  int64_t uncompressed = 0, compressed = 0;
  if (use_dictionary_) {
    meta->dictionary_page_offset = position();
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.dictionary_page_header.emplace();
    h.dictionary_page_header->num_values = static_cast<int32_t>(dictionary_entries_);
    h.dictionary_page_header->encoding = Encoding::kPlain;
    page_.assign(dictionary_page_);
    FOOTFALL_RETURN_IF_ERROR(WritePage(std::move(h), out, &uncompressed, &compressed));
  }
  meta->data_page_offset = position();

  const Encoding value_encoding = use_dictionary_ ? Encoding::kRleDictionary : Encoding::kPlain;
  int32_t data_pages = 0;
  size_t index_cursor = 0;
  for (size_t row = 0; row < rows;) {
    const size_t end = PageEnd(spec, values, row);
    page_.clear();
    size_t non_null = end - row;
    if (spec.optional) {
      levels_.resize(end - row);
      for (size_t i = row; i < end; ++i) levels_[i - row] = nulls[i] ^ 1;
      for (size_t i = row; i < end; ++i) non_null -= nulls[i];
      level_bytes_.clear();
      RleEncode(levels_.data(), levels_.size(), 1, &level_bytes_);
      PutFixed32(&page_, static_cast<uint32_t>(level_bytes_.size()));
      page_.append(level_bytes_);
    }
    if (use_dictionary_) {
      page_.push_back(static_cast<char>(index_bit_width_));
      RleEncode(indices_.data() + index_cursor, non_null, index_bit_width_, &page_);
      index_cursor += non_null;
    } else {
      EncodeValues(spec, values, row, end, non_null);
    }
    PageHeader h;
    h.type = PageType::kDataPage;
    h.data_page_header.emplace();
    h.data_page_header->num_values = static_cast<int32_t>(end - row);
    h.data_page_header->encoding = value_encoding;
    h.data_page_header->definition_level_encoding = Encoding::kRle;
    h.data_page_header->repetition_level_encoding = Encoding::kRle;
    FOOTFALL_RETURN_IF_ERROR(WritePage(std::move(h), out, &uncompressed, &compressed));
    ++data_pages;
    row = end;
  }

  meta->encodings = {Encoding::kPlain};
  if (use_dictionary_) meta->encodings.push_back(Encoding::kRleDictionary);
  if (spec.optional) meta->encodings.push_back(Encoding::kRle);
  if (use_dictionary_) {
    meta->encoding_stats.push_back(
        {.page_type = PageType::kDictionaryPage, .encoding = Encoding::kPlain, .count = 1});
  }
  if (data_pages > 0) {
    meta->encoding_stats.push_back(
        {.page_type = PageType::kDataPage, .encoding = value_encoding, .count = data_pages});
  }
  meta->total_uncompressed_size = uncompressed;
  meta->total_compressed_size = compressed;
  return Status::Ok();
}

}  // namespace footfall::parquet
