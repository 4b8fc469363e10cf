#include "serving/postgres_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "base/files.h"

namespace footfall::serving {
namespace {

constexpr const char* kDefaultBinDir = "/usr/lib/postgresql/15/bin";
constexpr const char* kRunuser = "/usr/sbin/runuser";
constexpr int kStartAttempts = 3;

// A port nothing listens on right now. Another process may take it before the server does; Start
// retries with a new one.
Result<int> FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return ErrnoError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const Status status = ErrnoError("bind 127.0.0.1:0");
    ::close(fd);
    return status;
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

// Runs `argv` (as the postgres user when we are root) in `cwd` with stdout and stderr appended to
// `log`; returns its exit status.
Result<int> Run(std::vector<std::string> argv, const std::string& cwd, const std::string& log) {
  if (::geteuid() == 0) {
    argv.insert(argv.begin(), {kRunuser, "-u", "postgres", "--"});
  }
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoError("open " + log);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return ErrnoError("fork");
  }
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (::chdir(cwd.c_str()) != 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) _exit(126);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(log_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError("waitpid");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The output of the commands run, then the server's own log.
Status CommandFailed(const std::string& what, int code, const std::string& dir) {
  std::string message = what + " exited with " + std::to_string(code) + ":\n";
  for (const char* name : {"/commands.log", "/server.log"}) {
    auto text = ReadWholeFile(dir + name);
    if (text.ok()) message += *text;
  }
  return IoError(message);
}

}  // namespace

Result<std::unique_ptr<PostgresTestServer>> PostgresTestServer::Start() {
  std::unique_ptr<PostgresTestServer> server(new PostgresTestServer());
  const char* env_bin = std::getenv("FOOTFALL_POSTGRES_BIN");
  server->bin_dir_ = env_bin != nullptr && *env_bin != '\0' ? env_bin : kDefaultBinDir;
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    const std::string path = server->bin_dir_ + "/" + tool;
    if (::access(path.c_str(), X_OK) != 0) {
      return FailedPrecondition("PostgreSQL server binary " + path +
                                " is missing: run scripts/bootstrap (it installs postgresql-15), "
                                "or point FOOTFALL_POSTGRES_BIN at the directory holding it");
    }
  }
  const std::string& dir = server->dir_.path();
  if (::geteuid() == 0) {
    if (::access(kRunuser, X_OK) != 0) {
      return FailedPrecondition(std::string(kRunuser) +
                                " is missing; it is needed to run PostgreSQL as user postgres when "
                                "the tests run as root");
    }
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      return FailedPrecondition(
          "tests run as root and there is no postgres user to run the server as: run "
          "scripts/bootstrap (the postgresql-15 package creates it)");
    }
    if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return ErrnoError("chown " + dir);
  }
  const std::string data = dir + "/data";
  // Written by this process; the server writes server.log itself, as its own user.
  const std::string log = dir + "/commands.log";
  FOOTFALL_ASSIGN_OR_RETURN(
      int code,
      Run({server->bin_dir_ + "/initdb", "-D", data, "-U", std::string(kSuperuser), "--auth=trust",
           "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"},
          dir, log));
  if (code != 0) return CommandFailed("initdb", code, dir);

  Status last = Status::Ok();
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    FOOTFALL_ASSIGN_OR_RETURN(server->port_, FreePort());
    // Durability is not what the tests are about; wal_level=minimal lets COPY into a table made
    // in the same transaction skip the WAL, as a production server configured for loads would.
    const std::string options = "-k " + dir + " -p " + std::to_string(server->port_) +
                                " -c listen_addresses=127.0.0.1 -c fsync=off"
                                " -c full_page_writes=off -c wal_level=minimal"
                                " -c max_wal_senders=0 -c max_connections=30";
    FOOTFALL_ASSIGN_OR_RETURN(code, Run({server->bin_dir_ + "/pg_ctl", "start", "-w", "-t", "60",
                                         "-D", data, "-l", dir + "/server.log", "-o", options},
                                        dir, log));
    if (code == 0) {
      server->running_ = true;
      return server;
    }
    last = CommandFailed("pg_ctl start", code, dir);
  }
  return last;
}

PostgresTestServer::~PostgresTestServer() {
  if (!running_) return;
  auto stopped =
      Run({bin_dir_ + "/pg_ctl", "stop", "-w", "-m", "immediate", "-D", dir_.path() + "/data"},
          dir_.path(), dir_.path() + "/commands.log");
  static_cast<void>(stopped);
}

std::string PostgresTestServer::Conninfo(std::string_view user, std::string_view dbname) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + std::string(user) +
         " dbname=" + std::string(dbname) + " connect_timeout=10";
}

}  // namespace footfall::serving
