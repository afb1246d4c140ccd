// --format markdown: a summary for pull-request comments and
// $GITHUB_STEP_SUMMARY. GitHub renders it as GitHub-flavoured Markdown and
// refuses comments over 65,536 characters, so rows are added most severe
// first until the budget is spent and the rest is counted, never cut mid-row.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/report_formats.h"

namespace ig::report {

namespace {

// Room kept for the closing "left out" lines.
constexpr size_t k_reserve = 600;
constexpr size_t k_max_cell = 200;

// Text safe in a table cell: no pipes, no line breaks, no HTML, no link syntax.
std::string cell(std::string_view s) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++chars > k_max_cell) {
      out += "…";
      break;
    }
    switch (c) {
      case '|': out += "\\|"; break;
      case '\n': case '\r': case '\t': out += ' '; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '[': case ']': case '*': case '_': case '`': case '\\': case '#': case '~':
        out += '\\';
        out += static_cast<char>(c);
        break;
      default:
        if (c >= 0x20) out += static_cast<char>(c);
    }
  }
  return out;
}

// A link when `url` is an http(s) URL, else the plain text.
std::string link(std::string_view text, std::string_view url) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return cell(text);
  std::string u;
  for (char c : url) {
    if (c == ')' || c == '(' || c == ' ' || c == '<' || c == '>' || c == '|' || c == '"' ||
        static_cast<unsigned char>(c) < 0x20) {
      u += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      u += c;
    }
  }
  return fmt::format("[{}]({})", cell(text), u);
}

std::string decision_badge(const std::string& d) {
  if (d == "allow") return "✅ ALLOW";
  if (d == "warn") return "⚠️ WARN";
  return "❌ DENY";
}

std::string epss_text(const std::optional<double>& e) { return e ? fmt::format("{:.3f}", *e) : std::string(); }

std::vector<const DocFinding*> by_importance(const std::vector<DocFinding>& findings) {
  std::vector<const DocFinding*> out;
  for (const auto& f : findings) out.push_back(&f);
  std::stable_sort(out.begin(), out.end(), [](const DocFinding* a, const DocFinding* b) {
    int ra = severity_rank(a->severity), rb = severity_rank(b->severity);
    if (ra != rb) return ra < rb;
    if (a->kev != b->kev) return a->kev;
    return a->epss.value_or(-1) > b->epss.value_or(-1);
  });
  return out;
}

// Builds the summary section by section; rows are added only while they fit
// in the budget, and what did not fit is counted for the closing line.
class MarkdownWriter {
 public:
  MarkdownWriter(const Document& doc, size_t limit)
      : doc_(doc), limit_(limit), budget_(limit > k_reserve ? limit - k_reserve : 0) {}

  std::string run() {
    header();
    if (doc_.verdict) rules(*doc_.verdict);
    if (doc_.signature && doc_.signature->status != "not_checked") signature(*doc_.signature);
    if (doc_.scanned) counts();
    warnings();
    if (doc_.scanned) findings();
    if (doc_.has_packages && !doc_.scanned) packages();
    finish();
    return std::move(out_);
  }

 private:
  // Appends `s` when it fits in the budget.
  bool add(const std::string& s) {
    if (out_.size() + s.size() > budget_) return false;
    out_ += s;
    return true;
  }
  void left_out(size_t shown, size_t of, std::string_view what, bool say_total) {
    if (shown >= of) return;
    left_out_.push_back(say_total ? fmt::format("{} of {} {}", of - shown, of, what) : fmt::format("{} {}", of - shown, what));
  }

  void header() {
    out_ += doc_.verdict ? fmt::format("## imagegate check: {}\n\n", decision_badge(doc_.verdict->decision))
                         : fmt::format("## imagegate {}\n\n", doc_.command);
    std::string image = fmt::format("**Image:** {}", cell(doc_.image.name));
    if (!doc_.image.digest.empty()) image += fmt::format(" · {}", cell(doc_.image.digest));
    if (!doc_.image.platform.empty()) image += fmt::format(" · {}", cell(doc_.image.platform));
    if (!doc_.os_name.empty()) image += fmt::format(" · {}", cell(doc_.os_name));
    out_ += image + "\n\n";
  }

  void rules(const DocVerdict& v) {
    out_ += fmt::format("Policy: {} · exit code {}\n\n", cell(v.policy_source), v.exit_code);
    out_ += "| Rule | Result | What was seen | How to fix |\n|---|---|---|---|\n";
    // Fired rules first: they are why the verdict is what it is.
    std::vector<const DocRule*> sorted;
    for (const auto& r : v.rules) if (r.fired) sorted.push_back(&r);
    for (const auto& r : v.rules) if (!r.fired) sorted.push_back(&r);
    size_t shown = 0;
    for (const auto* r : sorted) {
      std::string result = !r->evaluated ? "⏭️ not evaluated"
                           : !r->fired    ? "✅ pass"
                           : r->mode == "enforce" ? "❌ deny"
                                                  : "⚠️ warn";
      if (!add(fmt::format("| {} | {} | {} | {} |\n", cell(r->rule), result, cell(r->saw), cell(r->fix)))) break;
      ++shown;
    }
    out_ += "\n";
    left_out(shown, sorted.size(), "policy rules", false);
  }

