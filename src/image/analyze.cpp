// analyze_image: the per-layer walks (cached, in parallel), merged in layer
// order into the view of the final filesystem.
#include <algorithm>
#include <deque>
#include <exception>
#include <limits>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "image/analyzer.h"
#include "image/decompress.h"
#include "image/layer_analysis.h"
#include "image/layer_cache.h"
#include "util/log.h"

namespace ig::image {

namespace {

constexpr int k_max_symlink_hops = 40;

template <typename Map>
void erase_subtree(Map& m, const std::string& dir) {
  if (dir.empty()) {
    m.clear();
    return;
  }
  std::string prefix = dir + "/";
  for (auto it = m.lower_bound(prefix); it != m.end() && it->first.starts_with(prefix);) it = m.erase(it);
}

template <typename Map>
void erase_path(Map& m, const std::string& path) {
  m.erase(path);
  erase_subtree(m, path);
}

struct LayerJob {
  LayerOutput output;
  bool from_cache = false;
};

// Every entry of the final filesystem, as layers are applied bottom to top;
// only for `files`, which lists them all.
class MergedFiles {
 public:
  void apply(const Listing& listing, size_t layer) {
    // Whiteouts and opaque markers hide lower layers only, so they go first.
    Listing::Record r;
    for (auto c = listing.cursor(); c.next(r);) {
      if (r.kind == Listing::Kind::opaque) erase_subtree(files_, std::string(r.path));
      if (r.kind == Listing::Kind::whiteout) erase_path(files_, std::string(r.path));
    }
    for (auto c = listing.cursor(); c.next(r);) {
      if (r.kind != Listing::Kind::entry) continue;
      std::string path(r.path);
      auto it = files_.find(path);
      if (r.type != FileType::directory) {
        // A file replaces whatever was there, a lower directory's subtree included.
        erase_path(files_, path);
      } else if (it != files_.end() && it->second.type != FileType::directory) {
        files_.erase(it);
      }
      FileMeta& slot = files_[path];
      slot.path = std::move(path);
      slot.type = r.type;
      slot.mode = r.mode;
      slot.size = r.size;
      slot.link_target = std::string(r.link_target);
      slot.layer = layer;
    }
  }

  void finish(std::vector<FileMeta>& out) {
    out.reserve(files_.size());
    for (auto& [path, meta] : files_) out.push_back(std::move(meta));
  }

 private:
  std::map<std::string, FileMeta> files_;
};

using PathSet = std::unordered_set<std::string, PathHash, std::equal_to<>>;

// Calls f on each proper ancestor of `path` ("a", "a/b" for "a/b/c").
template <typename F>
bool any_ancestor(std::string_view path, F&& f) {
  for (size_t i = path.find('/'); i != std::string_view::npos; i = path.find('/', i + 1)) {
    if (f(path.substr(0, i))) return true;
  }
  return false;
}

// What one layer holds at one path that the merge cares about.
struct PathState {
  size_t last = 0;                // index of the layer's last entry at the path
  FileType type = FileType::other;  // that entry's type
  std::optional<size_t> last_nondir;  // index of the last non-directory entry
  std::string link_target;        // when type is symlink
};

// Decides which analyzer results and symlinks reach the final filesystem,
// with the rules of MergedFiles, without materialising that filesystem: only
// paths that carry a result or a symlink, and their ancestors, are tracked.
// Layers are visited top down; a lower layer's path is gone when a layer above
// has an entry or whiteout at it, or a non-directory, whiteout or opaque marker
// at one of its ancestors, or when a non-directory replaces an ancestor later
// in its own layer.
class Survivors {
 public:
  Survivors(const std::vector<LayerJob>& jobs, const std::vector<const Analyzer*>& analyzers) : jobs_(jobs) {
    for (const auto* a : analyzers) results_[std::string(a->name())];
    for (const auto& job : jobs_) {
      for (const auto& [name, by_path] : job.output.results) {
        for (const auto& [path, value] : by_path) add_interest(path);
      }
      // Symlinks are few; skip every other record without decoding it.
      Listing::Record r;
      for (auto c = job.output.listing.cursor(); auto code = c.peek_code();) {
        if (*code != 'l') {
          c.skip();
        } else if (c.next(r)) {
          add_interest(r.path);
        }
      }
    }
  }

  void run(const std::vector<std::string>& diff_ids, ImageAnalysis& out) {
    for (size_t j = jobs_.size(); j-- > 0;) {
      collect(jobs_[j].output.listing);
      for (const auto& [name, by_path] : jobs_[j].output.results) {
        auto& dst = results_[name];
        for (const auto& [path, value] : by_path) {
          auto it = state_.find(path);
          if (it == state_.end() || !survives(path, it->second.last)) continue;
          dst.emplace(path, FileResult{path, j, diff_ids[j], value});
        }
      }
      for (const auto& [path, st] : state_) {
        if (st.type == FileType::symlink && survives(path, st.last)) out.symlinks.emplace(path, st.link_target);
      }
      cover_lower();
    }
    for (auto& [name, by_path] : results_) {
      auto& v = out.results[name];
      v.reserve(by_path.size());
      for (auto& [path, r] : by_path) v.push_back(std::move(r));
    }
  }

