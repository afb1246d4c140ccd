// imagegate lambda: the entry point of the imagegate-cdk construct's Lambda
// function. Loops on the Lambda Runtime API (aws/lambda_runtime.h), turns each
// CloudFormation custom-resource event into a `check` run (aws/custom_resource.h)
// and answers: to the Provider framework as the invocation's result or error,
// or, for a direct Lambda-backed resource, with a PUT to the ResponseURL.
// See docs/lambda.md.
//
// check runs as a child process of this same binary (/proc/self/exe): every
// invocation starts from clean process state, and a crash or the deadline
// kills the check, never the loop that must still answer CloudFormation.
#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "aws/cloudformation.h"
#include "aws/custom_resource.h"
#include "aws/lambda_runtime.h"
#include "cli/command.h"
#include "util/duration.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/process.h"

namespace ig::cli {

namespace {

using nlohmann::json;

struct LambdaOptions {
  std::string response_mode = "auto";  // auto | provider | direct
  std::string work_dir = "/tmp/imagegate-lambda";
  long max_invocations = 0;            // 0: for ever, as in Lambda
  std::string self = "/proc/self/exe";
  std::string db_max_age = "6h";       // a pulled database older than this is pulled again
};

struct Outcome {
  bool success = false;
  std::string reason;  // the failure reason, or a note on success
  json data = json::object();
};

// Seconds the check may take: the construct's polling timeout, but always
// leaving time to answer before Lambda's deadline.
std::chrono::milliseconds check_budget(const aws::Invocation& inv, long timeout_seconds) {
  using namespace std::chrono;
  auto budget = milliseconds(seconds(std::max(timeout_seconds, 1L) + 60));
  if (inv.deadline_ms > 0) {
    auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    auto left = milliseconds(inv.deadline_ms - now - 15000);
    budget = std::min(budget, std::max(left, milliseconds(1000)));
  }
  return budget;
}

std::vector<std::string> global_args(const GlobalOptions& global) {
  std::vector<std::string> a;
  if (!global.cache_dir.empty()) a.insert(a.end(), {"--cache-dir", global.cache_dir});
  if (!global.db.empty()) a.insert(a.end(), {"--db", global.db});
  return a;
}

// The last `n` bytes of a child's stderr, for a failure reason.
std::string tail(const std::string& s, size_t n) {
  std::string t = s.size() > n ? "…" + s.substr(s.size() - n) : s;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

// Pulls the database artifact into the --db file when it is missing or
// older than --db-max-age: Lambda's /tmp survives between warm invocations.
Result<void> ensure_database(const GlobalOptions& global, const LambdaOptions& o, const std::string& ref,
                             std::chrono::milliseconds budget) {
  IG_ASSIGN(auto max_age, parse_duration("--db-max-age", o.db_max_age));
  auto path = database_path(global);
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(path, ec);
  if (!ec && std::filesystem::file_time_type::clock::now() - mtime < max_age) return {};
  std::vector<std::string> argv{o.self};
  if (!global.cache_dir.empty()) argv.insert(argv.end(), {"--cache-dir", global.cache_dir});
  argv.insert(argv.end(), {"--db", path.string(), "-q", "db", "pull", ref});
  ProcessOptions po;
  po.timeout = budget;
  IG_ASSIGN(ProcessResult r, run_process(argv, "", po));
  if (r.exit_code != 0) {
    return fail(ErrorCode::network, "pulling the vulnerability database {} failed (exit {}): {}", ref, r.exit_code,
                tail(r.err, 1500));
  }
  return {};
}

// Rollback detection as ecr-scan-verifier does it: the stack's status.
bool stack_is_rolling_back(const std::string& stack_id) {
  auto creds = aws::credentials_from_env();
  if (!creds) {
    log::warn("cannot tell whether the stack is rolling back: {}", creds.error().message);
    return false;
  }
  std::string region = aws::region_of_arn(stack_id);
  if (region.empty()) region = aws::region_from_env();
  auto status = aws::describe_stack_status(stack_id, *creds, region);
  if (!status) {
    log::warn("cannot tell whether the stack is rolling back: {}", status.error().message);
    return false;
  }
  return aws::is_rollback_status(*status);
}

// The event's scratch directory: named after the request id, with anything
// but [A-Za-z0-9-_] replaced, so no id can name a path outside --work-dir.
std::filesystem::path event_dir(const LambdaOptions& o, const aws::Invocation& inv) {
  std::string name = "event-";
  for (char c : inv.request_id.substr(0, 128)) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return std::filesystem::path(o.work_dir) / name;
}

// A fresh, private directory holding the files the properties carry.
Result<void> prepare_dir(const std::filesystem::path& dir, const std::map<std::string, std::string>& files) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create the work directory {}: {}", dir.string(), ec.message());
  ::chmod(dir.c_str(), 0700);
  for (const auto& [name, contents] : files) IG_TRY(atomic_write_file(dir / name, contents, 0600));
  return {};
}

Outcome run_check_for(const GlobalOptions& global, const LambdaOptions& o, const aws::CustomResourceEvent& e,
                      const aws::Invocation& inv) {
  Outcome out;
  std::filesystem::path dir = event_dir(o, inv);
  auto invocation = aws::check_invocation_of(e.properties, dir);
  if (!invocation) {
    out.reason = "imagegate-cdk: " + invocation.error().message;
    return out;
  }
  if (auto prepared = prepare_dir(dir, invocation->files); !prepared) {
    out.reason = prepared.error().message;
    return out;
  }
  auto budget = check_budget(inv, invocation->timeout_seconds);
  if (!invocation->database.empty()) {
    if (auto db = ensure_database(global, o, invocation->database, budget); !db) {
      out.reason = db.error().message;
      return out;
    }
  }
  auto verdict_path = dir / "verdict.json";
  std::vector<std::string> argv{o.self};
  for (auto& a : global_args(global)) argv.push_back(a);
  argv.insert(argv.end(), {"check", invocation->image});
  argv.insert(argv.end(), invocation->args.begin(), invocation->args.end());
  argv.insert(argv.end(), {"--format", "json", "--output", verdict_path.string()});
  log::info("running: {}", fmt::join(argv.begin() + 1, argv.end(), " "));
  ProcessOptions po;
  po.timeout = budget;
  auto run = run_process(argv, "", po);
  if (!run) {
    out.reason = "imagegate check did not finish: " + run.error().message;
    return out;
  }
  // check's diagnostics belong in the function's log (CloudWatch).
  if (!run->err.empty()) std::fputs(run->err.c_str(), stderr);
  aws::VerdictSummary summary;
  if (auto text = read_file(verdict_path)) {
    if (auto s = aws::summarize_verdict(*text)) summary = *s;
  }
  if (!summary.decision.empty()) {
    std::printf("%s\n", aws::verdict_attributes(summary).dump().c_str());
    out.data = aws::verdict_attributes(summary);
  }
  if (run->exit_code == 0) {
    out.success = true;
    return out;
  }
  std::string detail = summary.decision == "deny" ? "" : fmt::format("imagegate check failed (exit {}): {}",
                                                                     run->exit_code, tail(run->err, 2500));
  out.reason = aws::failure_reason(summary, detail, aws::k_max_response_bytes);
  return out;
}

Outcome handle(const GlobalOptions& global, const LambdaOptions& o, const aws::CustomResourceEvent& e,
               const aws::Invocation& inv) {
  if (e.request_type == aws::RequestType::remove) {
    // The check guards deployments; deleting it blocks nothing.
    return Outcome{true, "", json::object()};
  }
  Outcome out = run_check_for(global, o, e, inv);
  // Any failure, the check's or the handler's own (a database that cannot be
  // pulled, a bad property), must not block a rollback when so asked.
  if (!out.success && aws::property_bool(e.properties, "suppressErrorOnRollback", true).value_or(true) &&
      stack_is_rolling_back(e.stack_id)) {
    log::warn("the stack is rolling back: reporting success instead of: {}", out.reason);
    out.success = true;
    out.data["Suppressed"] = "true";
    out.reason = "failure suppressed during rollback (suppressErrorOnRollback): " + out.reason;
  }
  return out;
}

bool direct_mode(const LambdaOptions& o, const aws::CustomResourceEvent& e) {
  if (o.response_mode == "direct") return true;
  if (o.response_mode == "provider") return false;
  // The Provider framework hands the handler a placeholder ResponseURL.
  return e.response_url.rfind("https://", 0) == 0 || e.response_url.rfind("http://", 0) == 0;
}

// Answers one invocation; an error here means the Runtime API itself failed.
Result<void> serve_one(const GlobalOptions& global, const LambdaOptions& o, const aws::LambdaRuntime& rt,
                       const aws::Invocation& inv) {
  auto event = aws::parse_custom_resource_event(inv.payload);
  if (!event) return rt.fail_invocation(inv.request_id, "Imagegate.InvalidEvent", event.error().message);
  Outcome out = handle(global, o, *event, inv);
  if (!out.success) log::write(log::Level::error, out.reason);
  if (direct_mode(o, *event)) {
    auto body = aws::direct_response(*event, out.success, out.reason, out.data);
    if (auto put = aws::put_response_url(event->response_url, body); !put) {
      return rt.fail_invocation(inv.request_id, "Imagegate.ResponseFailed", put.error().message);
    }
    return rt.respond(inv.request_id, body);
  }
  if (out.success) return rt.respond(inv.request_id, aws::provider_result(*event, out.data).dump());
  // The Provider framework makes the error message the resource's reason.
  return rt.fail_invocation(inv.request_id, "Imagegate.CheckFailed",
                            aws::failure_reason({}, out.reason, aws::k_max_response_bytes - 512));
}

int run_lambda(const GlobalOptions& global, const LambdaOptions& o) {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api || !*api) {
    return report_error(Error{ErrorCode::usage, "AWS_LAMBDA_RUNTIME_API is not set: `imagegate lambda` is the "
                                                "entry point of a Lambda function, not a command to run by hand "
                                                "(docs/lambda.md)"});
  }
  aws::LambdaRuntime rt(api);
  std::error_code ec;
  std::filesystem::create_directories(o.work_dir, ec);
  if (ec) {
    std::string msg = fmt::format("cannot create {}: {}", o.work_dir, ec.message());
    (void)rt.init_error("Imagegate.InitFailed", msg);
    return report_error(Error{ErrorCode::io, msg});
  }
  for (long n = 0; o.max_invocations == 0 || n < o.max_invocations; ++n) {
    auto inv = rt.next();
    if (!inv) return report_error(inv.error());
    if (auto served = serve_one(global, o, rt, *inv); !served) return report_error(served.error());
    std::filesystem::remove_all(event_dir(o, *inv), ec);
  }
  return 0;
}

}  // namespace

void register_lambda(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto o = std::make_shared<LambdaOptions>();
  auto* cmd = app.add_subcommand(
      "lambda", "Serve CloudFormation custom-resource events as an AWS Lambda custom runtime (AWS_LAMBDA_RUNTIME_API): "
                "the imagegate-cdk construct's entry point; see docs/lambda.md");
  cmd->add_option("--response-mode", o->response_mode,
                  "auto (default: PUT to the event's ResponseURL when it is a URL), provider (CDK Provider "
                  "framework: the invocation's result) or direct")
      ->check(CLI::IsMember({"auto", "provider", "direct"}));
  cmd->add_option("--work-dir", o->work_dir, "Scratch directory for each event (default /tmp/imagegate-lambda)");
  cmd->add_option("--max-invocations", o->max_invocations, "Exit after this many invocations (default 0: never)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--db-max-age", o->db_max_age,
                  "Pull the database artifact again when the local copy is older than this (default 6h)");
  cmd->callback([&global, &run, o] { run = [&global, o]() -> int { return run_lambda(global, *o); }; });
}

}  // namespace ig::cli
