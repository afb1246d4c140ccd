#include "image/reference.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "util/digest.h"

namespace ig::image {

namespace {

constexpr std::string_view k_docker_hub = "docker.io";
constexpr size_t k_max_name_length = 255;  // distribution's limit on registry/repository
constexpr size_t k_max_tag_length = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

tl::unexpected<Error> bad(std::string_view input, std::string why) {
  return fail(ErrorCode::usage, "invalid reference '{}': {}", input, why);
}

// component := [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
Result<void> check_component(std::string_view input, std::string_view c) {
  if (c.empty()) return bad(input, "the repository has an empty path component (two '/' in a row, or a trailing '/')");
  if (std::any_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return bad(input, fmt::format("repository component '{}' must be lowercase", c));
  }
  size_t i = 0;
  while (i < c.size()) {
    size_t start = i;
    while (i < c.size() && is_lower_alnum(c[i])) ++i;
    if (i == start) {
      return bad(input, fmt::format("repository component '{}' must start and end with a letter or digit, and "
                                    "separators ('.', '_', '__', '-') must sit between letters or digits",
                                    c));
    }
    if (i == c.size()) break;
    size_t sep = i;
    while (i < c.size() && !is_lower_alnum(c[i])) ++i;
    std::string_view s = c.substr(sep, i - sep);
    bool ok = s == "." || s == "_" || s == "__" || std::all_of(s.begin(), s.end(), [](char ch) { return ch == '-'; });
    if (!ok) {
      return bad(input, fmt::format("repository component '{}' contains '{}': only lowercase letters, digits and "
                                    "the separators '.', '_', '__' and '-' are allowed",
                                    c, s));
    }
    if (i == c.size()) {
      return bad(input, fmt::format("repository component '{}' must end with a letter or digit", c));
    }
  }
  return {};
}

bool is_port(std::string_view p) {
  return !p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// registry := host [":" port]; host := domain | "[" ipv6 "]"
Result<void> check_registry(std::string_view input, std::string_view r) {
  std::string_view host = r;
  std::string_view port;
  if (!r.empty() && r.front() == '[') {
    size_t close = r.find(']');
    if (close == std::string_view::npos) return bad(input, fmt::format("registry '{}' has an unclosed '['", r));
    host = r.substr(1, close - 1);
    std::string_view rest = r.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad(input, fmt::format("registry '{}' has text after ']' that is not ':port'", r));
      port = rest.substr(1);
      if (!is_port(port)) return bad(input, fmt::format("registry '{}' has an invalid port '{}'", r, port));
    }
    bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
      return std::isxdigit(static_cast<unsigned char>(ch)) != 0 || ch == ':' || ch == '.';
    });
    if (!ok) return bad(input, fmt::format("registry '{}' is not a valid IPv6 address in brackets", r));
    return {};
  }
  size_t colon = r.rfind(':');
  if (colon != std::string_view::npos) {
    host = r.substr(0, colon);
    port = r.substr(colon + 1);
    if (!is_port(port)) return bad(input, fmt::format("registry '{}' has an invalid port '{}'", r, port));
  }
  if (host.empty()) return bad(input, fmt::format("registry '{}' has an empty host name", r));
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    bool ok = !label.empty() && label.front() != '-' && label.back() != '-' &&
              std::all_of(label.begin(), label.end(),
                          [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-'; });
    if (!ok) {
      return bad(input, fmt::format("registry host '{}' is not a valid host name (labels of letters, digits and "
                                    "inner '-', separated by '.')",
                                    host));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return {};
}

Result<void> check_tag(std::string_view input, std::string_view tag) {
  if (tag.empty()) return bad(input, "the tag after ':' is empty");
  if (tag.size() > k_max_tag_length) {
    return bad(input, fmt::format("tag '{}' is {} characters long, more than the {} allowed", tag, tag.size(),
                                  k_max_tag_length));
  }
  if (!is_word(tag.front())) {
    return bad(input, fmt::format("tag '{}' must start with a letter, digit or '_'", tag));
  }
  for (char c : tag) {
    if (!is_word(c) && c != '.' && c != '-') {
      return bad(input, fmt::format("tag '{}' contains '{}': only letters, digits, '_', '.' and '-' are allowed", tag,
                                    c));
    }
  }
  return {};
}

bool looks_like_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost" || (!first.empty() && first.front() == '[');
}

}  // namespace

Result<Reference> Reference::parse(std::string_view s) {
  if (s.empty()) return bad(s, "it is empty; give an image such as 'nginx:1.27' or 'registry.example.com/app@sha256:…'");
  Reference ref;
  std::string_view rest = s;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    auto d = Digest::parse(digest);
    if (!d) return bad(s, d.error().message);
    ref.digest = d->str();
    rest = rest.substr(0, at);
  }
  // A tag is a ':' after the last '/', so "localhost:5000/app" has none.
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    std::string_view tag = rest.substr(colon + 1);
    IG_TRY(check_tag(s, tag));
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return bad(s, "the repository name is empty");

  std::string_view path = rest;
  size_t first_slash = rest.find('/');
  if (first_slash != std::string_view::npos && looks_like_registry(rest.substr(0, first_slash))) {
    std::string_view registry = rest.substr(0, first_slash);
    IG_TRY(check_registry(s, registry));
    ref.registry = std::string(registry);
    path = rest.substr(first_slash + 1);
  } else {
    ref.registry = std::string(k_docker_hub);
  }
  if (ref.registry == "index.docker.io" || ref.registry == "registry-1.docker.io") ref.registry = k_docker_hub;

  size_t start = 0;
  while (true) {
    size_t next = path.find('/', start);
    IG_TRY(check_component(s, path.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start)));
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  ref.repository = std::string(path);
  if (ref.registry == k_docker_hub && path.find('/') == std::string_view::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (ref.registry.size() + 1 + ref.repository.size() > k_max_name_length) {
    return bad(s, fmt::format("the name is longer than {} characters", k_max_name_length));
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string Reference::name() const { return registry + "/" + repository; }

std::string Reference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::manifest_ref() const {
  if (!digest.empty()) return digest;
  if (!tag.empty()) return tag;
  return "latest";
}

std::string Reference::api_host() const {
  if (registry == k_docker_hub) return "registry-1.docker.io";
  return registry;
}

bool Reference::is_loopback() const {
  std::string_view host = registry;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
    return host == "::1" || host == "0:0:0:0:0:0:0:1";
  }
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host == "localhost") return true;
  // 127.0.0.0/8 in dotted-quad form: four decimal octets, the first 127.
  if (host.substr(0, 4) != "127.") return false;
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view octet = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (octet.empty() || octet.size() > 3 ||
        !std::all_of(octet.begin(), octet.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(octet)) > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

}  // namespace ig::image
