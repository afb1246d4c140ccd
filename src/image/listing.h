// A layer's listing: every entry, whiteout and opaque directory, in tar order,
// kept as the compact text the layer cache stores.
//
// A layer can hold hundreds of thousands of files. As FileMeta objects (two
// std::string each) plus a merged map they took over 100 MB and most of a warm
// run's time; as text they take about 60 bytes per file, load with one read,
// and the merge only decodes the few paths it cares about. One record per line:
//   TYPE \t MODE \t SIZE \t PATH \t LINK   an entry (TYPE: f d l h o)
//   W \t PATH                              a whiteout
//   O \t DIR                               an opaque directory ("" = root)
// with "\\", "\t" and "\n" escaped in paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "image/analyzer.h"
#include "util/fs.h"

namespace ig::image {

class Listing {
 public:
  enum class Kind { entry, whiteout, opaque };

  // One decoded record. The views stay valid until the cursor moves on.
  struct Record {
    Kind kind = Kind::entry;
    FileType type = FileType::other;
    uint32_t mode = 0;
    uint64_t size = 0;
    std::string_view path;
    std::string_view link_target;
  };

  // Reads records in order; next() returns false at the end.
  class Cursor {
   public:
    explicit Cursor(std::string_view text) : rest_(text) {}
    // Decodes the next record into `r`. Records are validated when a listing is
    // built or loaded, so a malformed one here ends the walk.
    bool next(Record& r);
    // The next record's kind and type without decoding it, for scans that skip
    // most records; nullopt at the end.
    std::optional<char> peek_code() const {
      return rest_.empty() ? std::nullopt : std::optional<char>(rest_.front());
    }
    // Skips the next record without decoding it.
    void skip();

   private:
    std::string_view rest_;
    std::string path_buf_;
    std::string link_buf_;
  };

  void add_entry(const FileMeta& m);
  void add_whiteout(std::string_view path);
  void add_opaque(std::string_view dir);

  // Takes the text of a stored listing (without any file header). nullopt when
  // a record is malformed, so a damaged cache file counts as a miss.
  static std::optional<Listing> from_text(std::string text);
  // The same for a listing read in place from a mapped cache file, where it is
  // the `length` bytes at `offset` (after the file's header).
  static std::optional<Listing> from_mapped(std::shared_ptr<const MappedFile> file, size_t offset, size_t length);

  std::string_view text() const { return mapped_ ? mapped_view_ : std::string_view(text_); }
  Cursor cursor() const { return Cursor(text()); }
  size_t records() const { return records_; }
  bool empty() const { return records_ == 0; }

 private:
  // Counts and validates the records of `text`; nullopt when one is malformed.
  static std::optional<size_t> count_records(std::string_view text);

  std::string text_;
  std::shared_ptr<const MappedFile> mapped_;
  std::string_view mapped_view_;
  size_t records_ = 0;
};

// Hash for path-keyed unordered containers with heterogeneous lookup, so that
// paths decoded from a listing (string_views) are looked up without a copy.
// Use with std::equal_to<>.
struct PathHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The one-letter code of a listing entry type.
char listing_type_code(FileType t);

}  // namespace ig::image
