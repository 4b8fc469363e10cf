#include "http/server.h"

// Each I/O thread keeps this many freed blocks of Asio's operations for reuse (Asio's default
// is 2); a request needs more live at once (its read, its write, its timer, the inbox drain),
// and with 2 the read and write operations were allocated anew for every request.
#define BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE 8

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <cassert>
#include <charconv>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/thread.h"
#include "base/time.h"
#include "http/date.h"
#include "http/handler_memory.h"
#include "http/request_parser.h"

// Threading model: by default one event loop (an io_context run by one thread) per I/O thread,
// as nginx runs one worker per core. The acceptor lives on the first loop and hands each new
// connection to the next loop in turn; a connection stays on its loop, so its state needs no
// lock, and a Responder called from another thread (the raw-log writer's) hands the response to
// that loop's Inbox. With ServerOptions::blocking_handlers the threads share one io_context and
// each connection gets a strand of it, so a handler that blocks holds up only its own connection.
// The shared loop costs more: its threads hand completions to each other through a mutex and a
// condition variable, a futex call per request or more, and the collector answered 5-14 % fewer
// requests per second with it (BENCHMARKS.md).
//
// Lifetime: connections (Session) hold the shared Core, which owns the loops, so sockets
// are always destroyed before it — even a connection kept alive after Stop() only by a
// Responder that some handler still holds. After Stop() no response is posted to a loop (the
// inboxes are closed; on strands, Core::stopped is checked under Core::mu), so nothing is queued
// that would keep a Session and therefore the Core alive in a cycle. Each loop is kept running
// (keep_running) until Stop().

namespace footfall::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view kComponent = "http";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// After an answer that closes the connection, the server stops sending and drains what the
// client still sends for this long (or this many bytes) before closing, so that the client
// reads the answer instead of a reset caused by unread request bytes.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kDrainChunk = size_t{16} * 1024;

// The Date header value, formatted at most once a second per thread.
std::string_view CurrentHttpDate() {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  const int64_t now = NowMicros() / kMicrosPerSecond;
  if (now != cached_second) {
    cached = FormatHttpDate(now);
    cached_second = now;
  }
  return cached;
}

void AppendNumber(std::string* out, uint64_t v) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  out->append(digits, end);
}

class Session;

// Memory for the operations of one connection: at most its read or write, its timer and a post
// of Beast's are live at once, and each fits in a block (under load none took the heap). 2 KiB a
// connection, beside its 8 KiB read buffer.
using SessionMemory = HandlerMemory<4, 512>;
// Memory for an inbox's drain, which at most one post holds at a time.
using InboxMemory = HandlerMemory<1, 128>;

// Read buffer reserved per connection: one recv takes a whole typical request (tracker POSTs
// are at most about 40 KB, most far smaller); 10,000 idle connections cost 80 MiB.
constexpr size_t kReadBufferBytes = 8192;

// The most a connection's Request keeps allocated between requests (its strings' capacity):
// enough for typical tracker requests; what an unusually large one took is given back, so that
// 10,000 idle connections cannot each hold on to a large body.
constexpr size_t kMaxRetainedRequestBytes = 16 * 1024;

size_t RetainedBytes(const Request& r, const HeaderList& spare_headers) {
  size_t n = r.method.capacity() + r.target.capacity() + r.path.capacity() + r.query.capacity() +
             r.body.capacity() + r.peer_ip.capacity();
  for (const HeaderList* list : {&r.headers, &spare_headers}) {
    for (const auto& [name, value] : *list) n += name.capacity() + value.capacity();
  }
  return n;
}

// Responses handed to one loop by other threads. The raw-log writer answers a whole group commit
// at once: the first response of such a burst posts one drain to the loop and the others only
// join the list, so a burst costs one post (one allocation, one wake-up of the loop) rather than
// one per response.
class Inbox {
 public:
  explicit Inbox(asio::io_context& loop) : loop_(loop) {}
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Any thread: the session's response() is ready. Dropped once Close()d.
  void Push(std::shared_ptr<Session> session);
  // Drops what waits and refuses what comes (the server is stopping), so that no connection is
  // kept alive by a list that is never drained.
  void Close();

 private:
  using Waiting = std::vector<std::shared_ptr<Session>>;
  void Drain();  // on the loop

  asio::io_context& loop_;
  InboxMemory memory_;
  std::mutex mu_;
  bool closed_ = false;  // guarded by mu_
  Waiting waiting_;      // guarded by mu_
  Waiting draining_;     // used only on the loop
};

