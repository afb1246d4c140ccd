#include "util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace ig {

namespace {

// Owns a pipe end; closes it when dropped.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

Result<void> make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail(ErrorCode::io, "cannot create a pipe: {}", std::strerror(errno));
  read_end.fd = fds[0];
  write_end.fd = fds[1];
  return {};
}

// Writes to a pipe without letting SIGPIPE kill us when the child has exited
// early: block the signal in this thread, and swallow it if it became pending.
ssize_t write_no_sigpipe(int fd, const char* data, size_t n) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  ssize_t r = ::write(fd, data, n);
  int err = errno;
  // A partial write can raise SIGPIPE too, so look whenever it fell short.
  if (r < static_cast<ssize_t>(n)) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&old, SIGPIPE)) {
      timespec zero{0, 0};
      sigtimedwait(&block, nullptr, &zero);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return r;
}

int wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

Result<pid_t> spawn(const std::vector<std::string>& argv, Fd& in_r, Fd& out_w, Fd& err_w) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc == ENOENT) return fail(ErrorCode::not_found, "program '{}' was not found on PATH", argv[0]);
  if (rc != 0) return fail(ErrorCode::io, "cannot run '{}': {}", argv[0], std::strerror(rc));
  return pid;
}

// Moves bytes between us and the child until both output pipes close. Returns
// an error (after which the caller kills the child) on timeout or overflow.
Result<void> pump(const std::string& name, Fd& in_w, Fd& out_r, Fd& err_r, std::string_view input,
                  ProcessResult& result, const ProcessOptions& options) {
  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  size_t written = 0;
  if (input.empty()) in_w.reset();
  char buf[4096];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    pollfd fds[3];
    nfds_t n = 0;
    Fd* owners[3];
    std::string* sinks[3] = {nullptr, nullptr, nullptr};
    if (in_w.fd >= 0) owners[n] = &in_w, fds[n++] = {in_w.fd, POLLOUT, 0};
    if (out_r.fd >= 0) sinks[n] = &result.out, owners[n] = &out_r, fds[n++] = {out_r.fd, POLLIN, 0};
    if (err_r.fd >= 0) sinks[n] = &result.err, owners[n] = &err_r, fds[n++] = {err_r.fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(ErrorCode::io, "'{}' did not finish within {} ms", name, options.timeout.count());
    int r = ::poll(fds, n, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail(ErrorCode::io, "waiting for '{}' failed: {}", name, std::strerror(errno));
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (sinks[i] == nullptr) {  // stdin
        ssize_t w = write_no_sigpipe(in_w.fd, input.data() + written, input.size() - written);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
          in_w.reset();  // the child stopped reading; its exit status tells the rest
          continue;
        }
        written += static_cast<size_t>(w);
        if (written == input.size()) in_w.reset();
        continue;
      }
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        owners[i]->reset();
        continue;
      }
      if (sinks[i]->size() + static_cast<size_t>(got) > options.max_output) {
        return fail(ErrorCode::io, "'{}' wrote more than {} bytes of output", name, options.max_output);
      }
      sinks[i]->append(buf, static_cast<size_t>(got));
    }
  }
  return {};
}

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv, std::string_view input,
                                  const ProcessOptions& options) {
  if (argv.empty() || argv[0].empty()) return fail(ErrorCode::internal, "run_process: empty argv");
  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  IG_TRY(make_pipe(in_r, in_w));
  IG_TRY(make_pipe(out_r, out_w));
  IG_TRY(make_pipe(err_r, err_w));
  IG_ASSIGN(pid_t pid, spawn(argv, in_r, out_w, err_w));
  // Our copies of the child's ends must go, or we would never see end of file.
  in_r.reset();
  out_w.reset();
  err_w.reset();
  ProcessResult result;
  auto pumped = pump(argv[0], in_w, out_r, err_r, input, result, options);
  if (!pumped) {
    ::kill(pid, SIGKILL);
    wait_child(pid);
    return fail(pumped.error());
  }
  result.exit_code = wait_child(pid);
  return result;
}

}  // namespace ig