 private:
  void add_interest(std::string_view path) {
    if (interest_.contains(path)) return;
    interest_.emplace(path);
    any_ancestor(path, [&](std::string_view a) {
      interest_.emplace(a);
      return false;
    });
  }

  // The layer's entries, whiteouts and opaque markers at interesting paths.
  void collect(const Listing& listing) {
    state_.clear();
    whiteouts_.clear();
    opaque_.clear();
    Listing::Record r;
    size_t k = 0;
    for (auto c = listing.cursor(); c.next(r); ++k) {
      if (r.kind == Listing::Kind::opaque) {
        if (r.path.empty() || interest_.contains(r.path)) opaque_.emplace_back(r.path);
        continue;
      }
      if (!interest_.contains(r.path)) continue;
      if (r.kind == Listing::Kind::whiteout) {
        whiteouts_.emplace_back(r.path);
        continue;
      }
      auto it = state_.find(r.path);
      if (it == state_.end()) it = state_.emplace(std::string(r.path), PathState{}).first;
      PathState& st = it->second;
      st.last = k;
      st.type = r.type;
      if (r.type != FileType::directory) st.last_nondir = k;
      if (r.type == FileType::symlink) st.link_target = std::string(r.link_target);
    }
  }

  bool survives(std::string_view path, size_t index) const {
    if (root_opaque_ || exact_above_.contains(path)) return false;
    return !any_ancestor(path, [&](std::string_view a) {
      if (subtree_above_.contains(a)) return true;
      auto it = state_.find(a);
      return it != state_.end() && it->second.last_nondir && *it->second.last_nondir > index;
    });
  }

  // Adds the current layer's entries and markers to what hides lower layers.
  void cover_lower() {
    for (const auto& [path, st] : state_) {
      exact_above_.insert(path);
      if (st.last_nondir) subtree_above_.insert(path);
    }
    for (auto& w : whiteouts_) {
      exact_above_.insert(w);
      subtree_above_.insert(std::move(w));
    }
    for (auto& d : opaque_) {
      if (d.empty()) {
        root_opaque_ = true;
      } else {
        subtree_above_.insert(std::move(d));
      }
    }
  }

