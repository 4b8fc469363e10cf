#include "enrich/attribution.h"

#include "base/url.h"

namespace footfall::enrich {
namespace {

// A public suffix after a "name.*" pattern: one label ("de", "com"), or a short second-level
// label and a country code ("co.uk", "com.br").
bool LooksLikePublicSuffix(std::string_view s) {
  if (s.empty()) return false;
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos) return true;
  const std::string_view second = s.substr(dot + 1);
  return dot <= 3 && !second.empty() && second.find('.') == std::string_view::npos &&
         second.size() <= 3;
}

bool HostMatches(std::string_view host, std::string_view pattern) {
  if (!pattern.ends_with(".*")) return HostWithin(host, pattern);
  const std::string_view name = pattern.substr(0, pattern.size() - 2);
  for (size_t pos = host.find(name); pos != std::string_view::npos;
       pos = host.find(name, pos + 1)) {
    if (pos != 0 && host[pos - 1] != '.') continue;
    const size_t after = pos + name.size();
    if (after >= host.size() || host[after] != '.') continue;
    if (LooksLikePublicSuffix(host.substr(after + 1))) return true;
  }
  return false;
}

std::string QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    const size_t eq = piece.find('=');
    if (piece.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : PercentDecode(piece.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

bool HostWithin(std::string_view host, std::string_view domain) {
  if (domain.empty() || !host.ends_with(domain)) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

const std::vector<RefererEntry>& RefererTable::BuiltIn() {
  // Email first: webmail hosts sit under search engines' domains (mail.google.com).
  static const std::vector<RefererEntry> kTable = {
      {"email", "Gmail", {"mail.google.com", "inbox.google.com"}, {}},
      {"email", "Outlook.com", {"outlook.live.com", "mail.live.com", "outlook.office.com"}, {}},
      {"email", "Yahoo! Mail", {"mail.yahoo.com", "mail.yahoo.co.jp"}, {}},
      {"email", "AOL Mail", {"mail.aol.com"}, {}},
      {"email", "Proton Mail", {"mail.proton.me", "mail.protonmail.com"}, {}},
      {"email", "GMX", {"gmx.net", "gmx.de", "gmx.com"}, {}},
      {"email", "Web.de", {"web.de"}, {}},
      {"email", "Yandex Mail", {"mail.yandex.ru", "mail.yandex.com"}, {}},
      {"email", "Mail.ru", {"e.mail.ru"}, {}},
      {"email", "iCloud Mail", {"icloud.com"}, {}},
      {"social", "Facebook", {"facebook.com", "fb.me", "fb.com"}, {}},
      {"social", "Instagram", {"instagram.com"}, {}},
      {"social", "Twitter", {"twitter.com", "t.co", "x.com"}, {}},
      {"social", "LinkedIn", {"linkedin.com", "lnkd.in"}, {}},
      {"social", "Pinterest", {"pinterest.*", "pin.it"}, {}},
      {"social", "Reddit", {"reddit.com", "redd.it"}, {}},
      {"social", "YouTube", {"youtube.com", "youtu.be"}, {}},
      {"social", "TikTok", {"tiktok.com"}, {}},
      {"social", "Snapchat", {"snapchat.com"}, {}},
      {"social", "Tumblr", {"tumblr.com"}, {}},
      {"social", "VKontakte", {"vk.com"}, {}},
      {"social", "Threads", {"threads.net"}, {}},
      {"social", "WhatsApp", {"whatsapp.com", "wa.me"}, {}},
      {"social", "Telegram", {"t.me", "telegram.org"}, {}},
      {"social", "Xing", {"xing.com"}, {}},
      {"social", "Weibo", {"weibo.com"}, {}},
      {"search", "Google", {"google.*", "googleadservices.com"}, {"q", "query"}},
      {"search", "Bing", {"bing.com"}, {"q"}},
      {"search", "Yahoo!", {"search.yahoo.com", "yahoo.*"}, {"p", "q"}},
      {"search", "DuckDuckGo", {"duckduckgo.com"}, {"q"}},
      {"search", "Baidu", {"baidu.com"}, {"wd", "word", "kw"}},
      {"search", "Yandex", {"yandex.*", "ya.ru"}, {"text"}},
      {"search", "Ecosia", {"ecosia.org"}, {"q"}},
      {"search", "Qwant", {"qwant.com"}, {"q"}},
      {"search", "Startpage", {"startpage.com"}, {"query", "q"}},
      {"search", "Brave", {"search.brave.com"}, {"q"}},
      {"search", "Ask", {"ask.com"}, {"q"}},
      {"search", "AOL", {"search.aol.com"}, {"q", "query"}},
      {"search", "Seznam", {"search.seznam.cz", "seznam.cz"}, {"q"}},
      {"search", "Naver", {"naver.com"}, {"query"}},
      {"search", "Daum", {"search.daum.net"}, {"q"}},
      {"search", "Sogou", {"sogou.com"}, {"query"}},
      {"search", "So.com", {"so.com"}, {"q"}},
      {"search", "Kagi", {"kagi.com"}, {"q"}},
  };
  return kTable;
}

RefererTable::RefererTable(const std::vector<RefererEntry>& extra,
                           const std::vector<std::string>& internal_domains)
    : entries_(extra), internal_domains_(internal_domains) {
  entries_.insert(entries_.end(), BuiltIn().begin(), BuiltIn().end());
}

RefererClass RefererTable::Classify(std::string_view referer_host, std::string_view referer_query,
                                    std::string_view page_host) const {
  RefererClass c;
  if (referer_host.empty()) return c;
  if (referer_host == page_host) {
    c.medium = "internal";
    return c;
  }
  for (const std::string& d : internal_domains_) {
    if (HostWithin(referer_host, d)) {
      c.medium = "internal";
      return c;
    }
  }
  for (const RefererEntry& entry : entries_) {
    for (const std::string& host : entry.hosts) {
      if (!HostMatches(referer_host, host)) continue;
      c.medium = entry.medium;
      c.source = entry.source;
      for (const std::string& p : entry.term_params) {
        c.term = QueryParam(referer_query, p);
        if (!c.term.empty()) break;
      }
      return c;
    }
  }
  c.medium = "unknown";
  return c;
}

Campaign ExtractCampaign(std::string_view query) {
  Campaign c;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    const size_t eq = piece.find('=');
    const std::string_view name = piece.substr(0, eq);
    const std::string_view raw = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    std::string* to = nullptr;
    std::string_view network;
    if (name == "utm_medium") {
      to = &c.medium;
    } else if (name == "utm_source") {
      to = &c.source;
    } else if (name == "utm_term") {
      to = &c.term;
    } else if (name == "utm_content") {
      to = &c.content;
    } else if (name == "utm_campaign") {
      to = &c.campaign;
    } else if (name == "gclid") {
      network = "Google";
    } else if (name == "msclkid") {
      network = "Microsoft";
    } else if (name == "dclid") {
      network = "DoubleClick";
    }
    if (to != nullptr && to->empty()) *to = PercentDecode(raw);
    if (!network.empty() && c.clickid.empty() && !raw.empty()) {
      c.clickid = PercentDecode(raw);
      c.network = std::string(network);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return c;
}

}  // namespace footfall::enrich
