#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/test_client.h"

namespace footfall::http {
namespace {

ServerOptions TestOptions() {
  ServerOptions o = LoopbackServerOptions();
  o.max_request_line = 2048;
  o.max_header_bytes = 4096;
  o.soft_body_limit = 1000;
  o.hard_body_limit = 2000;
  return o;
}

std::unique_ptr<Server> StartOrDie(Handler handler, ServerOptions options = TestOptions()) {
  auto server = Server::Start(std::move(options), std::move(handler));
  if (!server.ok()) {
    ADD_FAILURE() << server.status().ToString();
    return nullptr;
  }
  return std::move(server).value();
}

TestClient ConnectOrDie(uint16_t port) {
  auto client = TestClient::Connect(port);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return std::move(client).value();
}

// Answers "<method> <path> <query>" and counts its calls.
struct EchoHandler {
  std::atomic<int>* calls;
  void operator()(Request&& req, Responder respond) const {
    calls->fetch_add(1);
    Response r;
    r.content_type = "text/plain";
    r.body = req.method + " " + req.path + " " + req.query;
    respond(std::move(r));
  }
};

TEST(ServerTest, PortZeroGivesARealPort) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->host(), "127.0.0.1");
}

TEST(ServerTest, BindErrorNamesHostAndPort) {
  std::atomic<int> calls{0};
  auto first = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(first, nullptr);
  ServerOptions o = TestOptions();
  o.port = first->port();
  auto second = Server::Start(o, EchoHandler{&calls});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kIoError);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(o.port)),
            std::string::npos);
}

TEST(ServerTest, GetRoundTripAndKeepAlive) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  for (int i = 0; i < 3; ++i) {
    const std::string target = "/i?n=" + std::to_string(i);
    ASSERT_TRUE(client.Send(MakeRequest("GET", target)).ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "GET /i n=" + std::to_string(i));
    ASSERT_NE(r->Header("Server"), nullptr);
    EXPECT_EQ(*r->Header("Server"), "footfall");
    ASSERT_NE(r->Header("Date"), nullptr);
    EXPECT_EQ(r->Header("Date")->size(), 29u);
    ASSERT_NE(r->Header("Content-Type"), nullptr);
    EXPECT_EQ(*r->Header("Content-Type"), "text/plain");
    EXPECT_EQ(r->Header("Connection"), nullptr);
  }
  EXPECT_EQ(calls.load(), 3);
}

TEST(ServerTest, RequestFieldsReachTheHandler) {
  std::mutex mu;
  std::optional<Request> seen;
  auto server = StartOrDie([&](Request&& req, Responder respond) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = std::move(req);
    }
    respond(Response{});
  });
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(
      client.Send(MakeRequest("POST", "/a/b?x=%20y", "X-One: 1\r\nx-two: 2\r\n", "{\"k\":\"v\"}"))
          .ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->method, "POST");
  EXPECT_EQ(seen->target, "/a/b?x=%20y");
  EXPECT_EQ(seen->path, "/a/b");
  EXPECT_EQ(seen->query, "x=%20y");
  EXPECT_EQ(seen->body, "{\"k\":\"v\"}");
  EXPECT_EQ(seen->peer_ip, "127.0.0.1");
  EXPECT_FALSE(seen->body_over_soft_limit);
  ASSERT_EQ(seen->headers.size(), 4u);  // Host, X-One, x-two, Content-Length
  EXPECT_EQ(seen->headers[2].first, "x-two");
  ASSERT_NE(seen->Header("X-TWO"), nullptr);
  EXPECT_EQ(*seen->Header("X-TWO"), "2");
  EXPECT_EQ(seen->Header("Missing"), nullptr);
}

// A connection's Request is reused from one request to the next: nothing of the first may show
// in the second, whether the handler moved it out or left it.
TEST(ServerTest, EachRequestOnAConnectionSeesOnlyItsOwnFields) {
  for (const bool handler_moves : {false, true}) {
    std::vector<Request> seen;
    auto server = StartOrDie([&](Request&& req, Responder respond) {
      seen.push_back(handler_moves ? std::move(req) : req);  // one connection: one thread
      respond(Response{});
    });
    ASSERT_NE(server, nullptr);
    TestClient client = ConnectOrDie(server->port());
    ASSERT_TRUE(client
                    .Send(MakeRequest("POST", "/first?a=1", "X-One: 1\r\nX-Two: 2\r\n",
                                      std::string(1500, 'b')))
                    .ok());
    ASSERT_TRUE(client.ReadResponse().ok());
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/second")).ok());
    ASSERT_TRUE(client.ReadResponse().ok());
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(seen[0].body_over_soft_limit);  // TestOptions(): soft limit 1000
    const Request& second = seen[1];
    EXPECT_EQ(second.method, "GET");
    EXPECT_EQ(second.target, "/second");
    EXPECT_EQ(second.path, "/second");
    EXPECT_EQ(second.query, "");
    EXPECT_EQ(second.body, "");
    EXPECT_FALSE(second.body_over_soft_limit);
    EXPECT_EQ(second.peer_ip, "127.0.0.1");
    ASSERT_EQ(second.headers.size(), 1u) << "handler moves: " << handler_moves;
    EXPECT_EQ(second.headers[0].first, "Host");
  }
}

