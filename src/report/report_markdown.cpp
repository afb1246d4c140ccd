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

class Budget {
 public:
  explicit Budget(size_t limit) : limit_(limit > k_reserve ? limit - k_reserve : 0) {}
  // Appends `s` when it fits in the budget.
  bool add(std::string& out, const std::string& s) const {
    if (out.size() + s.size() > limit_) return false;
    out += s;
    return true;
  }

 private:
  size_t limit_;
};

}  // namespace

std::string write_markdown(const Document& doc, size_t limit) {
  std::string out;
  Budget budget(limit);
  std::string title = doc.verdict ? fmt::format("## imagegate check: {}\n\n", decision_badge(doc.verdict->decision))
                                  : fmt::format("## imagegate {}\n\n", doc.command);
  out += title;
  std::string image = fmt::format("**Image:** {}", cell(doc.image.name));
  if (!doc.image.digest.empty()) image += fmt::format(" · {}", cell(doc.image.digest));
  if (!doc.image.platform.empty()) image += fmt::format(" · {}", cell(doc.image.platform));
  if (!doc.os_name.empty()) image += fmt::format(" · {}", cell(doc.os_name));
  out += image + "\n\n";
  std::vector<std::string> left_out;

  if (doc.verdict) {
    const auto& v = *doc.verdict;
    out += fmt::format("Policy: {} · exit code {}\n\n", cell(v.policy_source), v.exit_code);
    out += "| Rule | Result | What was seen | How to fix |\n|---|---|---|---|\n";
    size_t shown = 0;
    // Fired rules first: they are why the verdict is what it is.
    std::vector<const DocRule*> rules;
    for (const auto& r : v.rules) if (r.fired) rules.push_back(&r);
    for (const auto& r : v.rules) if (!r.fired) rules.push_back(&r);
    for (const auto* r : rules) {
      std::string result = !r->evaluated ? "⏭️ not evaluated"
                           : !r->fired    ? "✅ pass"
                           : r->mode == "enforce" ? "❌ deny"
                                                  : "⚠️ warn";
      if (!budget.add(out, fmt::format("| {} | {} | {} | {} |\n", cell(r->rule), result, cell(r->saw), cell(r->fix)))) break;
      ++shown;
    }
    out += "\n";
    if (shown < rules.size()) left_out.push_back(fmt::format("{} policy rules", rules.size() - shown));
  }

  if (doc.signature && doc.signature->status != "not_checked") {
    budget.add(out, fmt::format("**Signature:** {}{}{}\n\n", cell(doc.signature->status),
                                doc.signature->signer.empty() ? "" : " by " + cell(doc.signature->signer),
                                doc.signature->detail.empty() ? "" : " (" + cell(doc.signature->detail) + ")"));
  }

  if (doc.scanned) {
    auto c = severity_counts(doc.findings);
    size_t fixed = std::count_if(doc.findings.begin(), doc.findings.end(),
                                 [](const DocFinding& f) { return !f.fixed_versions.empty(); });
    size_t kev = std::count_if(doc.findings.begin(), doc.findings.end(), [](const DocFinding& f) { return f.kev; });
    out += "| Critical | High | Medium | Low | Unknown | Total | Fixable | KEV | Waived |\n";
    out += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n", c[0], c[1], c[2], c[3], c[4],
                       doc.findings.size(), fixed, kev, doc.suppressed);
  }

  size_t warnings_shown = 0;
  for (const auto& w : doc.warnings) {
    if (!budget.add(out, fmt::format("> ⚠️ {}\n", cell(w)))) break;
    ++warnings_shown;
  }
  if (warnings_shown) out += "\n";
  if (warnings_shown < doc.warnings.size()) left_out.push_back(fmt::format("{} warnings", doc.warnings.size() - warnings_shown));

  if (doc.scanned && !doc.findings.empty()) {
    out += "### Findings\n\n| Severity | Vulnerability | Package | Installed | Fixed in | KEV | EPSS |\n"
           "|---|---|---|---|---|---|---:|\n";
    auto sorted = by_importance(doc.findings);
    size_t shown = 0;
    for (const auto* f : sorted) {
      std::string fixed;
      for (const auto& v : f->fixed_versions) fixed += (fixed.empty() ? "" : ", ") + v;
      std::string row = fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", cell(f->severity), link(f->id, f->primary_url),
                                    cell(f->pkg_name), cell(f->pkg_version), cell(fixed.empty() ? fix_state(*f) : fixed),
                                    f->kev ? "yes" : "", epss_text(f->epss));
      if (!budget.add(out, row)) break;
      ++shown;
    }
    out += "\n";
    if (shown < sorted.size()) left_out.push_back(fmt::format("{} of {} findings", sorted.size() - shown, sorted.size()));
  } else if (doc.scanned) {
    out += "No vulnerabilities found.\n\n";
  }

  if (doc.has_packages && !doc.scanned) {
    std::map<std::string, size_t> types, licenses;
    for (const auto& p : doc.packages) {
      ++types[p.type];
      for (const auto& l : p.licenses) ++licenses[l];
      if (p.licenses.empty()) ++licenses["(none declared)"];
    }
    out += fmt::format("**{} packages**", doc.packages.size());
    for (const auto& [t, n] : types) out += fmt::format(" · {} {}", cell(t), n);
    out += "\n\n### Licenses\n\n| License | Packages |\n|---|---:|\n";
    size_t shown = 0;
    for (const auto& [l, n] : licenses) {
      if (!budget.add(out, fmt::format("| {} | {} |\n", cell(l), n))) break;
      ++shown;
    }
    out += "\n";
    if (shown < licenses.size()) left_out.push_back(fmt::format("{} licenses", licenses.size() - shown));
    out += "### Packages\n\n| Package | Version | Type | Licenses |\n|---|---|---|---|\n";
    shown = 0;
    for (const auto& p : doc.packages) {
      std::string lic;
      for (const auto& l : p.licenses) lic += (lic.empty() ? "" : ", ") + l;
      if (!budget.add(out, fmt::format("| {} | {} | {} | {} |\n", cell(p.name), cell(p.version), cell(p.type), cell(lic)))) break;
      ++shown;
    }
    out += "\n";
    if (shown < doc.packages.size()) {
      left_out.push_back(fmt::format("{} of {} packages", doc.packages.size() - shown, doc.packages.size()));
    }
  }

  if (!left_out.empty()) {
    std::string what;
    for (size_t i = 0; i < left_out.size(); ++i) what += (i ? ", " : "") + left_out[i];
    out += fmt::format("_Left out to stay within {} characters: {}. The JSON or HTML report has everything._\n",
                       limit, what);
  }
  out += fmt::format("\n<sub>imagegate {}</sub>\n", cell(doc.tool_version));
  return out;
}

}  // namespace ig::report
