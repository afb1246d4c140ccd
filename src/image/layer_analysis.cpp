#include "image/layer_analysis.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "image/rootfs_walker.h"
#include "util/log.h"

namespace ig::image {

namespace {

// Serves `prefix` (already read for magic sniffing) and then the rest of
// `rest`, so an analyzer always sees the file from byte 0.
class PrefixReader final : public FileReader {
 public:
  PrefixReader(std::string_view prefix, FileReader& rest) : prefix_(prefix), rest_(rest) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    if (pos_ < prefix_.size()) {
      size_t n = std::min(buf.size(), prefix_.size() - pos_);
      std::memcpy(buf.data(), prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_.read(buf);
  }

 private:
  std::string_view prefix_;
  size_t pos_ = 0;
  FileReader& rest_;
};

class MemoryReader final : public FileReader {
 public:
  explicit MemoryReader(std::string_view data) : data_(data) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min(buf.size(), data_.size() - pos_);
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Reads up to `n` bytes (fewer only at end of file).
Result<std::string> read_prefix(FileReader& r, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    IG_ASSIGN(size_t k, r.read(std::span<std::byte>(reinterpret_cast<std::byte*>(out.data() + got), n - got)));
    if (k == 0) break;
    got += k;
  }
  out.resize(got);
  return out;
}

size_t longest_magic(const FileSelector& s) {
  size_t n = 0;
  for (const auto& m : s.magic) n = std::max(n, m.size());
  return n;
}

size_t shortest_magic(const FileSelector& s) {
  size_t n = SIZE_MAX;
  for (const auto& m : s.magic) n = std::min(n, m.size());
  return n;
}

bool sniff_candidate(const FileSelector& s, const FileMeta& meta) {
  if (s.magic.empty() || meta.size < shortest_magic(s) || meta.size > s.max_size) return false;
  return !s.executable_only_for_magic || (meta.mode & 0111) != 0;
}

// A selector's path rules, prepared once per layer walk. Each glob keeps the
// literal text before its first and after its last wildcard: a path that does
// not start and end with those cannot match, and checking them first spares
// fnmatch on almost every file of a layer.
class PathRules {
 public:
  explicit PathRules(const FileSelector& s) : exact_(s.exact.begin(), s.exact.end()), suffixes_(s.suffixes) {
    for (const auto& pattern : s.globs) {
      size_t first = pattern.find_first_of("*?[\\");
      if (first == std::string::npos) {
        globs_.push_back({pattern, pattern, ""});
      } else {
        size_t last = pattern.find_last_of("*?[]\\");
        globs_.push_back({pattern, pattern.substr(0, first), pattern.substr(last + 1)});
      }
    }
  }

  bool matches(const std::string& path) const {
    if (exact_.count(path) != 0) return true;
    for (const auto& suf : suffixes_) {
      if (path.ends_with(suf)) return true;
    }
    return std::any_of(globs_.begin(), globs_.end(), [&](const Glob& g) {
      return path.size() >= g.prefix.size() + g.suffix.size() && path.starts_with(g.prefix) &&
             path.ends_with(g.suffix) && ::fnmatch(g.pattern.c_str(), path.c_str(), 0) == 0;
    });
  }

 private:
  struct Glob {
    std::string pattern;
    std::string prefix;
    std::string suffix;
  };
  std::unordered_set<std::string> exact_;
  std::vector<std::string> suffixes_;
  std::vector<Glob> globs_;
};

bool magic_matches(const FileSelector& s, std::string_view prefix) {
  return std::any_of(s.magic.begin(), s.magic.end(), [&](const std::string& m) { return !m.empty() && prefix.starts_with(m); });
}

// Collects one layer's entries and runs the analyzers on the files they select.
class AnalyzingVisitor final : public LayerVisitor {
 public:
  AnalyzingVisitor(const std::vector<const Analyzer*>& analyzers, std::string what)
      : analyzers_(analyzers), what_(std::move(what)) {
    for (const auto* a : analyzers_) {
      out_.results[std::string(a->name())];
      rules_.emplace_back(a->selector());
    }
  }

  Result<void> on_entry(const FileMeta& meta, FileReader& content) override {
    out_.listing.add_entry(meta);
    // A path written twice in one layer: the later entry wins.
    for (auto& [name, results] : out_.results) results.erase(meta.path);
    if (meta.type == FileType::hardlink) {
      note_hardlink(meta);
      return {};
    }
    if (meta.type != FileType::regular || analyzers_.empty()) return {};
    std::vector<size_t> chosen;
    std::vector<size_t> sniff;
    for (size_t i = 0; i < analyzers_.size(); ++i) {
      const auto& sel = analyzers_[i]->selector();
      if (path_selected(i, meta.path)) {
        if (meta.size > sel.max_size) {
          log::debug("{}: {}: skipping '{}' ({} bytes, over its limit of {})", what_, analyzers_[i]->name(), meta.path,
                     meta.size, sel.max_size);
        } else {
          chosen.push_back(i);
        }
      } else if (sniff_candidate(sel, meta)) {
        sniff.push_back(i);
      }
    }
    if (chosen.empty() && sniff.empty()) return {};
    std::string prefix;
    if (!sniff.empty()) {
      size_t want = 0;
      for (size_t i : sniff) want = std::max(want, longest_magic(analyzers_[i]->selector()));
      IG_ASSIGN(prefix, read_prefix(content, want));
      for (size_t i : sniff) {
        if (magic_matches(analyzers_[i]->selector(), prefix)) chosen.push_back(i);
      }
    }
    if (chosen.empty()) return {};
    if (chosen.size() == 1) {
      PrefixReader reader(prefix, content);
      run(chosen[0], meta, reader);
      return {};
    }
    // Several analyzers want the same file: the stream can be read only once,
    // so the file (bounded by their max_size) is read into memory.
    PrefixReader reader(prefix, content);
    IG_ASSIGN(std::string data, reader.read_all(meta.size));
    for (size_t i : chosen) {
      MemoryReader mem(data);
      run(i, meta, mem);
    }
    return {};
  }

