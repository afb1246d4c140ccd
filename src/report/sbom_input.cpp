#include "report/sbom_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

#include "util/digest.h"

namespace ig::report {

namespace {

// Parses exactly `n` decimal digits at `s[pos]`.
std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string format_utc(std::chrono::sys_seconds tp) {
  using namespace std::chrono;
  auto day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{tp - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

// Parses "Z" or "+hh:mm"/"-hh:mm" at s[pos] to the end; offset east of UTC in minutes.
std::optional<int> parse_offset(std::string_view s, size_t pos) {
  if (pos >= s.size()) return std::nullopt;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return 0;
  if ((s[pos] != '+' && s[pos] != '-') || pos + 6 != s.size() || s[pos + 3] != ':') return std::nullopt;
  auto oh = digits(s, pos + 1, 2);
  auto om = digits(s, pos + 4, 2);
  if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
  int off = *oh * 60 + *om;
  return s[pos] == '-' ? -off : off;
}

std::string hex16(std::string_view seed) { return sha256_digest(seed).substr(7, 16); }

}  // namespace

bool is_os_ecosystem(std::string_view ecosystem) {
  return ecosystem == "deb" || ecosystem == "apk" || ecosystem == "rpm";
}

std::vector<const inventory::Package*> sorted_packages(const inventory::Inventory& inv) {
  std::vector<const inventory::Package*> out;
  out.reserve(inv.packages.size());
  for (const auto& p : inv.packages) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](const inventory::Package* a, const inventory::Package* b) {
    return std::tie(a->ecosystem, a->name, a->version, a->purl, a->locations, a->layer_diff_id) <
           std::tie(b->ecosystem, b->name, b->version, b->purl, b->locations, b->layer_diff_id);
  });
  return out;
}

std::vector<std::string> package_refs(const std::vector<const inventory::Package*>& pkgs) {
  std::vector<std::string> base;
  std::map<std::string, size_t> count;
  for (const auto* p : pkgs) {
    std::string b = !p->purl.empty() ? p->purl
                                     : fmt::format("pkg:{}/{}@{}", percent_encode(p->ecosystem),
                                                   percent_encode(p->name, "/"), percent_encode(p->version));
    ++count[b];
    base.push_back(std::move(b));
  }
  std::vector<std::string> out;
  std::map<std::string, size_t> used;
  for (size_t i = 0; i < pkgs.size(); ++i) {
    std::string ref = base[i];
    if (count[ref] > 1) {
      std::string seed = pkgs[i]->layer_diff_id;
      for (const auto& l : pkgs[i]->locations) seed += "\n" + l;
      ref += (ref.find('?') == std::string::npos ? "?" : "&") + std::string("package-id=") + hex16(seed);
    }
    // Identical packages (same purl, locations and layer) still need distinct refs.
    if (size_t n = used[ref]++; n > 0) ref += fmt::format("-{}", n);
    out.push_back(std::move(ref));
  }
  return out;
}

std::string percent_encode(std::string_view s, std::string_view keep) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '.' ||
                 c == '_' || c == '~' || c == '-' || keep.find(c) != std::string_view::npos;
    if (plain) {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string image_short_name(const ImageIdentity& image) {
  auto last_component = [](std::string_view s) {
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
    auto slash = s.rfind('/');
    return slash == std::string_view::npos ? s : s.substr(slash + 1);
  };
  std::string_view name;
  if (!image.repository.empty()) {
    name = last_component(image.repository);
  } else {
    // "oci:/path/to/layout:tag", "docker-archive:/x/y.tar": the path's last component.
    std::string_view s = image.name;
    if (auto colon = s.find(':'); colon != std::string_view::npos) s = s.substr(colon + 1);
    if (auto at = s.find('@'); at != std::string_view::npos) s = s.substr(0, at);
    if (auto colon = s.rfind(':'); colon != std::string_view::npos && s.find('/', colon) == std::string_view::npos) {
      s = s.substr(0, colon);
    }
    name = last_component(s);
  }
  std::string out;
  for (char c : name) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out.empty() ? "image" : out;
}

std::string image_purl(const ImageIdentity& image) {
  std::string purl = "pkg:oci/" + percent_encode(image_short_name(image));
  if (!image.digest.empty()) purl += "@" + percent_encode(image.digest);
  // Qualifiers in the canonical (sorted) order.
  std::vector<std::pair<std::string, std::string>> q;
  if (auto slash = image.platform.find('/'); slash != std::string::npos) {
    auto arch = image.platform.substr(slash + 1);
    q.emplace_back("arch", arch.substr(0, arch.find('/')));
  }
  if (!image.repository.empty()) q.emplace_back("repository_url", image.repository);
  if (!image.tag.empty()) q.emplace_back("tag", image.tag);
  for (size_t i = 0; i < q.size(); ++i) {
    purl += (i == 0 ? "?" : "&") + q[i].first + "=" + percent_encode(q[i].second, "/");
  }
  return purl;
}

std::string identity_seed(const SbomInput& in) {
  if (!in.image.digest.empty()) return in.image.digest;
  nlohmann::json inv = in.inventory;
  // Package metadata is untrusted and may not be UTF-8: replace, never throw.
  return in.image.name + "\n" + sha256_digest(inv.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string name_based_uuid(std::string_view seed) {
  std::string h = sha256_digest(seed).substr(7, 32);
  // Version 5 in the high nibble of byte 6; variant 10xx in byte 8.
  h[12] = '5';
  static constexpr char k_variant[] = "89ab";
  h[16] = k_variant[std::string_view("0123456789abcdef").find(h[16]) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string normalize_rfc3339(std::string_view t) {
  using namespace std::chrono;
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':') {
    return {};
  }
  auto y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  auto h = digits(t, 11, 2), mi = digits(t, 14, 2), s = digits(t, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return {};
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return {};
  size_t pos = 19;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
    if (pos == start) return {};
  }
  auto off = parse_offset(t, pos);
  if (!off) return {};
  sys_seconds tp = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{std::min(*s, 59)} - minutes{*off};
  auto out_year = static_cast<int>(year_month_day{floor<days>(tp)}.year());
  if (out_year < 0 || out_year > 9999) return {};
  return format_utc(tp);
}

std::string rfc3339_utc_now() {
  return format_utc(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace ig::report