// The reused Request does not keep what an unusually large request took.
TEST(ServerTest, ALargeRequestsMemoryIsNotKeptForTheNext) {
  ServerOptions options = TestOptions();
  options.soft_body_limit = 200000;
  options.hard_body_limit = 200000;
  std::vector<size_t> capacities;
  auto server = StartOrDie(
      [&](Request&& req, Responder respond) {
        capacities.push_back(req.body.capacity());  // one connection: one thread
        respond(Response{});
      },
      options);
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/big", "", std::string(100000, 'b'))).ok());
  ASSERT_TRUE(client.ReadResponse().ok());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/small")).ok());
  ASSERT_TRUE(client.ReadResponse().ok());
  ASSERT_EQ(capacities.size(), 2u);
  EXPECT_GE(capacities[0], 100000u);
  EXPECT_LT(capacities[1], 16384u);
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client
                  .Send(MakeRequest("GET", "/1") + MakeRequest("POST", "/2", "", "body") +
                        MakeRequest("GET", "/3?q"))
                  .ok());
  for (const char* expected : {"GET /1 ", "POST /2 ", "GET /3 q"}) {
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, expected);
  }
}

TEST(ServerTest, HeadHasContentLengthButNoBody) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/i")).ok());
  auto head = client.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  ASSERT_NE(head->Header("Content-Length"), nullptr);
  EXPECT_EQ(*head->Header("Content-Length"), std::to_string(std::string("HEAD /i ").size()));
  // Had the body been sent, this response would be read from its bytes.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/next")).ok());
  auto next = client.ReadResponse();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, "GET /next ");
}

TEST(ServerTest, ResponderCalledLaterFromAnotherThread) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Responder> parked;
  std::thread::id handler_thread;
  auto server = StartOrDie([&](Request&&, Responder respond) {
    std::lock_guard<std::mutex> lock(mu);
    parked = std::move(respond);
    handler_thread = std::this_thread::get_id();
    cv.notify_all();
  });
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/later")).ok());

  Responder respond;
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return parked.has_value(); }));
    respond = std::move(*parked);
  }
  EXPECT_NE(handler_thread, std::this_thread::get_id());

  std::thread worker([&] {
    Response& late = respond.response();
    late.status = 202;
    late.content_type = "text/plain";
    late.AddHeader("X-Late", "yes");
    late.body = "late";
    respond.Send();
  });
  worker.join();
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "late");
  ASSERT_NE(r->Header("X-Late"), nullptr);
}

// A burst of answers from one foreign thread (as the raw-log writer answers a group commit)
// reaches each connection with its own response.
TEST(ServerTest, ABurstOfLateResponsesReachesEachConnection) {
  constexpr int kClients = 8;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, Responder>> parked;
  auto server = StartOrDie([&](Request&& req, Responder respond) {
    std::lock_guard<std::mutex> lock(mu);
    parked.emplace_back(req.path, std::move(respond));
    cv.notify_all();
  });
  ASSERT_NE(server, nullptr);
  std::vector<TestClient> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(ConnectOrDie(server->port()));
    ASSERT_TRUE(clients.back().Send(MakeRequest("GET", "/c" + std::to_string(i))).ok());
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10),
                            [&] { return parked.size() == static_cast<size_t>(kClients); }));
  }
  std::thread writer([&] {
    for (auto& [path, respond] : parked) respond(Response(200, "text/plain", path));
  });
  writer.join();
  for (int i = 0; i < kClients; ++i) {
    auto r = clients[static_cast<size_t>(i)].ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "/c" + std::to_string(i));
  }
}

