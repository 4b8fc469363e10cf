#include "serving/dashboard.h"

#include <gtest/gtest.h>

#include <string>

namespace footfall::serving {
namespace {

http::Request Get(std::string path, http::HeaderList headers = {}) {
  http::Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.target = r.path;
  r.headers = std::move(headers);
  return r;
}

Dashboard Sample() {
  return Dashboard({
      {"/", "text/html; charset=utf-8", "\"page1\"", false, "<html>page</html>", "GZPAGE"},
      {"/assets/app-abc.js", "text/javascript; charset=utf-8", "\"abc\"", true, "js()", ""},
  });
}

TEST(Dashboard, ServesThePageRevalidatedWithItsEtagAndPolicy) {
  const http::Response r = Sample().Handle(Get("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<html>page</html>");
  ASSERT_TRUE(r.Header("ETag"));
  EXPECT_EQ(*r.Header("ETag"), "\"page1\"");
  EXPECT_EQ(*r.Header("Cache-Control"), "no-cache");
  EXPECT_EQ(*r.Header("X-Content-Type-Options"), "nosniff");
  ASSERT_TRUE(r.Header("Content-Security-Policy"));
  EXPECT_NE(r.Header("Content-Security-Policy")->find("script-src 'self'"), std::string::npos);
  EXPECT_FALSE(r.Header("Content-Encoding"));
  EXPECT_EQ(Sample().Handle(Get("/index.html")).body, r.body);
}

TEST(Dashboard, HashedAssetsAreCachedForGood) {
  const http::Response r = Sample().Handle(Get("/assets/app-abc.js"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.body, "js()");
  EXPECT_EQ(*r.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_FALSE(r.Header("Content-Security-Policy"));
  // Nothing compressed: gzip is not offered even when accepted.
  const http::Response plain =
      Sample().Handle(Get("/assets/app-abc.js", {{"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(plain.body, "js()");
  EXPECT_FALSE(plain.Header("Content-Encoding"));
  EXPECT_FALSE(plain.Header("Vary"));
}

TEST(Dashboard, AnswersNotModifiedToAMatchingEtag) {
  for (const char* tag : {"\"page1\"", "W/\"page1\"", "\"old\", \"page1\"", "*"}) {
    const http::Response r = Sample().Handle(Get("/", {{"if-none-match", tag}}));
    EXPECT_EQ(r.status, 304) << tag;
    EXPECT_TRUE(r.body.empty()) << tag;
    EXPECT_EQ(*r.Header("ETag"), "\"page1\"") << tag;
  }
  EXPECT_EQ(Sample().Handle(Get("/", {{"If-None-Match", "\"page2\""}})).status, 200);
  EXPECT_EQ(Sample().Handle(Get("/", {{"If-None-Match", "\"page10\""}})).status, 200);
}

TEST(Dashboard, GzipOnlyWhenTheClientAcceptsIt) {
  const auto encoded = [](std::string accept) {
    const http::Response r = Sample().Handle(Get("/", {{"Accept-Encoding", std::move(accept)}}));
    EXPECT_EQ(*r.Header("Vary"), "Accept-Encoding");
    const bool gzip = r.Header("Content-Encoding").has_value();
    EXPECT_EQ(r.body, gzip ? "GZPAGE" : "<html>page</html>");
    return gzip;
  };
  EXPECT_TRUE(encoded("gzip, deflate, br"));
  EXPECT_TRUE(encoded("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(encoded("*"));
  EXPECT_FALSE(encoded("br, deflate"));
  EXPECT_FALSE(encoded("gzip;q=0"));
  EXPECT_FALSE(encoded("gzip;q=0.000, *"));
  EXPECT_FALSE(encoded("identity"));
  EXPECT_FALSE(encoded("gzipx"));
  EXPECT_FALSE(Sample().Handle(Get("/")).Header("Content-Encoding"));
}

TEST(Dashboard, UnknownPathsAndMethods) {
  const http::Response missing = Sample().Handle(Get("/assets/app-old.js"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/assets/app-old.js"), std::string::npos);
  EXPECT_EQ(Sample().Handle(Get("/api")).status, 404);

  http::Request post = Get("/");
  post.method = "POST";
  const http::Response r = Sample().Handle(post);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*r.Header("Allow"), "GET, HEAD");

  http::Request head = Get("/assets/app-abc.js");
  head.method = "HEAD";
  EXPECT_EQ(Sample().Handle(head).status, 200);  // the server leaves the body out
}

// The bundle compiled into this binary: a page that loads a script and a stylesheet that are
// all there, each with a type, a validator and, when compressed, a gzip stream.
TEST(Dashboard, EmbeddedBundleIsComplete) {
  const Dashboard& d = Dashboard::Embedded();
  const http::Response page = d.Handle(Get("/"));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>footfall</title>"), std::string::npos);
  int entry_scripts = 0, styles = 0;
  bool charts = false;
  for (const DashboardAsset& a : d.assets()) {
    SCOPED_TRACE(std::string(a.path));
    EXPECT_FALSE(a.body.empty());
    EXPECT_FALSE(a.content_type.empty());
    EXPECT_GE(a.etag.size(), 3u);
    EXPECT_EQ(a.etag.front(), '"');
    if (!a.gzip_body.empty()) {
      ASSERT_GE(a.gzip_body.size(), 2u);
      EXPECT_EQ(static_cast<unsigned char>(a.gzip_body[0]), 0x1f);
      EXPECT_EQ(static_cast<unsigned char>(a.gzip_body[1]), 0x8b);
      EXPECT_LT(a.gzip_body.size(), a.body.size());
    }
    if (a.path == "/") continue;
    EXPECT_TRUE(a.immutable);
    EXPECT_TRUE(a.path.starts_with("/assets/"));
    // Every asset is referenced by the page, or (a chunk) by a script: nothing unreachable.
    const std::string name(a.path.substr(a.path.rfind('/') + 1));
    bool referenced = page.body.find(std::string(a.path)) != std::string::npos;
    for (const DashboardAsset& other : d.assets()) {
      if (other.path.ends_with(".js") &&
          other.body.find("\"./" + name + "\"") != std::string::npos) {
        referenced = true;
      }
    }
    EXPECT_TRUE(referenced);
    if (a.path.ends_with(".js")) {
      EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8");
      if (a.path.starts_with("/assets/app-")) ++entry_scripts;
      if (a.body.find("echarts") != std::string_view::npos) charts = true;
    }
    if (a.path.ends_with(".css")) {
      ++styles;
      EXPECT_EQ(a.content_type, "text/css; charset=utf-8");
    }
    EXPECT_EQ(d.Handle(Get(std::string(a.path))).status, 200);
  }
  EXPECT_EQ(entry_scripts, 1);
  EXPECT_EQ(styles, 1);
  EXPECT_TRUE(charts) << "no script holds ECharts";
}

}  // namespace
}  // namespace footfall::serving
