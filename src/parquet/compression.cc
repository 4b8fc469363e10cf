#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

namespace footfall::parquet {

bool CodecSupported(Codec codec) {
  return codec == Codec::kUncompressed || codec == Codec::kSnappy || codec == Codec::kZstd;
}

struct Compressor::State {
  ZSTD_CCtx* zstd = nullptr;
  ~State() { ZSTD_freeCCtx(zstd); }
};

Compressor::Compressor(Codec codec, int zstd_level)
    : codec_(codec), zstd_level_(zstd_level), state_(std::make_unique<State>()) {}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

Status Compressor::Compress(std::string_view in, std::string* out) {
  switch (codec_) {
    case Codec::kUncompressed:
      out->assign(in);
      return Status::Ok();
    case Codec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(in.size()));
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), out->data(), &n);
      out->resize(n);
      return Status::Ok();
    }
    case Codec::kZstd: {
      if (state_->zstd == nullptr) {
        state_->zstd = ZSTD_createCCtx();
        if (state_->zstd == nullptr) return Internal("zstd: cannot create a compression context");
      }
      out->resize(ZSTD_compressBound(in.size()));
      const size_t n = ZSTD_compressCCtx(state_->zstd, out->data(), out->size(), in.data(),
                                         in.size(), zstd_level_);
      if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
      out->resize(n);
      return Status::Ok();
    }
    default:
      return Unimplemented("cannot write pages compressed with " + std::string(CodecName(codec_)));
  }
}

struct Decompressor::State {
  ZSTD_DCtx* zstd = nullptr;
  ~State() { ZSTD_freeDCtx(zstd); }
};

Decompressor::Decompressor() : state_(std::make_unique<State>()) {}
Decompressor::~Decompressor() = default;
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

Status Decompressor::Decompress(Codec codec, std::string_view in, size_t uncompressed_size,
                                std::string* out) {
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != uncompressed_size) {
        return Corruption("uncompressed page of " + std::to_string(in.size()) + " bytes claims " +
                          std::to_string(uncompressed_size));
      }
      out->assign(in);
      return Status::Ok();
    case Codec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(in.data(), in.size(), &n) || n != uncompressed_size) {
        return Corruption("snappy page does not decompress to its stated size");
      }
      out->resize(n);
      if (!snappy::RawUncompress(in.data(), in.size(), out->data())) {
        return Corruption("snappy page is not valid snappy data");
      }
      return Status::Ok();
    }
    case Codec::kZstd: {
      // A frame that states its content size must agree with the page header; this also keeps
      // a damaged header from sizing the buffer.
      const unsigned long long stated = ZSTD_getFrameContentSize(in.data(), in.size());
      if (stated == ZSTD_CONTENTSIZE_ERROR) return Corruption("zstd page is not a zstd frame");
      if (stated != ZSTD_CONTENTSIZE_UNKNOWN && stated > uncompressed_size) {
        return Corruption("zstd page holds more than its stated size");
      }
      if (state_->zstd == nullptr) {
        state_->zstd = ZSTD_createDCtx();
        if (state_->zstd == nullptr) return Internal("zstd: cannot create a decompression context");
      }
      out->resize(uncompressed_size);
      const size_t n =
          ZSTD_decompressDCtx(state_->zstd, out->data(), out->size(), in.data(), in.size());
      if (ZSTD_isError(n)) {
        return Corruption(std::string("zstd page does not decompress: ") + ZSTD_getErrorName(n));
      }
      if (n != uncompressed_size) {
        return Corruption("zstd page decompresses to " + std::to_string(n) + " bytes, not " +
                          std::to_string(uncompressed_size));
      }
      return Status::Ok();
    }
    default:
      return Unimplemented("pages compressed with " + std::string(CodecName(codec)) +
                           " are not supported");
  }
}

}  // namespace footfall::parquet