TEST(ServerTest, ConnectionsAreSpreadOverTheLoops) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  auto server = StartOrDie([&](Request&&, Responder respond) {
    {
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    respond(Response(200, "text/plain", "ok"));
  });
  ASSERT_NE(server, nullptr);
  std::vector<TestClient> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(ConnectOrDie(server->port()));
  for (TestClient& client : clients) {
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/")).ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(threads.size(), 2u);  // TestOptions() runs two I/O threads
}

// With blocking_handlers, a handler that blocks its thread leaves every other connection served
// (on its own loop, the connections that share the blocked thread's loop would wait).
TEST(ServerTest, ABlockingHandlerHoldsUpOnlyItsOwnConnection) {
  std::mutex mu;
  std::condition_variable cv;
  bool blocked = false, release = false;
  ServerOptions options = TestOptions();
  options.blocking_handlers = true;
  auto server = StartOrDie(
      [&](Request&& req, Responder respond) {
        if (req.path == "/slow") {
          std::unique_lock<std::mutex> lock(mu);
          blocked = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
        }
        respond(Response(200, "text/plain", req.path));
      },
      options);
  ASSERT_NE(server, nullptr);
  const std::function<void()> unblock = [&] {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
    cv.notify_all();
  };
  // Unblocks the handler before the server stops, however the test ends.
  struct OnExit {
    const std::function<void()>& run;
    ~OnExit() { run(); }
  } on_exit{unblock};
  TestClient slow = ConnectOrDie(server->port());
  ASSERT_TRUE(slow.Send(MakeRequest("GET", "/slow")).ok());
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return blocked; }));
  }
  for (int i = 0; i < 4; ++i) {
    TestClient fast = ConnectOrDie(server->port());
    ASSERT_TRUE(fast.Send(MakeRequest("GET", "/fast")).ok());
    auto r = fast.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "/fast");
  }
  unblock();
  auto r = slow.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "/slow");
}

TEST(ServerTest, DroppedResponderAnswers500) {
  auto server = StartOrDie([](Request&&, Responder) {});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
}

TEST(ServerTest, AHandlerThatAsksToCloseGetsTheConnectionClosed) {
  auto server = StartOrDie([](Request&&, Responder respond) {
    Response& r = respond.response();
    r.AddHeader("Connection", "keep-alive, close");
    r.body = "bye";
    respond.Send();
  });
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "bye");
  ASSERT_NE(r->Header("Connection"), nullptr);
  EXPECT_EQ(*r->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(5000));
}

TEST(ServerTest, HeadersWithLineBreaksAreNotSent) {
  auto server = StartOrDie([](Request&&, Responder respond) {
    Response r;
    r.AddHeader("X-Evil", "a\r\nSet-Cookie: x=1");
    r.AddHeader("Bad Name", "x");
    r.AddHeader("Content-Length", "5");
    r.AddHeader("X-Good", "ok");
    respond(std::move(r));
  });
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Header("X-Evil"), nullptr);
  EXPECT_EQ(r->Header("Set-Cookie"), nullptr);
  EXPECT_NE(r->Header("X-Good"), nullptr);
  EXPECT_EQ(r->Header("Content-Type"), nullptr);
}