// One event loop: an io_context and the inbox of responses posted to it.
struct Loop {
  explicit Loop(int concurrency_hint) : context(concurrency_hint), inbox(context) {}
  asio::io_context context;
  Inbox inbox;
};

// State shared by the Server and its connections; see "Lifetime" above.
struct Core : std::enable_shared_from_this<Core> {
  Core(ServerOptions o, Handler h, int threads)
      : options(std::move(o)),
        handler(std::move(h)),
        loops(MakeLoops(options.blocking_handlers ? 1 : threads, threads)),
        acceptor(asio::make_strand(loops[0]->context)),
        accept_retry(acceptor.get_executor()) {
    for (auto& loop : loops) keep_running.emplace_back(loop->context.get_executor());
  }

  static std::vector<std::unique_ptr<Loop>> MakeLoops(int loops, int threads) {
    std::vector<std::unique_ptr<Loop>> made;
    for (int i = 0; i < loops; ++i) made.push_back(std::make_unique<Loop>(threads / loops));
    return made;
  }

  // The loop of the next connection, in turn; null with blocking_handlers (each connection then
  // gets a strand of the one shared loop).
  Loop* NextLoop() {
    return options.blocking_handlers ? nullptr : loops[next_loop++ % loops.size()].get();
  }

  // Constant after construction.
  const ServerOptions options;
  const Handler handler;

  std::vector<std::unique_ptr<Loop>> loops;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  // Used only on the acceptor's strand.
  size_t next_loop = 0;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  bool accept_failing = false;
  uint64_t last_session_id = 0;

  std::mutex mu;
  bool stopped = false;                                           // guarded by mu
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions;  // guarded by mu
};

// One accepted connection. Owned by shared_ptrs held by its pending asynchronous operations and,
// while its request is with the handler, by that request's Responder; it dies when the last of
// them finishes. All members are used only on the connection's loop (executor_), except
// Shutdown() and, while a request is with the handler, response_ and Send(), which its
// Responder uses from any thread.
class Session final : public std::enable_shared_from_this<Session>, public ResponseSlot {
 public:
  // `inbox`: the inbox of the connection's loop, or null when it runs on a strand.
  Session(std::shared_ptr<Core> core, tcp::socket socket, uint64_t id, Inbox* inbox)
      : core_(std::move(core)),
        options_(core_->options),
        id_(id),
        inbox_(inbox),
        socket_(std::move(socket)),
        executor_(socket_.get_executor()),
        timer_(executor_),
        timer_tick_(std::min({options_.read_timeout_seconds, options_.idle_timeout_seconds,
                              options_.write_timeout_seconds})) {}

  ~Session() {
    std::lock_guard<std::mutex> lock(core_->mu);
    core_->sessions.erase(id_);
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  uint64_t id() const { return id_; }

  void Start() {
    // Beast reads at most the buffer's free capacity (and at least 512 bytes) per call: without
    // room reserved, a 6 KB tracker POST took a dozen recv calls.
    buffer_.reserve(kReadBufferBytes);
    asio::dispatch(executor_, [self = shared_from_this()] { self->OnStart(); });
  }

  // Closes the connection without answering; for Stop().
  void Shutdown() {
    asio::post(executor_, [self = shared_from_this()] { self->CloseNow(); });
  }

  // ResponseSlot, for the Responder of the request with the handler.
  Response& response() override { return response_; }

  // Hands response_ back to the connection's loop; dropped once the server is stopping.
  void Send() override {
    if (inbox_ != nullptr) return inbox_->Push(shared_from_this());
    std::lock_guard<std::mutex> lock(core_->mu);
    if (core_->stopped) return;
    asio::post(executor_, [self = shared_from_this()] { self->OnResponse(); });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  void OnStart() {
    error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    const tcp::endpoint peer = socket_.remote_endpoint(ec);
    if (ec) return CloseNow();  // the client is already gone
    asio::ip::address address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    peer_ip_ = address.to_string();
    WaitForRequest();
  }

  // Reads the first bytes of the next request without holding a parser, so that an idle
  // keep-alive connection is bounded by the idle timeout and a started request by the read
  // timeout. (A read rather than a wait for readability: Asio's wait modifies the epoll
  // registration every time, a system call per request.)
  void WaitForRequest() {
    if (buffer_.size() > 0) return BeginRequest();  // pipelined bytes already buffered
    phase_ = Phase::kIdle;
    ArmTimer(std::chrono::seconds(served_one_ ? options_.idle_timeout_seconds
                                              : options_.read_timeout_seconds));
    socket_.async_read_some(buffer_.prepare(kReadBufferBytes),
                            Bound([self = shared_from_this()](error_code ec, size_t n) {
                              if (self->phase_ != Phase::kIdle) return;
                              if (ec) return self->CloseNow();
                              self->buffer_.commit(n);
                              self->BeginRequest();
                            }));
  }

  void BeginRequest() {
    phase_ = Phase::kReading;
    timed_out_ = false;
    ArmTimer(std::chrono::seconds(options_.read_timeout_seconds));
    req_.peer_ip = peer_ip_;
    parser_.emplace(&req_, &spare_headers_, options_);
    if (ParseBuffered(/*whole_request=*/false)) return;
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        Bound([self = shared_from_this()](error_code ec, size_t) { self->OnHeader(ec); }));
  }

  // Parses what the buffer holds already: usually the whole request, read by WaitForRequest.
  // Beast's asynchronous read would find it too, but completes through a post (a turn of the
  // loop and an allocation). Returns true when it took the request on (the header, or the whole
  // request when `whole_request`, is complete, or an error was found); false when more bytes
  // must be read.
  bool ParseBuffered(bool whole_request) {
    const auto complete = [&] {
      return whole_request ? parser_->is_done() : parser_->is_header_done();
    };
    error_code ec;
    while (buffer_.size() > 0 && !complete()) {
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more) return false;
      if (ec) {
        OnReadError(ec);
        return true;
      }
      if (used == 0) return false;
    }
    if (!complete()) return false;
    if (whole_request) {
      OnBody({});
    } else {
      OnHeader({});
    }
    return true;
  }

