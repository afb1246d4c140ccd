// analyze_image: the per-layer walks (cached, in parallel), merged in layer
// order into the view of the final filesystem.
#include <algorithm>
#include <deque>
#include <exception>
#include <limits>
#include <thread>

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

// The final filesystem as layers are applied bottom to top.
class MergedView {
 public:
  explicit MergedView(const std::vector<const Analyzer*>& analyzers) {
    for (const auto* a : analyzers) results_[std::string(a->name())];
  }

  void apply(const LayerOutput& out, size_t layer, const std::string& diff_id) {
    // Whiteouts and opaque markers hide lower layers only, so they go first.
    for (const auto& d : out.opaque_dirs) for_all([&](auto& m) { erase_subtree(m, d); });
    for (const auto& p : out.whiteouts) for_all([&](auto& m) { erase_path(m, p); });
    for (const auto& e : out.entries) {
      auto it = files_.find(e.path);
      if (e.type != FileType::directory) {
        // A file replaces whatever was there, a lower directory's subtree included.
        for_all([&](auto& m) { erase_path(m, e.path); });
      } else if (it != files_.end() && it->second.type != FileType::directory) {
        for_all([&](auto& m) { m.erase(e.path); });
      }
      FileMeta& slot = files_[e.path];
      slot = e;
      slot.layer = layer;
    }
    for (const auto& [name, by_path] : out.results) {
      auto& dst = results_[name];
      for (const auto& [path, value] : by_path) {
        auto f = files_.find(path);
        if (f == files_.end() || f->second.layer != layer) continue;
        dst[path] = FileResult{path, layer, diff_id, value};
      }
    }
  }

  void finish(ImageAnalysis& a, bool list_files) {
    for (auto& [name, by_path] : results_) {
      auto& v = a.results[name];
      v.reserve(by_path.size());
      for (auto& [path, r] : by_path) v.push_back(std::move(r));
    }
    for (auto& [path, meta] : files_) {
      if (meta.type == FileType::symlink) a.symlinks[path] = meta.link_target;
      if (list_files) a.files.push_back(std::move(meta));
    }
  }

 private:
  template <typename F>
  void for_all(F&& f) {
    f(files_);
    for (auto& [name, m] : results_) f(m);
  }

  std::map<std::string, FileMeta> files_;
  std::map<std::string, std::map<std::string, FileResult>> results_;
};

struct LayerJob {
  LayerOutput output;
  bool from_cache = false;
};

// Loads what the cache has for `layer` into `job`; returns the analyzers that
// still have to run, and sets job.from_cache when none do and the listing is there.
std::vector<const Analyzer*> load_cached(const LayerCache& cache, const Layer& layer,
                                         const std::vector<const Analyzer*>& analyzers, LayerJob& job) {
  std::vector<const Analyzer*> missing;
  bool listing = cache.load_listing(layer.diff_id, layer.index, job.output);
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
  auto ok = cache.store_listing(layer.diff_id, out);
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
  job.output.entries = std::move(walked.entries);
  job.output.whiteouts = std::move(walked.whiteouts);
  job.output.opaque_dirs = std::move(walked.opaque_dirs);
  if (cached) store_cached(cache, layer, to_run, job.output);
  return job;
}

// Runs process_layer for every layer on a small pool of threads. Returns the
// error of the first layer that failed (the others are cancelled).
Result<std::vector<LayerJob>> run_layers(const ResolvedImage& image, const std::vector<const Analyzer*>& analyzers,
                                         const WalkOptions& options) {
  size_t n = image.layers.size();
  std::vector<std::optional<Result<LayerJob>>> done(n);
  std::atomic<size_t> next{0};
  std::atomic<bool> cancel{false};
  std::atomic<size_t> first_failed{std::numeric_limits<size_t>::max()};
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n || cancel.load()) return;
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
  MergedView view(analyzers);
  if (image.kind == SourceKind::rootfs) {
    IG_ASSIGN(LayerOutput out, analyze_rootfs(image.rootfs, options.skip_other_mounts, analyzers, options.limits));
    view.apply(out, 0, "");
    analysis.layers_walked = 1;
  } else {
    IG_ASSIGN(std::vector<LayerJob> jobs, run_layers(image, analyzers, options));
    for (size_t i = 0; i < jobs.size(); ++i) {
      view.apply(jobs[i].output, i, image.layers[i].diff_id);
      ++(jobs[i].from_cache ? analysis.layers_from_cache : analysis.layers_walked);
    }
  }
  view.finish(analysis, options.list_files);
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
