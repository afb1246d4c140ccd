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
  uint64_t seq = 0;  // position in the stream, for the in-order hash
};

class ReadaheadStream final : public ByteStream {
 public:
  ReadaheadStream(std::unique_ptr<ByteStream> inner, size_t chunk, size_t depth, Hasher* hasher)
      : inner_(std::move(inner)), hasher_(hasher) {
    for (size_t i = 0; i < depth; ++i) free_.push_back(Chunk{std::vector<std::byte>(chunk), 0, 0});
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
    if (direct_) {
      auto n = inner_->read(buf);
      if (hasher_ != nullptr && n && *n > 0) hasher_->update(buf.data(), *n);
      return n;
    }
    if (buf.empty()) return 0;
    IG_ASSIGN(bool more, next_chunk());
    if (!more) return 0;
    size_t n = std::min(buf.size(), current_->size - pos_);
    std::memcpy(buf.data(), current_->data.data() + pos_, n);
    pos_ += n;
    return n;
  }

  // The chunk is handed out in place: it is recycled only by the next call.
  Result<std::span<const std::byte>> read_view(size_t max, std::vector<std::byte>& scratch) override {
    if (direct_) return ByteStream::read_view(max, scratch);
    if (max == 0) return std::span<const std::byte>();
    IG_ASSIGN(bool more, next_chunk());
    if (!more) return std::span<const std::byte>();
    size_t n = std::min(max, current_->size - pos_);
    std::span<const std::byte> out(current_->data.data() + pos_, n);
    pos_ += n;
    return out;
  }

 private:
  // Makes current_ a chunk with unread bytes; false at end of stream.
  Result<bool> next_chunk() {
    if (current_ && pos_ < current_->size) return true;
    std::unique_lock lock(mutex_);
    if (current_) {
      // A buffer is recycled only once hashed: until then the reading
      // thread may be hashing it.
      hash_through(lock, current_->seq);
      free_.push_back(std::move(*current_));
      current_.reset();
      in_use_ = nullptr;
      cv_.notify_all();
    }
    cv_.wait(lock, [this] { return !full_.empty() || done_; });
    if (full_.empty()) {
      if (error_) return fail(*error_);
      return false;
    }
    current_ = std::move(full_.front());
    full_.pop_front();
    in_use_ = &*current_;
    pos_ = 0;
    return true;
  }

  // The delivered chunk `seq` (the consumer's or a queued one), or nullptr.
  // Called with the lock held.
  const Chunk* find(uint64_t seq) const {
    if (in_use_ != nullptr && in_use_->seq == seq) return in_use_;
    for (const auto& c : full_) {
      if (c.seq == seq) return &c;
    }
    return nullptr;
  }

  // Hashes chunk `c` with the lock released; chunks are hashed strictly in
  // sequence, one at a time. Their bytes are only read, by both threads.
  void hash_one(std::unique_lock<std::mutex>& lock, const Chunk& c) {
    hashing_ = true;
    const std::byte* data = c.data.data();
    size_t size = c.size;
    lock.unlock();
    hasher_->update(data, size);
    lock.lock();
    hashing_ = false;
    ++hashed_;
    cv_.notify_all();
  }

  // Consumer: makes sure chunks up to and including `seq` are hashed, hashing
  // them itself unless the reading thread already is.
  void hash_through(std::unique_lock<std::mutex>& lock, uint64_t seq) {
    if (hasher_ == nullptr) return;
    while (hashed_ <= seq) {
      if (hashing_) {
        cv_.wait(lock);
        continue;
      }
      const Chunk* c = find(hashed_);
      if (c == nullptr) return;  // cannot happen: chunks before `seq` were recycled hashed
      hash_one(lock, *c);
    }
  }

  void produce() {
    uint64_t seq = 0;
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock lock(mutex_);
        for (;;) {
          if (stop_) return;
          if (!free_.empty()) break;
          // Every buffer waits on the consumer: use the time to hash.
          const Chunk* c = hasher_ != nullptr && !hashing_ ? find(hashed_) : nullptr;
          if (c != nullptr) {
            hash_one(lock, *c);
          } else {
            cv_.wait(lock);
          }
        }
        chunk = std::move(free_.front());
        free_.pop_front();
      }
      // Fill the whole chunk when the inner stream returns short reads, so the
      // consumer is woken once per chunk rather than once per inner read.
      chunk.size = 0;
      chunk.seq = seq++;
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
  Hasher* hasher_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Chunk> free_;
  std::deque<Chunk> full_;
  std::optional<Error> error_;
  bool done_ = false;
  bool stop_ = false;
  bool direct_ = false;  // no thread could be started
  // The hash: chunks [0, hashed_) are in it; hashing_ while one is being added.
  uint64_t hashed_ = 0;
  bool hashing_ = false;
  const Chunk* in_use_ = nullptr;  // the consumer's chunk, for the reading thread's hashing
  // Consumer side only.
  std::optional<Chunk> current_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ByteStream> readahead_stream(std::unique_ptr<ByteStream> inner, size_t chunk, size_t depth,
                                             Hasher* hasher) {
  return std::make_unique<ReadaheadStream>(std::move(inner), chunk, depth == 0 ? 1 : depth, hasher);
}

}  // namespace ig::image
