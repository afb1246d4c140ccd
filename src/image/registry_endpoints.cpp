#include "image/registry_endpoints.h"

#include <cstdlib>
#include <filesystem>

#include "util/fs.h"

namespace ig::image {

namespace {

constexpr uint64_t k_max_config = 1u << 20;
constexpr size_t k_max_entries = 10000;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_hostport(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

Result<RegistryEndpoint> parse_entry(std::string_view line, std::string_view origin, size_t n) {
  auto w = words(line);
  auto where = [&] { return fmt::format("{} entry {}", origin, n); };
  if (w.size() < 2) {
    return fail(ErrorCode::usage, "{}: expected 'REGISTRY ENDPOINT [ca=FILE] [insecure]', e.g. "
                "'docker.io https://mirror.internal:5000'", where());
  }
  RegistryEndpoint e;
  e.registry = lower(w[0]);
  if (!valid_hostport(e.registry)) {
    return fail(ErrorCode::usage, "{}: '{}' is not a registry host[:port]", where(), w[0]);
  }
  std::string_view url = w[1];
  if (url.starts_with("https://")) {
    e.scheme = "https";
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    e.scheme = "http";
    url.remove_prefix(7);
  } else {
    return fail(ErrorCode::usage, "{}: endpoint '{}' must start with http:// or https://", where(), w[1]);
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.find('/') != std::string_view::npos || url.find('@') != std::string_view::npos || !valid_hostport(url)) {
    return fail(ErrorCode::usage, "{}: endpoint '{}' must be a scheme and host[:port] only (no path, no user)",
                where(), w[1]);
  }
  e.host = lower(url);
  for (size_t i = 2; i < w.size(); ++i) {
    if (w[i].starts_with("ca=") && w[i].size() > 3) {
      e.ca_file = std::string(w[i].substr(3));
    } else if (w[i] == "insecure") {
      e.insecure = true;
    } else {
      return fail(ErrorCode::usage, "{}: unknown option '{}'; options are ca=FILE and insecure", where(), w[i]);
    }
  }
  if (e.scheme == "http" && (!e.ca_file.empty() || e.insecure)) {
    return fail(ErrorCode::usage, "{}: ca= and insecure apply to https endpoints only", where());
  }
  return e;
}

void merge(std::vector<RegistryEndpoint>& into, std::vector<RegistryEndpoint> more) {
  for (auto& e : more) {
    bool replaced = false;
    for (auto& old : into) {
      if (old.registry == e.registry) {
        old = e;
        replaced = true;
      }
    }
    if (!replaced) into.push_back(std::move(e));
  }
}

}  // namespace

Result<std::vector<RegistryEndpoint>> parse_registry_endpoints(std::string_view text, std::string_view origin) {
  std::vector<RegistryEndpoint> out;
  size_t n = 0;
  while (!text.empty()) {
    auto end = text.find_first_of(";\n");
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    if (words(line).empty()) continue;
    ++n;
    if (n > k_max_entries) return fail(ErrorCode::usage, "{}: more than {} entries", origin, k_max_entries);
    IG_ASSIGN(RegistryEndpoint e, parse_entry(line, origin, n));
    merge(out, {std::move(e)});
  }
  return out;
}

Result<std::vector<RegistryEndpoint>> load_registry_endpoints() {
  std::vector<RegistryEndpoint> out;
  std::filesystem::path file = env("IMAGEGATE_REGISTRY_CONFIG");
  bool explicit_file = !file.empty();
  if (!explicit_file) {
    std::string xdg = env("XDG_CONFIG_HOME");
    std::string home = env("HOME");
    if (!xdg.empty()) file = std::filesystem::path(xdg) / "imagegate/registries.conf";
    else if (!home.empty()) file = std::filesystem::path(home) / ".config/imagegate/registries.conf";
  }
  std::error_code ec;
  if (!file.empty() && (explicit_file || std::filesystem::exists(file, ec))) {
    auto text = read_file(file, k_max_config);
    if (!text) {
      return fail(ErrorCode::usage, "cannot read the registry mapping file {} (IMAGEGATE_REGISTRY_CONFIG): {}",
                  file.string(), text.error().message);
    }
    IG_ASSIGN(out, parse_registry_endpoints(*text, file.string()));
  }
  if (std::string v = env("IMAGEGATE_REGISTRY_MIRRORS"); !v.empty()) {
    IG_ASSIGN(auto from_env, parse_registry_endpoints(v, "IMAGEGATE_REGISTRY_MIRRORS"));
    merge(out, std::move(from_env));
  }
  return out;
}

const RegistryEndpoint* find_registry_endpoint(const std::vector<RegistryEndpoint>& endpoints,
                                               std::string_view registry) {
  std::string r = lower(registry);
  for (const auto& e : endpoints) {
    if (e.registry == r) return &e;
  }
  return nullptr;
}

}  // namespace ig::image