TEST(ServerTest, RequestLineOverLimitIs400) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  // Over max_request_line but within the header limit, and over both.
  for (size_t length : {3000u, 10000u}) {
    TestClient client = ConnectOrDie(server->port());
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/i?x=" + std::string(length, 'a'))).ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 400);
    EXPECT_TRUE(client.WaitForClose(5000));
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, HeadersOverLimitAre431) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(
      client.Send(MakeRequest("GET", "/i", "X-Big: " + std::string(5000, 'b') + "\r\n")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  ASSERT_NE(r->Header("Connection"), nullptr);
  EXPECT_EQ(*r->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(5000));
  EXPECT_EQ(calls.load(), 0);
}

// Many small fields over the limit, arriving in pieces: each piece alone is under the limit,
// so the limit has to count the whole header, not what is left to parse.
TEST(ServerTest, HeadersOverLimitInPiecesAre431) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  std::string fields;
  for (int i = 0; i < 30; ++i)
    fields += "X-F" + std::to_string(i) + ": " + std::string(200, 'f') + "\r\n";
  const std::string request = MakeRequest("GET", "/i", fields);  // over 6 KB of fields
  const size_t piece = 2500;
  for (size_t at = 0; at < request.size(); at += piece) {
    ASSERT_TRUE(client.Send(request.substr(at, piece)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, BodyOverHardLimitIs413WithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  {
    // Declared length: refused as soon as the header is read.
    TestClient client = ConnectOrDie(server->port());
    ASSERT_TRUE(client.Send("POST /tp2 HTTP/1.1\r\nHost: t\r\nContent-Length: 2001\r\n\r\n").ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(client.WaitForClose(5000));
  }
  {
    // Chunked: refused once the chunks add up to more than the limit.
    TestClient client = ConnectOrDie(server->port());
    std::string request = "POST /tp2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) request += "3e8\r\n" + std::string(1000, 'c') + "\r\n";
    request += "0\r\n\r\n";
    ASSERT_TRUE(client.Send(request).ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, BodyOverSoftLimitReachesTheHandlerFlagged) {
  std::atomic<bool> flagged{false};
  std::atomic<size_t> size{0};
  auto server = StartOrDie([&](Request&& req, Responder respond) {
    flagged = req.body_over_soft_limit;
    size = req.body.size();
    respond(Response{});
  });
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/tp2", "", std::string(1500, 'x'))).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(flagged.load());
  EXPECT_EQ(size.load(), 1500u);
}

TEST(ServerTest, ExpectContinueGets100ThenTheAnswer) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(
      client
          .Send(
              "POST /tp2 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
          .ok());
  auto interim = client.ReadResponse();
  ASSERT_TRUE(interim.ok()) << interim.status().ToString();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.Send("data").ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "POST /tp2 ");
}

TEST(ServerTest, MalformedRequestIs400AndServerKeepsServing) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  {
    TestClient client = ConnectOrDie(server->port());
    ASSERT_TRUE(client.Send("THIS IS NOT HTTP\r\n\r\n").ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 400);
    EXPECT_TRUE(client.WaitForClose(5000));
  }
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/ok")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST(ServerTest, ConnectionCloseIsHonoured) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/", "Connection: close\r\n")).ok());
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_NE(r->Header("Connection"), nullptr);
  EXPECT_EQ(*r->Header("Connection"), "close");
  EXPECT_TRUE(client.WaitForClose(5000));
}

TEST(ServerTest, Http10ClosesUnlessKeepAliveAsked) {
  std::atomic<int> calls{0};
  auto server = StartOrDie(EchoHandler{&calls});
  ASSERT_NE(server, nullptr);
  {
    TestClient client = ConnectOrDie(server->port());
    ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\n\r\n").ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->body, "GET /old ");
    EXPECT_TRUE(client.WaitForClose(5000));
  }
  TestClient client = ConnectOrDie(server->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.Send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").ok());
    auto r = client.ReadResponse();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_NE(r->Header("Connection"), nullptr);
    EXPECT_EQ(*r->Header("Connection"), "keep-alive");
  }
}

TEST(ServerTest, ReadTimeoutDropsASlowClient) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.read_timeout_seconds = 1;
  auto server = StartOrDie(EchoHandler{&calls}, options);
  ASSERT_NE(server, nullptr);
  TestClient client = ConnectOrDie(server->port());
  ASSERT_TRUE(client.Send("GET /i HTTP/1.1\r\nHost: t\r\nX-Half").ok());
  const auto start = std::chrono::steady_clock::now();
  auto r = client.ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(client.WaitForClose(5000));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(calls.load(), 0);
}

TEST(ServerTest, ConnectionsBeyondTheLimitAreClosed) {
  std::atomic<int> calls{0};
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  auto server = StartOrDie(EchoHandler{&calls}, options);
  ASSERT_NE(server, nullptr);
  TestClient first = ConnectOrDie(server->port());
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/")).ok());
  ASSERT_TRUE(first.ReadResponse().ok());  // the first connection is registered by now
  TestClient second = ConnectOrDie(server->port());
  EXPECT_TRUE(second.WaitForClose(5000));
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/")).ok());
  EXPECT_TRUE(first.ReadResponse().ok());
}

TEST(ServerTest, StopWithIdleConnectionsReturnsPromptly) {
  std::atomic<int> calls{0};
  std::optional<Responder> parked;
  std::mutex mu;
  std::condition_variable cv;
  auto server = StartOrDie([&](Request&& req, Responder respond) {
    if (req.path == "/park") {
      std::lock_guard<std::mutex> lock(mu);
      parked = std::move(respond);
      cv.notify_all();
      return;
    }
    EchoHandler{&calls}(std::move(req), std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  TestClient served = ConnectOrDie(server->port());
  ASSERT_TRUE(served.Send(MakeRequest("GET", "/")).ok());
  ASSERT_TRUE(served.ReadResponse().ok());
  TestClient silent = ConnectOrDie(server->port());
  TestClient waiting = ConnectOrDie(server->port());
  ASSERT_TRUE(waiting.Send(MakeRequest("GET", "/park")).ok());
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return parked.has_value(); }));
  }

  const auto start = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(served.WaitForClose(5000));
  EXPECT_TRUE(silent.WaitForClose(5000));
  EXPECT_TRUE(waiting.WaitForClose(5000));
  (*parked)(Response{});  // after Stop: a no-op, not a crash
  server->Stop();         // idempotent
  server.reset();
  parked.reset();  // the last reference to the stopped server's state
}

}  // namespace
}  // namespace footfall::http
