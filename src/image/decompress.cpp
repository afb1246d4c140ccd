#include "image/decompress.h"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "image/readahead.h"
#include "util/digest.h"

namespace ig::image {

namespace {

// Compressed input is pulled in chunks of this size; big enough to amortise
// the per-call costs of the source, small enough to keep memory flat.
constexpr size_t k_input_chunk = 256 * 1024;

// Counts the bytes that pass through, so the ratio check can compare output
// with input without knowing the decoder. Atomic: the decoder runs on the
// read-ahead thread while the checks run on the walker's.
using Counter = std::atomic<uint64_t>;
class CountingStream final : public ByteStream {
 public:
  CountingStream(std::unique_ptr<ByteStream> inner, Counter* counter) : inner_(std::move(inner)), counter_(counter) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    auto n = inner_->read(buf);
    if (n) counter_->fetch_add(*n, std::memory_order_relaxed);
    return n;
  }

 private:
  std::unique_ptr<ByteStream> inner_;
  Counter* counter_;
};

// Holds a window of compressed input between reads of the decoder.
class InputBuffer {
 public:
  explicit InputBuffer(std::unique_ptr<ByteStream> in) : in_(std::move(in)), buf_(k_input_chunk) {}

  // Appends more input after the unconsumed bytes [pos, end). Returns false at
  // end of input.
  Result<bool> refill() {
    if (eof_) return false;
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    IG_ASSIGN(size_t n, in_->read(std::span<std::byte>(reinterpret_cast<std::byte*>(buf_.data() + end_),
                                                       buf_.size() - end_)));
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += n;
    return true;
  }
  uint8_t* data() { return buf_.data() + pos_; }
  size_t size() const { return end_ - pos_; }
  void consume(size_t n) { pos_ += n; }
  bool eof() const { return eof_; }

 private:
  std::unique_ptr<ByteStream> in_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

class GzipDecoder final : public ByteStream {
 public:
  GzipDecoder(std::unique_ptr<ByteStream> in, std::string what) : in_(std::move(in)), what_(std::move(what)) {
    start_member();
  }

  Result<size_t> read(std::span<std::byte> out) override {
    if (done_ || out.empty()) return 0;
    for (;;) {
      if (state_.block_state == ISAL_BLOCK_FINISH) {
        // A member ended: another may follow (pigz and some registries write
        // several), or the stream ends here.
        if (in_.size() == 0) {
          IG_ASSIGN(bool more, in_.refill());
          if (!more) {
            done_ = true;
            return 0;
          }
        }
        start_member();
        member_started_ = true;
      }
      if (in_.size() == 0) {
        IG_ASSIGN(bool more, in_.refill());
        if (!more) return fail(ErrorCode::invalid_image, "{}: gzip data is truncated (the blob ends mid-stream)", what_);
      }
      state_.next_in = in_.data();
      state_.avail_in = static_cast<uint32_t>(std::min<size_t>(in_.size(), UINT32_MAX));
      state_.next_out = reinterpret_cast<uint8_t*>(out.data());
      state_.avail_out = static_cast<uint32_t>(std::min<size_t>(out.size(), UINT32_MAX));
      uint32_t avail_in_before = state_.avail_in;
      int rc = isal_inflate(&state_);
      in_.consume(avail_in_before - state_.avail_in);
      if (rc < 0) return fail(ErrorCode::invalid_image, "{}: {}", what_, gzip_error(rc));
      size_t produced = out.size() - state_.avail_out;
      if (produced > 0) return produced;
      if (state_.block_state != ISAL_BLOCK_FINISH && in_.size() > 0 && avail_in_before == state_.avail_in) {
        // No progress with input left: the decoder needs a longer run of
        // input (e.g. a header split across reads).
        IG_ASSIGN(bool more, in_.refill());
        if (!more) return fail(ErrorCode::invalid_image, "{}: gzip data is truncated (the blob ends mid-stream)", what_);
      }
    }
  }

 private:
  void start_member() {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;  // parse the header, verify the CRC-32 trailer
  }