  void signature(const DocSignature& s) {
    add(fmt::format("**Signature:** {}{}{}\n\n", cell(s.status), s.signer.empty() ? "" : " by " + cell(s.signer),
                    s.detail.empty() ? "" : " (" + cell(s.detail) + ")"));
  }

  void counts() {
    const auto& fs = doc_.findings;
    auto c = severity_counts(fs);
    size_t fixed = std::count_if(fs.begin(), fs.end(), [](const DocFinding& f) { return !f.fixed_versions.empty(); });
    size_t kev = std::count_if(fs.begin(), fs.end(), [](const DocFinding& f) { return f.kev; });
    out_ += "| Critical | High | Medium | Low | Unknown | Total | Fixable | KEV | Waived |\n";
    out_ += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    out_ += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n", c[0], c[1], c[2], c[3], c[4], fs.size(),
                        fixed, kev, doc_.suppressed);
  }

  void warnings() {
    size_t shown = 0;
    for (const auto& w : doc_.warnings) {
      if (!add(fmt::format("> ⚠️ {}\n", cell(w)))) break;
      ++shown;
    }
    if (shown) out_ += "\n";
    left_out(shown, doc_.warnings.size(), "warnings", false);
  }

  void findings() {
    if (doc_.findings.empty()) {
      out_ += "No vulnerabilities found.\n\n";
      return;
    }
    out_ += "### Findings\n\n| Severity | Vulnerability | Package | Installed | Fixed in | KEV | EPSS |\n"
            "|---|---|---|---|---|---|---:|\n";
    auto sorted = by_importance(doc_.findings);
    size_t shown = 0;
    for (const auto* f : sorted) {
      std::string fixed;
      for (const auto& v : f->fixed_versions) fixed += (fixed.empty() ? "" : ", ") + v;
      if (!add(fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", cell(f->severity), link(f->id, f->primary_url),
                           cell(f->pkg_name), cell(f->pkg_version), cell(fixed.empty() ? fix_state(*f) : fixed),
                           f->kev ? "yes" : "", epss_text(f->epss)))) {
        break;
      }
      ++shown;
    }
    out_ += "\n";
    left_out(shown, sorted.size(), "findings", true);
  }

  void packages() {
    std::map<std::string, size_t> types, licenses;
    for (const auto& p : doc_.packages) {
      ++types[p.type];
      for (const auto& l : p.licenses) ++licenses[l];
      if (p.licenses.empty()) ++licenses["(none declared)"];
    }
    out_ += fmt::format("**{} packages**", doc_.packages.size());
    for (const auto& [t, n] : types) out_ += fmt::format(" · {} {}", cell(t), n);
    out_ += "\n\n### Licenses\n\n| License | Packages |\n|---|---:|\n";
    size_t shown = 0;
    for (const auto& [l, n] : licenses) {
      if (!add(fmt::format("| {} | {} |\n", cell(l), n))) break;
      ++shown;
    }
    out_ += "\n";
    left_out(shown, licenses.size(), "licenses", false);
    out_ += "### Packages\n\n| Package | Version | Type | Licenses |\n|---|---|---|---|\n";
    shown = 0;
    for (const auto& p : doc_.packages) {
      std::string lic;
      for (const auto& l : p.licenses) lic += (lic.empty() ? "" : ", ") + l;
      if (!add(fmt::format("| {} | {} | {} | {} |\n", cell(p.name), cell(p.version), cell(p.type), cell(lic)))) break;
      ++shown;
    }
    out_ += "\n";
    left_out(shown, doc_.packages.size(), "packages", true);
  }

  void finish() {
    if (!left_out_.empty()) {
      std::string what;
      for (size_t i = 0; i < left_out_.size(); ++i) what += (i ? ", " : "") + left_out_[i];
      out_ += fmt::format("_Left out to stay within {} characters: {}. The JSON or HTML report has everything._\n",
                          limit_, what);
    }
    out_ += fmt::format("\n<sub>imagegate {}</sub>\n", cell(doc_.tool_version));
  }

  const Document& doc_;
  size_t limit_;
  size_t budget_;
  std::string out_;
  std::vector<std::string> left_out_;
};

}  // namespace

std::string write_markdown(const Document& doc, size_t limit) { return MarkdownWriter(doc, limit).run(); }

}  // namespace ig::report