  void OnHeader(error_code ec) {
    if (phase_ != Phase::kReading) return;
    if (ec) return OnReadError(ec);
    if (timed_out_) return OnReadError(asio::error::timed_out);
    if (parser_->is_done()) return Dispatch();
    if (parser_->expects_continue()) {
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](error_code ec, size_t) {
                          if (self->phase_ != Phase::kReading) return;
                          if (ec) return self->OnReadError(ec);
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (ParseBuffered(/*whole_request=*/true)) return;
    bhttp::async_read(
        socket_, buffer_, *parser_,
        Bound([self = shared_from_this()](error_code ec, size_t) { self->OnBody(ec); }));
  }

  void OnBody(error_code ec) {
    if (phase_ != Phase::kReading) return;
    if (ec) return OnReadError(ec);
    Dispatch();  // complete, even if the deadline passed meanwhile
  }

  void OnReadError(error_code ec) {
    if (timed_out_) return WriteError(408, "request timeout");
    if (parser_ && parser_->request_line_too_long()) {
      return WriteError(400, "request line too long");
    }
    if (ec == bhttp::error::header_limit) {
      // The parser consumes the request line as soon as it is complete, so a header that
      // overflows before the request line was seen is a request line that is too long.
      if (parser_ && !parser_->saw_request_line()) return WriteError(400, "request line too long");
      return WriteError(431, "request header fields too large");
    }
    if (ec == bhttp::error::body_limit) return WriteError(413, "payload too large");
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
      return CloseNow();  // the client went away
    }
    if (&ec.category() == &error_code(bhttp::error::bad_target).category()) {
      return WriteError(400, "malformed request");
    }
    CloseNow();  // a socket error: nobody to answer
  }

  void Dispatch() {
    DisarmTimer();
    phase_ = Phase::kHandling;
    keep_alive_ = parser_->keep_alive();
    head_request_ = req_.method == "HEAD";
    version_ = req_.version;
    parser_.reset();

    response_.Clear();
    try {
      core_->handler(std::move(req_), Responder(shared_from_this()));
    } catch (const std::exception& e) {
      // The Responder, if the handler dropped it unanswered, answered 500 as it was destroyed.
      LogError(kComponent, std::string("request handler threw: ") + e.what());
    }
    if (RetainedBytes(req_, spare_headers_) > kMaxRetainedRequestBytes) {
      // Moving out takes the buffers (assigning an empty string would keep them).
      const Request released = std::move(req_);
      req_ = Request();
      HeaderList().swap(spare_headers_);
    }
  }

  friend class Inbox;

  void OnResponse() {
    if (phase_ != Phase::kHandling) return;  // closed meanwhile
    WriteResponse(!keep_alive_);
  }

