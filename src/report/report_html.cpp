// --format html: one self-contained page. The page (report.html, compiled
// in by CMake as report_html.inc) carries its CSS and script inline and
// loads nothing; the data goes in once as JSON and the script draws the
// charts and tables from it, rendering table rows in chunks so that a report
// of thousands of findings opens at once.
#include <string>

#include "report/report_formats.h"

namespace ig::report {

namespace {

constexpr std::string_view k_page =
#include "report/report_html.inc"
    ;

constexpr std::string_view k_title_slot = "@@IG_TITLE@@";
constexpr std::string_view k_data_slot = "@@IG_DATA@@";
static_assert(k_page.find(k_title_slot) < k_page.find(k_data_slot) && k_page.find(k_data_slot) != std::string_view::npos,
              "report.html must hold @@IG_TITLE@@ and then @@IG_DATA@@");

std::string html_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string json_for_script(const nlohmann::ordered_json& j) {
  std::string raw = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size() + raw.size() / 16);
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    // Outside strings JSON has none of these characters, so escaping every
    // occurrence keeps the document the same value.
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' && (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string write_html(const Document& doc) {
  std::string title = "imagegate " + doc.command + ": " + doc.image.name;
  if (doc.verdict) title += " (" + doc.verdict->decision + ")";
  // The slots are found in the page, never in the data, so nothing the data
  // holds can be taken for a slot.
  size_t t = k_page.find(k_title_slot);
  size_t d = k_page.find(k_data_slot);
  std::string out;
  out.append(k_page.substr(0, t));
  out += html_text(title);
  out.append(k_page.substr(t + k_title_slot.size(), d - t - k_title_slot.size()));
  out += json_for_script(document_to_json(doc));
  out.append(k_page.substr(d + k_data_slot.size()));
  return out;
}

}  // namespace ig::report