  void on_whiteout(const std::string& path) override { out_.listing.add_whiteout(path); }
  void on_opaque(const std::string& dir) override { out_.listing.add_opaque(dir); }

  // Hard links selected by some analyzer, by target path.
  struct PendingLink {
    FileMeta link;
    std::vector<size_t> analyzers;
  };
  using PendingMap = std::unordered_map<std::string, std::vector<PendingLink>, PathHash, std::equal_to<>>;
  PendingMap& pending() { return pending_; }
  LayerOutput& output() { return out_; }

  void run(size_t i, const FileMeta& meta, FileReader& reader) {
    const Analyzer& a = *analyzers_[i];
    auto& results = out_.results[std::string(a.name())];
    try {
      auto r = a.analyze(meta, reader);
      if (!r) {
        log::warn("{}: {} analyzer skipped '{}': {}", what_, a.name(), meta.path, r.error().message);
        return;
      }
      if (!r->is_null()) results[meta.path] = std::move(*r);
    } catch (const std::exception& e) {
      log::warn("{}: {} analyzer failed on '{}': {}", what_, a.name(), meta.path, e.what());
    }
  }

 private:
  bool path_selected(size_t i, const std::string& path) const { return rules_[i].matches(path); }

  void note_hardlink(const FileMeta& meta) {
    std::vector<size_t> want;
    for (size_t i = 0; i < analyzers_.size(); ++i) {
      if (path_selected(i, meta.path)) want.push_back(i);
    }
    if (!want.empty()) pending_[meta.link_target].push_back(PendingLink{meta, std::move(want)});
  }

  const std::vector<const Analyzer*>& analyzers_;
  std::string what_;
  std::vector<PathRules> rules_;
  LayerOutput out_;
  PendingMap pending_;

};

// The second pass for hard links: delivers each selected link's target content.
class HardlinkVisitor final : public LayerVisitor {
 public:
  HardlinkVisitor(AnalyzingVisitor& first, const std::vector<const Analyzer*>& analyzers)
      : first_(first), analyzers_(analyzers) {}

  Result<void> on_entry(const FileMeta& meta, FileReader& content) override {
    if (meta.type != FileType::regular) return {};
    auto it = first_.pending().find(meta.path);
    if (it == first_.pending().end()) return {};
    uint64_t limit = 0;
    for (const auto& p : it->second) {
      for (size_t i : p.analyzers) limit = std::max(limit, analyzers_[i]->selector().max_size);
    }
    if (meta.size > limit) return {};
    IG_ASSIGN(std::string data, content.read_all(meta.size));
    for (const auto& p : it->second) {
      FileMeta as_file = p.link;
      as_file.type = FileType::regular;
      as_file.size = meta.size;
      as_file.mode = meta.mode;
      for (size_t i : p.analyzers) {
        if (meta.size > analyzers_[i]->selector().max_size) continue;
        MemoryReader mem(data);
        first_.run(i, as_file, mem);
      }
    }
    return {};
  }
  void on_whiteout(const std::string&) override {}
  void on_opaque(const std::string&) override {}

 private:
  AnalyzingVisitor& first_;
  const std::vector<const Analyzer*>& analyzers_;
};

// Keeps only the pending links whose target is a regular file of this layer.
bool prune_pending_links(AnalyzingVisitor& v, const std::string& what) {
  auto& pending = v.pending();
  if (pending.empty()) return false;
  std::unordered_set<std::string> regular;
  auto cursor = v.output().listing.cursor();
  Listing::Record r;
  while (cursor.next(r)) {
    if (r.kind == Listing::Kind::entry && r.type == FileType::regular && pending.contains(r.path)) {
      regular.emplace(r.path);
    }
  }
  for (auto it = pending.begin(); it != pending.end();) {
    if (regular.count(it->first)) {
      ++it;
    } else {
      log::debug("{}: hard link target '{}' is not a file of this layer; its links are not analysed", what, it->first);
      it = pending.erase(it);
    }
  }
  return !pending.empty();
}

}  // namespace

Result<LayerOutput> analyze_layer(const StreamOpener& open, size_t layer_index, const std::string& what,
                                  const std::vector<const Analyzer*>& analyzers, const WalkLimits& limits,
                                  const std::atomic<bool>* cancel) {
  AnalyzingVisitor visitor(analyzers, what);
  {
    IG_ASSIGN(auto stream, open());
    IG_TRY(walk_layer_tar(*stream, layer_index, what, limits, visitor, cancel));
    IG_TRY(drain_stream(*stream));
  }
  if (prune_pending_links(visitor, what)) {
    log::debug("{}: reading the layer again for {} hard-linked files", what, visitor.pending().size());
    HardlinkVisitor second(visitor, analyzers);
    IG_ASSIGN(auto stream, open());
    IG_TRY(walk_layer_tar(*stream, layer_index, what, limits, second, cancel));
    IG_TRY(drain_stream(*stream));
  }
  return std::move(visitor.output());
}

Result<LayerOutput> analyze_rootfs(const std::filesystem::path& root, bool skip_other_mounts,
                                   const std::vector<const Analyzer*>& analyzers, const WalkLimits& limits) {
  AnalyzingVisitor visitor(analyzers, "dir:" + root.string());
  IG_TRY(walk_rootfs(root, skip_other_mounts, limits, visitor));
  return std::move(visitor.output());
}

}  // namespace ig::image