  void WriteError(int status, std::string_view text) {
    if (phase_ == Phase::kClosed) return;
    keep_alive_ = false;
    head_request_ = false;
    version_ = 11;
    response_.Clear();
    response_.status = status;
    response_.content_type = "text/plain";
    response_.body.assign(text);
    response_.body.push_back('\n');
    WriteResponse(/*close=*/true);
  }

  // Writes response_, which stays untouched until the write is done.
  void WriteResponse(bool close) {
    Response& r = response_;
    if (r.status < 100 || r.status > 999) {
      LogError(kComponent, "handler answered with status " + std::to_string(r.status));
      r = Response(500, "text/plain", "internal error\n");
    }
    close = close || r.wants_close();
    const bool bodyless = r.status < 200 || r.status == 204 || r.status == 304;

    head_.clear();
    head_.append("HTTP/1.1 ");
    AppendNumber(&head_, static_cast<uint64_t>(r.status));
    head_.push_back(' ');
    const bhttp::status known = bhttp::int_to_status(static_cast<unsigned>(r.status));
    if (known != bhttp::status::unknown) {
      const beast::string_view reason = bhttp::obsolete_reason(known);
      head_.append(reason.data(), reason.size());
    }
    head_.append("\r\nServer: footfall\r\nDate: ");
    head_.append(CurrentHttpDate());
    head_.append("\r\n");
    if (!r.content_type.empty() && IsHeaderValueSafe(r.content_type)) {
      head_.append("Content-Type: ").append(r.content_type).append("\r\n");
    }
    head_.append(r.header_lines());
    if (!bodyless) {
      head_.append("Content-Length: ");
      AppendNumber(&head_, r.body.size());
      head_.append("\r\n");
    }
    if (close) {
      head_.append("Connection: close\r\n");
    } else if (version_ == 10) {
      head_.append("Connection: keep-alive\r\n");
    }
    head_.append("\r\n");
    const bool send_body = !head_request_ && !bodyless;

    phase_ = Phase::kWriting;
    ArmTimer(std::chrono::seconds(options_.write_timeout_seconds));
    const std::array<asio::const_buffer, 2> buffers = {
        asio::buffer(head_), send_body ? asio::buffer(r.body) : asio::const_buffer()};
    asio::async_write(socket_, buffers,
                      Bound([self = shared_from_this(), close](error_code ec, size_t) {
                        self->OnWritten(ec, close);
                      }));
  }

  void OnWritten(error_code ec, bool close) {
    if (phase_ != Phase::kWriting) return;
    if (ec) return CloseNow();
    DisarmTimer();
    if (close) return Linger();
    served_one_ = true;
    WaitForRequest();
  }

  void Linger() {
    phase_ = Phase::kLingering;
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseNow();
    ArmTimer(std::min(kLingerTime, std::chrono::seconds(options_.read_timeout_seconds)));
    buffer_.clear();
    drained_ = 0;
    DrainSome();
  }

  void DrainSome() {
    socket_.async_read_some(buffer_.prepare(kDrainChunk), [self = shared_from_this()](error_code ec,
                                                                                      size_t n) {
      if (self->phase_ != Phase::kLingering) return;
      self->drained_ += n;
      if (ec || self->drained_ > self->options_.hard_body_limit + self->options_.max_header_bytes) {
        return self->CloseNow();
      }
      self->DrainSome();
    });
  }

  void CloseNow() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    DisarmTimer();
    ++timer_generation_;
    timer_.cancel();
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  // One deadline per connection, kept in deadline_. Setting it costs no timer operation: the
  // timer wakes at least every timer_tick_ (the shortest of the timeouts), and re-arms itself
  // until the deadline has passed. Only a deadline sooner than the timer's expiry (the linger)
  // moves the timer itself. Re-arming and cancelling a timer on every request made the reactor
  // wake up (a system call and a posted completion each time).
  void ArmTimer(std::chrono::steady_clock::duration d) {
    deadline_ = std::chrono::steady_clock::now() + d;
    if (!timer_waiting_ || deadline_ < timer_.expiry()) StartTimer(deadline_);
  }

  void DisarmTimer() { deadline_ = std::chrono::steady_clock::time_point::max(); }

  // Re-arming invalidates the previous wait via the generation.
  void StartTimer(std::chrono::steady_clock::time_point at) {
    ++timer_generation_;
    timer_waiting_ = true;
    timer_.expires_at(at);
    timer_.async_wait(
        Bound([self = shared_from_this(), generation = timer_generation_](error_code ec) {
          if (generation != self->timer_generation_) return;
          self->timer_waiting_ = false;
          if (!ec) self->OnTimer();
        }));
  }