  std::string gzip_error(int rc) const {
    switch (rc) {
      case ISAL_INVALID_WRAPPER:
        return member_started_ ? "unexpected data after the end of the gzip stream"
                               : "not gzip data (bad header); the media type says gzip";
      case ISAL_UNSUPPORTED_METHOD: return "gzip member uses an unsupported compression method";
      case ISAL_INCORRECT_CHECKSUM: return "gzip CRC-32 mismatch: the layer data is corrupt";
      default: return fmt::format("corrupt gzip data (deflate error {})", rc);
    }
  }

  InputBuffer in_;
  std::string what_;
  inflate_state state_{};
  bool member_started_ = false;
  bool done_ = false;
};

class ZstdDecoder final : public ByteStream {
 public:
  ZstdDecoder(std::unique_ptr<ByteStream> in, std::string what)
      : in_(std::move(in)), what_(std::move(what)), dctx_(ZSTD_createDCtx()) {}
  ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  Result<size_t> read(std::span<std::byte> out) override {
    if (dctx_ == nullptr) return fail(ErrorCode::internal, "{}: cannot allocate a zstd decoder", what_);
    if (done_ || out.empty()) return 0;
    for (;;) {
      if (in_.size() == 0) {
        IG_ASSIGN(bool more, in_.refill());
        if (!more) {
          if (!frame_complete_) {
            return fail(ErrorCode::invalid_image, "{}: zstd data is truncated (the blob ends mid-frame)", what_);
          }
          done_ = true;
          return 0;
        }
      }
      ZSTD_inBuffer ib{in_.data(), in_.size(), 0};
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      size_t rc = ZSTD_decompressStream(dctx_, &ob, &ib);
      in_.consume(ib.pos);
      if (ZSTD_isError(rc)) {
        return fail(ErrorCode::invalid_image, "{}: corrupt zstd data: {}", what_, ZSTD_getErrorName(rc));
      }
      frame_complete_ = rc == 0;
      if (ob.pos > 0) return ob.pos;
    }
  }

 private:
  InputBuffer in_;
  std::string what_;
  ZSTD_DCtx* dctx_;
  bool frame_complete_ = false;
  bool done_ = false;
};

// Counts the tar stream; enforces the limits and the diff_id.
class CheckedLayerStream final : public ByteStream {
 public:
  // `hasher` is fed by the read-ahead inside `inner` (null when the diff_id
  // needs no check); it is complete once `inner` reached its end.
  CheckedLayerStream(std::unique_ptr<Hasher> hasher, std::unique_ptr<Counter> compressed,
                     std::unique_ptr<ByteStream> inner, const Layer& layer, const WalkLimits& limits)
      : hasher_(std::move(hasher)),
        compressed_(std::move(compressed)),
        inner_(std::move(inner)),
        what_(describe_layer(layer)),
        diff_id_(layer.diff_id),
        limits_(limits) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (finished_) return 0;
    auto n = inner_->read(buf);
    if (!n) return fail(std::move(n.error()));
    IG_TRY(account(*n));
    return n;
  }

  Result<std::span<const std::byte>> read_view(size_t max, std::vector<std::byte>& scratch) override {
    if (finished_) return std::span<const std::byte>();
    auto v = inner_->read_view(max, scratch);
    if (!v) return fail(std::move(v.error()));
    IG_TRY(account(v->size()));
    return v;
  }

 private:
  // Counts `n` more bytes (0: the end of the stream, where the diff_id is checked).
  Result<void> account(size_t n) {
    if (n == 0) {
      finished_ = true;
      if (hasher_) {
        std::string got = hasher_->finish();
        if (got != diff_id_) {
          return fail(ErrorCode::integrity,
                      "{}: uncompressed content has digest {} but the image config lists diff_id {}; the image is "
                      "corrupt or was tampered with",
                      what_, got, diff_id_);
        }
      }
      return {};
    }
    total_ += n;
    uint64_t compressed = compressed_->load(std::memory_order_relaxed);
    if (total_ > limits_.max_layer_bytes ||
        (limits_.max_ratio > 0 && total_ > limits_.ratio_grace && compressed > 0 &&
         static_cast<double>(total_) > limits_.max_ratio * static_cast<double>(compressed))) {
      double ratio = compressed > 0 ? static_cast<double>(total_) / static_cast<double>(compressed) : 0.0;
      uint64_t bound = total_ > limits_.max_layer_bytes ? limits_.max_layer_bytes : total_;
      return fail(ErrorCode::invalid_image,
                  "{} expands beyond {} bytes (ratio {:.0f}): possible decompression bomb; raise --max-layer-size "
                  "if this is a legitimate image{}",
                  what_, bound, ratio,
                  total_ > limits_.max_layer_bytes ? "" : " (an explicit --max-layer-size also lifts the ratio check)");
    }
    return {};
  }

