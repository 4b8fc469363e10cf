#include "enrich/attribution.h"

#include <gtest/gtest.h>

namespace footfall::enrich {
namespace {

RefererClass Classify(std::string_view host, std::string_view query = "",
                      std::string_view page_host = "shop.example") {
  static const RefererTable table({}, {});
  return table.Classify(host, query, page_host);
}

TEST(Referer, SearchEnginesWithTheirTermParameter) {
  RefererClass c = Classify("www.google.co.uk", "hl=en&q=red+dress%21");
  EXPECT_EQ(c.medium, "search");
  EXPECT_EQ(c.source, "Google");
  EXPECT_EQ(c.term, "red dress!");
  EXPECT_EQ(Classify("www.google.com").source, "Google");
  EXPECT_EQ(Classify("google.de").source, "Google");
  EXPECT_EQ(Classify("www.bing.com", "q=shoes").term, "shoes");
  EXPECT_EQ(Classify("search.yahoo.com", "p=hat").term, "hat");
  EXPECT_EQ(Classify("yandex.ru", "text=boots").term, "boots");
  EXPECT_EQ(Classify("www.baidu.com", "wd=x").source, "Baidu");
  EXPECT_EQ(Classify("duckduckgo.com").term, "");
}

TEST(Referer, EmailAndSocial) {
  EXPECT_EQ(Classify("mail.google.com").medium, "email") << "webmail beats the search engine";
  EXPECT_EQ(Classify("mail.google.com").source, "Gmail");
  EXPECT_EQ(Classify("outlook.live.com").source, "Outlook.com");
  EXPECT_EQ(Classify("l.facebook.com").medium, "social");
  EXPECT_EQ(Classify("l.facebook.com").source, "Facebook");
  EXPECT_EQ(Classify("t.co").source, "Twitter");
  EXPECT_EQ(Classify("www.pinterest.co.uk").source, "Pinterest");
}

TEST(Referer, InternalUnknownAndLookalikes) {
  EXPECT_EQ(Classify("shop.example").medium, "internal");
  EXPECT_EQ(Classify("shop.example").source, "");
  EXPECT_EQ(Classify("blog.example.org").medium, "unknown");
  EXPECT_EQ(Classify("notfacebook.com").medium, "unknown") << "a suffix must start at a dot";
  EXPECT_EQ(Classify("google.evil.example.com").medium, "unknown");
  EXPECT_EQ(Classify("").medium, "");
}

TEST(Referer, ConfiguredEntriesAndInternalDomainsComeFirst) {
  const RefererTable table({{"paid", "Acme Ads", {"ads.acme.test"}, {"kw"}},
                            {"social", "Own Forum", {"google.com"}, {}}},
                           {"example.net"});
  RefererClass c = table.Classify("ads.acme.test", "kw=linen", "shop.example");
  EXPECT_EQ(c.medium, "paid");
  EXPECT_EQ(c.source, "Acme Ads");
  EXPECT_EQ(c.term, "linen");
  EXPECT_EQ(table.Classify("www.google.com", "", "shop.example").source, "Own Forum");
  EXPECT_EQ(table.Classify("checkout.example.net", "", "shop.example").medium, "internal");
}

TEST(Campaign, UtmParametersAndClickIds) {
  Campaign c = ExtractCampaign(
      "utm_source=news%20letter&utm_medium=email&utm_campaign=spring&utm_term=linen+dress&"
      "utm_content=hero&gclid=abc123&msclkid=zzz");
  EXPECT_EQ(c.source, "news letter");
  EXPECT_EQ(c.medium, "email");
  EXPECT_EQ(c.campaign, "spring");
  EXPECT_EQ(c.term, "linen dress");
  EXPECT_EQ(c.content, "hero");
  EXPECT_EQ(c.clickid, "abc123") << "the first click id wins";
  EXPECT_EQ(c.network, "Google");
  EXPECT_EQ(ExtractCampaign("msclkid=m1").network, "Microsoft");
  EXPECT_EQ(ExtractCampaign("dclid=d1").network, "DoubleClick");
  EXPECT_EQ(ExtractCampaign("dclid=d1").clickid, "d1");
  const Campaign none = ExtractCampaign("c=red&gclid=");
  EXPECT_EQ(none.clickid, "");
  EXPECT_EQ(none.network, "");
  EXPECT_EQ(none.source, "");
}

TEST(HostWithin, SubdomainsOnly) {
  EXPECT_TRUE(HostWithin("a.b.example", "b.example"));
  EXPECT_TRUE(HostWithin("b.example", "b.example"));
  EXPECT_FALSE(HostWithin("ab.example", "b.example"));
  EXPECT_FALSE(HostWithin("b.example", ""));
}

}  // namespace
}  // namespace footfall::enrich