  void OnTimer() {
    if (phase_ == Phase::kClosed) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) return OnTimeout();
    // Disarmed (a request with the handler): the timer stops; the next ArmTimer starts it.
    if (deadline_ == std::chrono::steady_clock::time_point::max()) return;
    StartTimer(std::min(deadline_, now + timer_tick_));
  }

  void OnTimeout() {
    if (phase_ == Phase::kReading) {
      // Cancel the read; its handler answers 408.
      timed_out_ = true;
      error_code ec;
      socket_.cancel(ec);
      return;
    }
    CloseNow();  // idle, or a client that does not take its answer
  }

  // `handler` with memory_ as its associated allocator. Every operation holds the Session
  // (`self`) until its memory is given back, so memory_ outlives them all.
  template <class Handler>
  asio::allocator_binder<std::decay_t<Handler>, HandlerAllocator<void, SessionMemory>> Bound(
      Handler&& handler) {
    return asio::bind_allocator(HandlerAllocator<void, SessionMemory>(&memory_),
                                std::forward<Handler>(handler));
  }

  // Constant after construction.
  const std::shared_ptr<Core> core_;
  const ServerOptions& options_;
  const uint64_t id_;
  Inbox* const inbox_;

  SessionMemory memory_;
  tcp::socket socket_;
  const asio::any_io_executor executor_;  // the connection's loop
  asio::steady_timer timer_;
  const std::chrono::seconds timer_tick_;
  uint64_t timer_generation_ = 0;
  bool timer_waiting_ = false;  // an async_wait of timer_ is pending
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();

  beast::flat_buffer buffer_;  // reused for every request on this connection
  std::optional<RequestParser> parser_;
  Request req_;
  HeaderList spare_headers_;  // req_'s header pairs between requests, see RequestParser
  std::string peer_ip_;
  Response response_;  // to the request being handled, then being written; capacity reused
  std::string head_;   // response head being written; capacity reused

  Phase phase_ = Phase::kIdle;
  bool served_one_ = false;
  bool timed_out_ = false;
  bool keep_alive_ = false;
  bool head_request_ = false;
  int version_ = 11;
  size_t drained_ = 0;
};

void Inbox::Push(std::shared_ptr<Session> session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  waiting_.push_back(std::move(session));
  if (waiting_.size() == 1) {
    asio::post(loop_, asio::bind_allocator(HandlerAllocator<void, InboxMemory>(&memory_),
                                           [this] { Drain(); }));
  }
}

void Inbox::Close() {
  Waiting dropped;  // destroyed outside mu_: the last reference to a Session runs ~Session
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  dropped.swap(waiting_);
}

void Inbox::Drain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_.swap(waiting_);
  }
  for (auto& session : draining_) session->OnResponse();
  draining_.clear();
}

// Runs on the acceptor's strand, so session ids need no lock.
void StartSession(Core* core, Loop* loop, tcp::socket socket) {
  auto session = std::make_shared<Session>(core->shared_from_this(), std::move(socket),
                                           ++core->last_session_id, loop ? &loop->inbox : nullptr);
  {
    std::lock_guard<std::mutex> lock(core->mu);
    // A refused connection is closed as `session` goes out of scope, unanswered.
    if (core->stopped || core->sessions.size() >= core->options.max_connections) return;
    core->sessions.emplace(session->id(), session);
  }
  session->Start();
}

void Accept(Core* core);

void OnAccept(Core* core, Loop* loop, error_code ec, tcp::socket socket) {
  if (!core->acceptor.is_open()) return;
  if (ec) {
    // Usually EMFILE/ENFILE: back off instead of spinning, and say so once per streak.
    if (!core->accept_failing) {
      LogWarning(kComponent, "accept failed: " + ec.message() + "; retrying every 100 ms");
    }
    core->accept_failing = true;
    core->accept_retry.expires_after(std::chrono::milliseconds(100));
    core->accept_retry.async_wait([core](error_code wait_ec) {
      if (!wait_ec && core->acceptor.is_open()) Accept(core);
    });
    return;
  }
  core->accept_failing = false;
  StartSession(core, loop, std::move(socket));
  Accept(core);
}

void Accept(Core* core) {
  Loop* loop = core->NextLoop();
  const asio::any_io_executor executor =
      loop ? asio::any_io_executor(loop->context.get_executor())
           : asio::any_io_executor(asio::make_strand(core->loops[0]->context));
  core->acceptor.async_accept(executor, [core, loop](error_code ec, tcp::socket socket) {
    OnAccept(core, loop, ec, std::move(socket));
  });
}

