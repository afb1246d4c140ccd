#include "policy/sink.h"

#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "image/http.h"
#include "util/fs.h"

namespace ig::policy {

namespace {

// Slack shows at most this many reasons; the text names the rest.
constexpr size_t k_slack_reasons = 5;
constexpr size_t k_slack_items = 5;

class DirectorySink final : public Sink {
 public:
  explicit DirectorySink(std::string dir) : dir_(std::move(dir)) {}
  std::string name() const override { return "--output-dir " + dir_; }
  bool wants(const CheckReport&) const override { return true; }
  bool required() const override { return true; }
  Result<void> send(const CheckRecord& r) override {
    std::filesystem::path d(dir_);
    IG_TRY(make_dirs(d));
    IG_TRY(atomic_write_file(d / "verdict.json", r.verdict_json));
    IG_TRY(atomic_write_file(d / "summary.txt", r.summary));
    IG_TRY(atomic_write_file(d / "policy.applied.json", r.policy_json));
    if (!r.findings_json.empty()) IG_TRY(atomic_write_file(d / "findings.json", r.findings_json));
    if (!r.sbom_json.empty()) IG_TRY(atomic_write_file(d / "sbom.cdx.json", r.sbom_json));
    return {};
  }

 private:
  std::string dir_;
};

class WebhookSink final : public Sink {
 public:
  explicit WebhookSink(WebhookOptions o) : o_(std::move(o)) {}
  std::string name() const override {
    return fmt::format("{} webhook {}", o_.format == WebhookOptions::Format::slack ? "Slack" : "JSON",
                       redacted_url(o_.url));
  }
  bool wants(const CheckReport& r) const override {
    return r.verdict.decision == Decision::deny || (r.verdict.decision == Decision::warn && o_.notify_on_warn);
  }
  bool required() const override { return false; }
  Result<void> send(const CheckRecord& r) override {
    image::HttpRequest req;
    req.method = "POST";
    req.url = o_.url;
    req.headers = {"Content-Type: application/json"};
    req.body = o_.format == WebhookOptions::Format::slack ? slack_message(*r.report) : r.verdict_json;
    req.has_body = true;
    req.follow_redirects = false;
    req.timeout = o_.timeout;
    req.connect_timeout = o_.timeout;
    std::string last;
    auto delay = o_.backoff;
    for (int attempt = 1; attempt <= o_.attempts; ++attempt) {
      auto resp = image::http_perform(req);
      if (resp.error == image::TransportError::none && resp.status >= 200 && resp.status < 300) return {};
      last = resp.error != image::TransportError::none ? "no answer (" + resp.error_message + ")"
                                                       : fmt::format("HTTP {}", resp.status);
      bool retry = resp.error != image::TransportError::none || resp.status >= 500 || resp.status == 429;
      if (!retry) break;
      if (attempt < o_.attempts) {
        std::this_thread::sleep_for(delay);
        delay *= 2;
      }
    }
    // curl's message may quote the URL; name only the host.
    return fail(ErrorCode::network, "{}: delivery failed: {}; check that the receiver is up and the URL is right",
                name(), last.find("://") == std::string::npos ? last : std::string("no answer"));
  }

 private:
  WebhookOptions o_;
};

}  // namespace

std::unique_ptr<Sink> make_directory_sink(std::string dir) { return std::make_unique<DirectorySink>(std::move(dir)); }

std::string redacted_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "(invalid URL)";
  auto rest = url.substr(scheme + 3);
  auto end = rest.find_first_of("/?#");
  auto host = rest.substr(0, end);
  if (auto at = host.rfind('@'); at != std::string_view::npos) host = host.substr(at + 1);
  return fmt::format("{}://{}/…", url.substr(0, scheme), host);
}

Result<std::unique_ptr<Sink>> make_webhook_sink(WebhookOptions options) {
  const auto& u = options.url;
  bool ok = (u.starts_with("https://") || u.starts_with("http://")) && u.find("://") + 3 < u.size() &&
            u[u.find("://") + 3] != '/';
  if (!ok) {
    return fail(ErrorCode::usage, "webhook URL {} is not an http:// or https:// URL with a host; give the full URL",
                redacted_url(u));
  }
  return std::unique_ptr<Sink>(std::make_unique<WebhookSink>(std::move(options)));
}

std::string slack_message(const CheckReport& r) {
  std::string decision = decision_name(r.verdict.decision);
  for (auto& c : decision) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string text = fmt::format("imagegate check: {} for {}@{}", decision, r.image_name, r.image_digest);
  nlohmann::json blocks = nlohmann::json::array();
  blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", "imagegate: " + decision}}}});
  blocks.push_back({{"type", "section"},
                    {"fields",
                     {{{"type", "mrkdwn"}, {"text", "*Image*\n" + r.image_name}},
                      {{"type", "mrkdwn"}, {"text", "*Digest*\n`" + r.image_digest + "`"}},
                      {{"type", "mrkdwn"}, {"text", "*Policy*\n" + r.policy_source}},
                      {{"type", "mrkdwn"}, {"text", "*Findings*\n" + counts_line(r)}}}}});
  for (size_t i = 0; i < r.verdict.reasons.size() && i < k_slack_reasons; ++i) {
    const auto& reason = r.verdict.reasons[i];
    std::string body = fmt::format("*{}* ({}): {}", reason.rule, mode_name(reason.mode), reason.saw);
    for (size_t k = 0; k < reason.items.size() && k < k_slack_items; ++k) {
      const auto& item = reason.items[k];
      // Findings start with their id: link CVEs to NVD.
      if (item.starts_with("CVE-")) {
        auto id = item.substr(0, item.find(' '));
        body += fmt::format("\n• <https://nvd.nist.gov/vuln/detail/{}|{}>{}", id, id, item.substr(id.size()));
      } else {
        body += "\n• " + item;
      }
    }
    if (reason.items.size() > k_slack_items) body += fmt::format("\n… and {} more", reason.items.size() - k_slack_items);
    body += "\n_Fix:_ " + reason.fix;
    blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", body}}}});
  }
  if (r.verdict.reasons.size() > k_slack_reasons) {
    blocks.push_back({{"type", "context"},
                      {"elements",
                       {{{"type", "mrkdwn"},
                         {"text", fmt::format("{} more reason(s) in verdict.json",
                                              r.verdict.reasons.size() - k_slack_reasons)}}}}});
  }
  nlohmann::json msg{{"text", text}, {"blocks", blocks}};
  return msg.dump() + "\n";
}

}  // namespace ig::policy