  // hasher_ and compressed_ are declared before inner_ so that they outlive
  // the read-ahead thread that writes them (members die in reverse order).
  std::unique_ptr<Hasher> hasher_;
  std::unique_ptr<Counter> compressed_;
  std::unique_ptr<ByteStream> inner_;
  std::string what_;
  std::string diff_id_;
  WalkLimits limits_;
  uint64_t total_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<ByteStream> gzip_decoder(std::unique_ptr<ByteStream> in, std::string what) {
  return std::make_unique<GzipDecoder>(std::move(in), std::move(what));
}

std::unique_ptr<ByteStream> zstd_decoder(std::unique_ptr<ByteStream> in, std::string what) {
  return std::make_unique<ZstdDecoder>(std::move(in), std::move(what));
}

std::string describe_layer(const Layer& layer) {
  return fmt::format("layer {} (#{})", layer.blob.digest.empty() ? layer.diff_id : layer.blob.digest,
                     layer.index + 1);
}

Result<std::unique_ptr<ByteStream>> open_layer_stream(std::unique_ptr<ByteStream> blob, const Layer& layer,
                                                      const WalkLimits& limits) {
  auto counter = std::make_unique<Counter>(0);
  // Reading and hashing the compressed blob gets a thread of its own too:
  // inflate alone keeps one core busy, so with the blob SHA-256 on the same
  // thread the inflate side, not the walk, set the pace.
  if (layer_compression(layer.blob.media_type) != Compression::none) {
    blob = readahead_stream(std::move(blob), k_input_chunk, 4);
  }
  auto counted = std::make_unique<CountingStream>(std::move(blob), counter.get());
  std::unique_ptr<ByteStream> decoded;
  switch (layer_compression(layer.blob.media_type)) {
    case Compression::gzip: decoded = gzip_decoder(std::move(counted), describe_layer(layer)); break;
    case Compression::zstd: decoded = zstd_decoder(std::move(counted), describe_layer(layer)); break;
    case Compression::none: decoded = std::move(counted); break;
    case Compression::unknown:
      return fail(ErrorCode::invalid_image,
                  "{} has media type '{}', which imagegate cannot decode (supported: tar, tar+gzip, tar+zstd)",
                  describe_layer(layer), layer.blob.media_type);
  }
  // An uncompressed blob is its own tar stream: when its digest is the
  // diff_id, the blob's verification (see above) already checks these bytes
  // against it, and a second SHA-256 pass would add nothing.
  std::unique_ptr<Hasher> hasher;
  const bool same_bytes = layer_compression(layer.blob.media_type) == Compression::none &&
                          !layer.blob.digest.empty() && layer.blob.digest == layer.diff_id;
  if (!layer.diff_id.empty() && !same_bytes) {
    auto pos = layer.diff_id.find(':');
    hasher = std::make_unique<Hasher>(pos == std::string::npos ? "sha256" : layer.diff_id.substr(0, pos));
  }
  // The blob read, its hash and the inflate run one thread ahead of the walk;
  // the tar hash runs on whichever of the two waits. The read-ahead holds at
  // most 4 MiB of tar beyond the checks below, so the bomb limits stay tight.
  decoded = readahead_stream(std::move(decoded), 1u << 20, 4, hasher.get());
  return std::make_unique<CheckedLayerStream>(std::move(hasher), std::move(counter), std::move(decoded), layer,
                                              limits);
}

}  // namespace ig::image