// The exception boundary of the Asio layer: an exception escaping a completion handler is
// logged and the thread goes back to running the io_context.
void RunIoThread(asio::io_context* ioc) {
  NameThisThread("http-io");
  for (;;) {
    try {
      ioc->run();
      return;
    } catch (const std::exception& e) {
      LogError(kComponent, std::string("I/O thread caught an exception: ") + e.what());
    }
  }
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<Core> core;
  std::string host;
  uint16_t port = 0;

  std::mutex stop_mu;                // serialises Stop()
  bool stopped = false;              // guarded by stop_mu
  std::vector<std::thread> threads;  // guarded by stop_mu
};

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (!handler) return InvalidArgument("http server on " + where + ": no handler");
  if (options.max_request_line == 0 || options.max_header_bytes == 0 ||
      options.max_header_bytes > UINT32_MAX || options.soft_body_limit > options.hard_body_limit ||
      options.max_connections == 0) {
    return InvalidArgument("http server on " + where +
                           ": limits must be positive, header limit below 4 GiB and the soft "
                           "body limit not above the hard one");
  }
  if (options.read_timeout_seconds <= 0 || options.idle_timeout_seconds <= 0 ||
      options.write_timeout_seconds <= 0) {
    return InvalidArgument("http server on " + where + ": timeouts must be positive");
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  auto core = std::make_shared<Core>(std::move(options), std::move(handler), threads);
  const ServerOptions& o = core->options;
  error_code ec;
  tcp::endpoint endpoint;
  const asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, o.port);
  } else {
    tcp::resolver resolver(core->loops[0]->context);
    const auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || results.empty()) {
      return InvalidArgument("cannot resolve " + where + ": " +
                             (ec ? ec.message() : std::string("no address")));
    }
    endpoint = results.begin()->endpoint();
  }

  tcp::acceptor& acceptor = core->acceptor;
  auto fail = [&where](const char* step, const error_code& e) {
    return IoError(std::string("cannot listen on ") + where + ": " + step + ": " + e.message());
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open", ec);
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return fail("SO_REUSEADDR", ec);
  }
  if (acceptor.bind(endpoint, ec); ec) return fail("bind", ec);
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("listen", ec);
  }
  const tcp::endpoint local = acceptor.local_endpoint(ec);
  if (ec) return fail("getsockname", ec);

  auto impl = std::make_unique<Impl>();
  impl->core = core;
  impl->host = o.host;
  impl->port = local.port();
  asio::post(acceptor.get_executor(), [c = core.get()] { Accept(c); });
  impl->threads.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    impl->threads.emplace_back(RunIoThread,
                               &core->loops[static_cast<size_t>(i) % core->loops.size()]->context);
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  try {
    Stop();
  } catch (const std::exception& e) {
    LogError(kComponent, std::string("stopping the server failed: ") + e.what());
  }
}

uint16_t Server::port() const { return impl_->port; }

const std::string& Server::host() const { return impl_->host; }

void Server::Stop() {
  std::lock_guard<std::mutex> stop_lock(impl_->stop_mu);
  if (impl_->stopped) return;
  assert(
      std::none_of(impl_->threads.begin(), impl_->threads.end(),
                   [](const std::thread& t) { return t.get_id() == std::this_thread::get_id(); }) &&
      "Stop() called from an I/O thread");
  impl_->stopped = true;
  Core* core = impl_->core.get();

  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard<std::mutex> lock(core->mu);
    core->stopped = true;
    open.reserve(core->sessions.size());
    for (const auto& [id, weak] : core->sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  asio::post(core->acceptor.get_executor(), [core] {
    error_code ignored;
    core->acceptor.close(ignored);
    core->accept_retry.cancel();
  });
  for (auto& loop : core->loops) loop->inbox.Close();
  for (const auto& session : open) session->Shutdown();
  open.clear();  // outside core->mu: the last reference runs ~Session, which takes it

  // With the acceptor and every socket closed and nothing new posted, the io_context runs out
  // of work and run() returns in every thread.
  for (auto& guard : core->keep_running) guard.reset();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  // A handler queued after the threads ran out of work (a late Responder, a completion racing
  // the shutdown) would keep its connection — and through it the Core and this io_context —
  // alive forever. Run what is left once, here: every socket is closed, so each finishes.
  for (auto& loop : core->loops) {
    loop->context.restart();
    loop->context.poll();
  }
}

}  // namespace footfall::http
