#include "report/sbom_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

namespace ig::report {

namespace {

// Control bytes (including ESC) become '?': package names come from images.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

std::string os_line(const inventory::OsInfo& os) {
  if (!os.known()) return "unknown";
  std::string out = !os.pretty_name.empty() ? os.pretty_name : os.id + (os.version_id.empty() ? "" : " " + os.version_id);
  if (os.distroless) out += " (distroless)";
  return out;
}

}  // namespace

std::string write_sbom_table(const SbomInput& in) {
  std::string out;
  const auto& img = in.image;
  out += fmt::format("Image: {}\n", printable(img.name));
  if (!img.digest.empty()) out += fmt::format("Digest: {}\n", printable(img.digest));
  if (!img.platform.empty()) out += fmt::format("Platform: {}\n", printable(img.platform));
  out += fmt::format("OS: {}\n", printable(os_line(in.inventory.os)));
  out += fmt::format("Packages: {}\n\n", in.inventory.packages.size());

  using Row = std::array<std::string, 3>;
  std::vector<Row> rows;
  rows.reserve(in.inventory.packages.size());
  for (const auto& p : in.inventory.packages) {
    rows.push_back({printable(p.name), printable(p.version), printable(p.ecosystem)});
  }
  std::sort(rows.begin(), rows.end());
  Row header{"NAME", "VERSION", "TYPE"};
  size_t w0 = header[0].size(), w1 = header[1].size();
  for (const auto& r : rows) {
    w0 = std::max(w0, r[0].size());
    w1 = std::max(w1, r[1].size());
  }
  auto line = [&](const Row& r) { return fmt::format("{:<{}}  {:<{}}  {}\n", r[0], w0, r[1], w1, r[2]); };
  out += line(header);
  for (const auto& r : rows) out += line(r);
  return out;
}

}  // namespace ig::report