  const std::vector<LayerJob>& jobs_;
  PathSet interest_;
  std::unordered_map<std::string, PathState, PathHash, std::equal_to<>> state_;
  std::vector<std::string> whiteouts_;
  std::vector<std::string> opaque_;
  PathSet exact_above_;
  PathSet subtree_above_;
  bool root_opaque_ = false;
  std::map<std::string, std::map<std::string, FileResult>> results_;
};


// Loads what the cache has for `layer` into `job`; returns the analyzers that
// still have to run, and sets job.from_cache when none do and the listing is there.
std::vector<const Analyzer*> load_cached(const LayerCache& cache, const Layer& layer,
                                         const std::vector<const Analyzer*>& analyzers, LayerJob& job) {
  std::vector<const Analyzer*> missing;
  auto cached = cache.load_listing(layer.diff_id);
  bool listing = cached.has_value();
  if (cached) job.output.listing = std::move(*cached);
  for (const auto* a : analyzers) {
    auto r = cache.load_results(layer.diff_id, *a);
    if (r) {
      job.output.results[std::string(a->name())] = std::move(*r);
    } else {
      missing.push_back(a);
    }
  }
  job.from_cache = listing && missing.empty();
  return missing;
}

void store_cached(const LayerCache& cache, const Layer& layer, const std::vector<const Analyzer*>& ran,
                  const LayerOutput& out) {
  auto ok = cache.store_listing(layer.diff_id, out.listing);
  for (const auto* a : ran) {
    if (!ok) break;
    ok = cache.store_results(layer.diff_id, *a, out.results.at(std::string(a->name())));
  }
  if (!ok) log::warn("cannot write the analysis cache: {}", ok.error().message);
}

Result<LayerJob> process_layer(const ResolvedImage& image, const Layer& layer,
                               const std::vector<const Analyzer*>& analyzers, const WalkOptions& options,
                               const std::atomic<bool>& cancel) {
  LayerJob job;
  bool cached = options.use_cache && !options.cache_dir.empty() && !layer.diff_id.empty();
  LayerCache cache(options.cache_dir);
  std::vector<const Analyzer*> to_run = cached ? load_cached(cache, layer, analyzers, job) : analyzers;
  if (job.from_cache) return job;
  if (!image.source) return fail(ErrorCode::internal, "{}: the image has no source to read layers from", describe_layer(layer));
  StreamOpener open = [&]() -> Result<std::unique_ptr<ByteStream>> {
    IG_ASSIGN(auto blob, image.source->open_blob(layer.blob));
    return open_layer_stream(std::move(blob), layer, options.limits);
  };
  IG_ASSIGN(LayerOutput walked, analyze_layer(open, layer.index, describe_layer(layer), to_run, options.limits, &cancel));
  for (auto& [name, r] : walked.results) job.output.results[name] = std::move(r);
  job.output.listing = std::move(walked.listing);
  if (cached) store_cached(cache, layer, to_run, job.output);
  return job;
}

// Runs process_layer for every layer on a small pool of threads. Returns the
// error of the first layer that failed (the others are cancelled).
Result<std::vector<LayerJob>> run_layers(const ResolvedImage& image, const std::vector<const Analyzer*>& analyzers,
                                         const WalkOptions& options) {
  size_t n = image.layers.size();
  std::vector<std::optional<Result<LayerJob>>> done(n);
  // Largest layers first: the image is done when its slowest layer is, so
  // that one starts at once instead of behind the small ones.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return image.layers[a].blob.size > image.layers[b].blob.size;
  });
  std::atomic<size_t> next{0};
  std::atomic<bool> cancel{false};
  std::atomic<size_t> first_failed{std::numeric_limits<size_t>::max()};
  auto worker = [&] {
    for (;;) {
      size_t k = next.fetch_add(1);
      if (k >= n || cancel.load()) return;
      size_t i = order[k];
      Result<LayerJob> r = fail(ErrorCode::internal, "not run");
      try {
        r = process_layer(image, image.layers[i], analyzers, options, cancel);
      } catch (const std::exception& e) {
        r = fail(ErrorCode::internal, "{}: {}", describe_layer(image.layers[i]), e.what());
      }
      if (!r) {
        size_t expected = std::numeric_limits<size_t>::max();
        first_failed.compare_exchange_strong(expected, i);
        cancel.store(true);
      }
      done[i] = std::move(r);
    }
  };
  unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, n));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (n > 0) worker();
  for (auto& t : pool) t.join();
  if (first_failed.load() != std::numeric_limits<size_t>::max()) return fail(done[first_failed.load()]->error());
  std::vector<LayerJob> jobs;
  jobs.reserve(n);
  for (auto& d : done) jobs.push_back(std::move(**d));
  return jobs;
}

std::deque<std::string> split_path(std::string_view p) {
  std::deque<std::string> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) parts.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string join_parts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('/');
    out += p;
  }
  return out;
}

}  // namespace

Result<std::string> FileReader::read_all(uint64_t max) {
  std::string out;
  std::vector<std::byte> buf(64 * 1024);
  for (;;) {
    IG_ASSIGN(size_t n, read(buf));
    if (n == 0) return out;
    if (out.size() + n > max) {
      return fail(ErrorCode::invalid_image, "file is larger than the {} bytes allowed for it", max);
    }
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
}

Result<ImageAnalysis> analyze_image(const ResolvedImage& image, const std::vector<const Analyzer*>& analyzers,
                                    const WalkOptions& options) {
  ImageAnalysis analysis;
  std::vector<LayerJob> jobs;
  std::vector<std::string> diff_ids;
  if (image.kind == SourceKind::rootfs) {
    IG_ASSIGN(LayerOutput out, analyze_rootfs(image.rootfs, options.skip_other_mounts, analyzers, options.limits));
    jobs.push_back(LayerJob{std::move(out), false});
    diff_ids.emplace_back();
  } else {
    IG_ASSIGN(jobs, run_layers(image, analyzers, options));
    for (const auto& l : image.layers) diff_ids.push_back(l.diff_id);
  }
  for (const auto& job : jobs) ++(job.from_cache ? analysis.layers_from_cache : analysis.layers_walked);
  if (options.list_files) {
    MergedFiles files;
    for (size_t i = 0; i < jobs.size(); ++i) files.apply(jobs[i].output.listing, i);
    files.finish(analysis.files);
  }
  Survivors(jobs, analyzers).run(diff_ids, analysis);
  return analysis;
}

std::string resolve_in_image(const ImageAnalysis& analysis, std::string_view path) {
  std::deque<std::string> todo = split_path(path);
  std::vector<std::string> done;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();  // ".." at the root stays at the root
      continue;
    }
    done.push_back(std::move(part));
    auto it = analysis.symlinks.find(join_parts(done));
    if (it == analysis.symlinks.end()) continue;
    if (++hops > k_max_symlink_hops) return join_parts(done);  // a loop: give up where we are
    done.pop_back();
    if (it->second.starts_with('/')) done.clear();
    auto target = split_path(it->second);
    todo.insert(todo.begin(), target.begin(), target.end());
  }
  return join_parts(done);
}

}  // namespace ig::image
