#include "image/source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/digest.h"

namespace ig::image {

namespace {

class VerifyingStream : public ByteStream {
 public:
  VerifyingStream(std::unique_ptr<ByteStream> inner, const Descriptor& expected, std::string what)
      : inner_(std::move(inner)), expected_(expected), what_(std::move(what)) {
    auto d = Digest::parse(expected_.digest);
    if (d) {
      hasher_ = std::make_unique<Hasher>(d->algorithm);
    } else {
      setup_error_ = d.error().message;
    }
  }

  Result<size_t> read(std::span<std::byte> buf) override {
    if (!setup_error_.empty()) {
      return fail(ErrorCode::invalid_image, "{} has an invalid digest: {}", what_, setup_error_);
    }
    if (done_) return size_t{0};
    const uint64_t want = static_cast<uint64_t>(std::max<int64_t>(expected_.size, 0));
    if (buf.empty() && count_ < want) return size_t{0};
    size_t n = 0;
    if (count_ < want) {
      size_t cap = static_cast<size_t>(std::min<uint64_t>(buf.size(), want - count_));
      IG_ASSIGN(n, inner_->read(buf.first(cap)));
      if (n == 0) {
        done_ = true;
        return fail(ErrorCode::integrity,
                    "{} is truncated: it ended after {} bytes but its descriptor says {} bytes; the source is corrupt "
                    "or incomplete",
                    what_, count_, want);
      }
      hasher_->update(buf.data(), n);
      count_ += n;
    }
    // Verify on the read that completes the blob, so that a reader which stops
    // after exactly `size` bytes (a tar reader at its end marker) is covered too.
    if (count_ == want) IG_TRY(finish());
    return n;
  }

 private:
  Result<void> finish() {
    done_ = true;
    std::byte probe[1];
    IG_ASSIGN(size_t extra, inner_->read(probe));
    if (extra != 0) {
      return fail(ErrorCode::integrity,
                  "{} is larger than the {} bytes its descriptor says; the source is corrupt or was tampered with",
                  what_, expected_.size);
    }
    std::string got = hasher_->finish();
    if (got != expected_.digest) {
      return fail(ErrorCode::integrity,
                  "{} failed verification: expected digest {} but the content hashes to {}; the source is corrupt or "
                  "was tampered with",
                  what_, expected_.digest, got);
    }
    return {};
  }

  std::unique_ptr<ByteStream> inner_;
  Descriptor expected_;
  std::string what_;
  std::unique_ptr<Hasher> hasher_;
  std::string setup_error_;
  uint64_t count_ = 0;
  bool done_ = false;
};

class FileRegionStream : public ByteStream {
 public:
  FileRegionStream(std::shared_ptr<const int> fd, uint64_t offset, uint64_t length)
      : fd_(std::move(fd)), pos_(offset), end_(offset + length) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (pos_ >= end_ || buf.empty()) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), end_ - pos_));
    while (true) {
      ssize_t n = ::pread(*fd_, buf.data(), want, static_cast<off_t>(pos_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(ErrorCode::io, "reading file: {}", std::strerror(errno));
      // A file shorter than expected ends the stream early; the verifying
      // stream above reports that as truncation.
      if (n == 0) pos_ = end_;
      pos_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }

 private:
  std::shared_ptr<const int> fd_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

Result<std::span<const std::byte>> ByteStream::read_view(size_t max, std::vector<std::byte>& scratch) {
  if (scratch.size() < max) scratch.resize(max);
  IG_ASSIGN(size_t n, read(std::span(scratch).first(max)));
  return std::span<const std::byte>(scratch.data(), n);
}

std::unique_ptr<ByteStream> verifying_stream(std::unique_ptr<ByteStream> inner, const Descriptor& expected,
                                             std::string what) {
  return std::make_unique<VerifyingStream>(std::move(inner), expected, std::move(what));
}

std::unique_ptr<ByteStream> file_region_stream(std::shared_ptr<const int> fd, uint64_t offset, uint64_t length) {
  return std::make_unique<FileRegionStream>(std::move(fd), offset, length);
}

Result<std::shared_ptr<const int>> open_shared_fd(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT ? ErrorCode::not_found : ErrorCode::io, "cannot open '{}': {}", path,
                std::strerror(err));
  }
  return std::shared_ptr<const int>(new int(fd), [](const int* p) {
    ::close(*p);
    delete p;
  });
}

Result<std::unique_ptr<ByteStream>> open_file_stream(const std::string& path) {
  IG_ASSIGN(auto fd, open_shared_fd(path));
  struct stat st {};
  if (::fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorCode::io, "'{}' is not a regular file", path);
  }
  return file_region_stream(std::move(fd), 0, static_cast<uint64_t>(st.st_size));
}

Result<std::string> Source::read_blob(const Descriptor& d, uint64_t max_size) {
  if (d.size < 0 || static_cast<uint64_t>(d.size) > max_size) {
    return fail(ErrorCode::invalid_image, "blob {} is {} bytes, more than the {} bytes allowed for it", d.digest, d.size,
                max_size);
  }
  IG_ASSIGN(auto stream, open_blob(d));
  std::string out;
  out.resize(static_cast<size_t>(d.size));
  size_t done = 0;
  while (true) {
    std::span<std::byte> rest(reinterpret_cast<std::byte*>(out.data()) + done, out.size() - done);
    IG_ASSIGN(size_t n, stream->read(rest));
    if (n == 0) break;
    done += n;
  }
  if (done != out.size()) {
    return fail(ErrorCode::integrity, "blob {} from {} ended after {} of {} bytes", d.digest, describe(), done, d.size);
  }
  return out;
}

}  // namespace ig::image
