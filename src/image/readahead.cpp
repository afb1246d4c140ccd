#include "image/readahead.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace ig::image {

namespace {

struct Chunk {
  std::vector<std::byte> data;
  size_t size = 0;
};

class ReadaheadStream final : public ByteStream {
 public:
  ReadaheadStream(std::unique_ptr<ByteStream> inner, size_t chunk, size_t depth) : inner_(std::move(inner)) {
    for (size_t i = 0; i < depth; ++i) free_.push_back(Chunk{std::vector<std::byte>(chunk), 0});
    try {
      thread_ = std::thread([this] { produce(); });
    } catch (const std::system_error&) {
      // Out of threads (ulimit -u, cgroup pids.max): read on the caller's
      // thread instead, slower but correct.
      direct_ = true;
      free_.clear();
    }
  }

  ~ReadaheadStream() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  ReadaheadStream(const ReadaheadStream&) = delete;
  ReadaheadStream& operator=(const ReadaheadStream&) = delete;

  Result<size_t> read(std::span<std::byte> buf) override {
    if (direct_) return inner_->read(buf);
    if (buf.empty()) return 0;
    if (!current_ || pos_ == current_->size) {
      std::unique_lock lock(mutex_);
      if (current_) {
        free_.push_back(std::move(*current_));
        current_.reset();
        cv_.notify_all();
      }
      cv_.wait(lock, [this] { return !full_.empty() || done_; });
      if (full_.empty()) {
        if (error_) return fail(*error_);
        return 0;
      }
      current_ = std::move(full_.front());
      full_.pop_front();
      pos_ = 0;
    }
    size_t n = std::min(buf.size(), current_->size - pos_);
    std::memcpy(buf.data(), current_->data.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  void produce() {
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return !free_.empty() || stop_; });
        if (stop_) return;
        chunk = std::move(free_.front());
        free_.pop_front();
      }
      // Fill the whole chunk when the inner stream returns short reads, so the
      // consumer is woken once per chunk rather than once per inner read.
      chunk.size = 0;
      std::optional<Error> error;
      bool eof = false;
      while (chunk.size < chunk.data.size()) {
        auto n = inner_->read(std::span(chunk.data).subspan(chunk.size));
        if (!n) {
          error = std::move(n.error());
          break;
        }
        if (*n == 0) {
          eof = true;
          break;
        }
        chunk.size += *n;
      }
      std::lock_guard lock(mutex_);
      if (chunk.size > 0) full_.push_back(std::move(chunk));
      if (error || eof) {
        error_ = std::move(error);
        done_ = true;
      }
      cv_.notify_all();
      if (done_) return;
    }
  }

  std::unique_ptr<ByteStream> inner_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Chunk> free_;
  std::deque<Chunk> full_;
  std::optional<Error> error_;
  bool done_ = false;
  bool stop_ = false;
  bool direct_ = false;  // no thread could be started
  // Consumer side only.
  std::optional<Chunk> current_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ByteStream> readahead_stream(std::unique_ptr<ByteStream> inner, size_t chunk, size_t depth) {
  return std::make_unique<ReadaheadStream>(std::move(inner), chunk, depth == 0 ? 1 : depth);
}

}  // namespace ig::image
