#include "enrich/ua_parser.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>

#include "base/files.h"

namespace footfall::enrich {
namespace ua_internal {

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

// One entry of a regexes.yaml section: the compiled regex and its replacement templates, by
// output field in the order of SectionSpec::replacement_keys.
struct Rule {
  std::unique_ptr<pcre2_code, CodeFree> code;
  std::array<std::optional<std::string>, 5> replacements;
  // Prefilter: the regex can match only a subject that holds, for each element, one of its
  // literals; a literal is given as the hashes of its case-folded trigrams.
  std::vector<std::vector<std::vector<uint16_t>>> required;
};

struct CacheShard {
  // Shared so that a hit copies the 13 fields after releasing the mutex, not while holding it.
  using Entry = std::pair<std::string, std::shared_ptr<const UserAgent>>;

  std::mutex mu;
  // Most recently used first. The keys of `index` view the strings owned by `lru`'s nodes,
  // which stay put when nodes are spliced.
  std::list<Entry> lru;                                                    // guarded by mu
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // guarded by mu
  uint64_t hits = 0;                                                       // guarded by mu
  uint64_t misses = 0;                                                     // guarded by mu
};

}  // namespace ua_internal

namespace {

using ua_internal::CacheShard;
using ua_internal::Rule;

struct SectionSpec {
  const char* name;
  // Keys of the replacement templates, by output field; empty where the section has fewer.
  std::array<const char*, 5> replacement_keys;
};

constexpr SectionSpec kUaSection = {
    "user_agent_parsers",
    {"family_replacement", "v1_replacement", "v2_replacement", "v3_replacement", "v4_replacement"}};
constexpr SectionSpec kOsSection = {"os_parsers",
                                    {"os_replacement", "os_v1_replacement", "os_v2_replacement",
                                     "os_v3_replacement", "os_v4_replacement"}};
constexpr SectionSpec kDeviceSection = {
    "device_parsers", {"device_replacement", "brand_replacement", "model_replacement", "", ""}};

// A literal shorter than a trigram cannot be checked against the trigram set.
constexpr size_t kMinLiteral = 3;

unsigned char FoldCase(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Finds literals that every match of a regex must contain, so that a parse can skip the regexes
// whose literals are absent from the user agent: unanchored searches of ~1,200 regexes are
// almost all of a parse, and most uap-core regexes name a product or a token ("Firefox",
// " Build", a list of brands). The model is deliberately small — sequences, groups, alternation,
// classes, the escapes and quantifiers uap-core uses — and any other syntax makes it give up for
// that regex, which then always runs. It may only under-approximate: a literal reported here
// must really be required, otherwise a regex that matches would be skipped.
class RequiredLiterals {
 public:
  using AnyOf = std::vector<std::string>;  // at least one of these occurs
  using AllOf = std::vector<AnyOf>;        // each of these holds

  // Requirements that every subject `pattern` matches (case-sensitively or not) meets, with
  // literals ASCII case folded and each at least kMinLiteral bytes; empty when none is known.
  static AllOf Of(std::string_view pattern) {
    RequiredLiterals parser(pattern);
    std::vector<AllOf> alternatives;
    if (!parser.ParseAlternatives(&alternatives) || parser.i_ != pattern.size()) return {};
    if (alternatives.size() > 1) {
      std::optional<AnyOf> any = Either(alternatives);
      return any ? AllOf{std::move(*any)} : AllOf{};
    }
    AllOf out;
    for (AnyOf& any : alternatives[0]) {
      if (Shortest(any) >= kMinLiteral) out.push_back(std::move(any));
    }
    return out;
  }

 private:
  explicit RequiredLiterals(std::string_view pattern) : p_(pattern) {}

  static bool IsOneOf(char c, std::string_view set) { return set.find(c) != set.npos; }

  static size_t Shortest(const AnyOf& any) {
    size_t shortest = any.empty() ? 0 : SIZE_MAX;
    for (const std::string& s : any) shortest = std::min(shortest, s.size());
    return shortest;
  }

  // The requirement of `all` whose shortest literal is longest, when that is long enough.
  static std::optional<AnyOf> Best(const AllOf& all) {
    const AnyOf* best = nullptr;
    for (const AnyOf& any : all) {
      if (Shortest(any) >= kMinLiteral && (best == nullptr || Shortest(any) > Shortest(*best))) {
        best = &any;
      }
    }
    if (best == nullptr) return std::nullopt;
    return *best;
  }

  // A requirement of the alternation of `alternatives`: a literal from each.
  static std::optional<AnyOf> Either(const std::vector<AllOf>& alternatives) {
    AnyOf out;
    for (const AllOf& all : alternatives) {
      std::optional<AnyOf> best = Best(all);
      if (!best) return std::nullopt;
      out.insert(out.end(), best->begin(), best->end());
    }
    return out;
  }

  // A class whose members are one letter in both cases ("[Bb]", as uap-core spells
  // case-insensitive words) or one character: that character, folded.
  std::optional<char> ClassLiteral() const {
    std::optional<unsigned char> folded;
    size_t j = i_ + 1;
    for (; j < p_.size() && p_[j] != ']'; ++j) {
      if (IsOneOf(p_[j], "\\-^[")) return std::nullopt;
      const unsigned char f = FoldCase(p_[j]);
      if (folded && *folded != f) return std::nullopt;
      folded = f;
    }
    if (j >= p_.size() || !folded) return std::nullopt;
    return static_cast<char>(*folded);
  }

  // Skips a character class; false when it is not closed.
  bool SkipClass() {
    size_t j = i_ + 1;
    if (j < p_.size() && p_[j] == '^') ++j;
    if (j < p_.size() && p_[j] == ']') ++j;  // a leading ']' is a member
    while (j < p_.size() && p_[j] != ']') {
      if (p_[j] == '\\') {
        ++j;
      } else if (p_.substr(j, 2) == "[:") {
        const size_t end = p_.find(":]", j + 2);
        if (end == p_.npos) return false;
        j = end + 1;
      }
      ++j;
    }
    if (j >= p_.size()) return false;
    i_ = j + 1;
    return true;
  }

  // Parses a quantifier if one follows; false on one this model does not read.
  bool ParseQuantifier(size_t* min_repeat, bool* quantified) {
    *min_repeat = 1;
    *quantified = false;
    if (i_ >= p_.size() || !IsOneOf(p_[i_], "?*+{")) return true;
    const char q = p_[i_++];
    if (q == '{') {
      size_t digits = 0, min = 0;
      while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
        min = min * 10 + (p_[i_++] - '0');
        ++digits;
      }
      if (digits == 0 || digits > 6) return false;
      if (i_ < p_.size() && p_[i_] == ',') {
        ++i_;
        while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') ++i_;
      }
      if (i_ >= p_.size() || p_[i_] != '}') return false;
      ++i_;
      *min_repeat = min;
    } else {
      *min_repeat = q == '+' ? 1 : 0;
    }
    *quantified = true;
    if (i_ < p_.size() && IsOneOf(p_[i_], "?+")) ++i_;  // lazy or possessive
    return true;
  }

  // Parses alternatives up to an unmatched ')' or the end, each as the requirements of its
  // sequence of atoms. Consecutive mandatory literal characters form one literal.
  bool ParseAlternatives(std::vector<AllOf>* alternatives) {
    AllOf items;
    std::string run;
    const auto flush = [&] {
      if (!run.empty()) items.push_back({std::move(run)});
      run.clear();
    };
    while (i_ < p_.size() && p_[i_] != ')') {
      const char c = p_[i_];
      if (c == '|') {
        flush();
        alternatives->push_back(std::move(items));
        items.clear();
        ++i_;
        continue;
      }
      std::optional<char> literal;
      AllOf atom;  // what a non-literal atom requires
      if (c == '\\') {
        if (i_ + 1 >= p_.size()) return false;
        const char e = p_[i_ + 1];
        const bool alnum =
            (e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z');
        if (!alnum) {
          literal = e;
        } else if (!IsOneOf(e, "dDwWsSbBhHvV")) {
          return false;  // \x.., \p{..}, back references: not modelled
        }
        i_ += 2;
      } else if (c == '(') {
        ++i_;
        if (p_.substr(i_, 2) == "?:") {
          i_ += 2;
        } else if (i_ < p_.size() && p_[i_] == '?') {
          return false;  // lookaround, inline options, named groups: not modelled
        }
        std::vector<AllOf> inner;
        if (!ParseAlternatives(&inner) || i_ >= p_.size() || p_[i_] != ')') return false;
        ++i_;
        if (inner.size() == 1) {
          atom = std::move(inner[0]);
        } else if (std::optional<AnyOf> any = Either(inner)) {
          atom.push_back(std::move(*any));
        }
      } else if (c == '[') {
        literal = ClassLiteral();
        if (!SkipClass()) return false;
      } else if (IsOneOf(c, ".^$") || static_cast<unsigned char>(c) >= 0x80) {
        // A byte outside ASCII is no literal: the prefilter folds only ASCII case, and PCRE2's
        // caseless matching need not agree with that beyond it.
        ++i_;
      } else if (IsOneOf(c, "?*+{")) {
        return false;  // a quantifier with nothing before it
      } else {
        literal = c;
        ++i_;
      }
      size_t min_repeat;
      bool quantified;
      if (!ParseQuantifier(&min_repeat, &quantified)) return false;
      if (literal && min_repeat > 0) {
        run += static_cast<char>(FoldCase(*literal));
        // A repeated character ends the literal: what follows need not be adjacent to it.
        if (quantified) flush();
      } else {
        flush();
        if (min_repeat > 0) {
          for (AnyOf& any : atom) items.push_back(std::move(any));
        }
      }
    }
    flush();
    alternatives->push_back(std::move(items));
    return true;
  }

  std::string_view p_;
  size_t i_ = 0;
};

// A 16-bit hash of the case-folded trigram starting at `s`.
uint16_t TrigramHash(const char* s) {
  const uint32_t x = FoldCase(s[0]) | FoldCase(s[1]) << 8 | FoldCase(s[2]) << 16;
  return static_cast<uint16_t>((x * 0x9E3779B1u) >> 16);
}

std::vector<uint16_t> TrigramsOf(const std::string& literal) {
  std::vector<uint16_t> out;
  for (size_t k = 0; k + kMinLiteral <= literal.size(); ++k)
    out.push_back(TrigramHash(&literal[k]));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Sizes of the per-thread JIT stack. uap-core's regexes fit the default 32 KiB today (its test
// suites and 16 KiB adversarial user agents raise no error), but running out reports
// PCRE2_ERROR_JIT_STACKLIMIT, which counts as no match and would quietly hand the user agent to
// a later regex; the headroom costs only address space until it is used.
constexpr size_t kJitStackStart = 32 * 1024;
constexpr size_t kJitStackMax = 1024 * 1024;

// PCRE2 state that a match writes to, one per thread, so that threads never share it and no
// regex tried allocates. Grows when a parser with more capture groups uses it.
class MatchScratch {
 public:
  MatchScratch() = default;
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
  ~MatchScratch() {
    pcre2_match_data_free(data_);
    pcre2_match_context_free(context_);
    pcre2_jit_stack_free(jit_stack_);
  }

  // Prepares match data with room for `captures` groups plus the whole match.
  void Reserve(uint32_t captures) {
    if (context_ == nullptr) {
      context_ = pcre2_match_context_create(nullptr);
      jit_stack_ = pcre2_jit_stack_create(kJitStackStart, kJitStackMax, nullptr);
      if (context_ == nullptr || jit_stack_ == nullptr) throw std::bad_alloc();
      pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
    }
    if (data_ == nullptr || pairs_ < captures + 1) {
      pcre2_match_data_free(data_);
      data_ = pcre2_match_data_create(captures + 1, nullptr);
      if (data_ == nullptr) throw std::bad_alloc();
      pairs_ = captures + 1;
    }
  }

  pcre2_match_data* data() const { return data_; }
  pcre2_match_context* context() const { return context_; }

  // Adds the trigrams of `subject` to the set; Unmark() with the same subject empties it again
  // (cheaper than clearing all 8 KiB for a user agent of a few hundred bytes).
  void Mark(std::string_view subject) { SetTrigrams(subject, true); }
  void Unmark(std::string_view subject) { SetTrigrams(subject, false); }

  // Whether `rule` can match the marked subject. A hash collision only lets a regex run that
  // then fails to match, so the answer is never a wrong "no".
  bool MayMatch(const Rule& rule) const {
    const auto marked = [&](uint16_t h) { return (trigram_bits_[h >> 6] >> (h & 63)) & 1; };
    for (const auto& any_of : rule.required) {
      const bool found = std::any_of(any_of.begin(), any_of.end(), [&](const auto& trigrams) {
        return std::all_of(trigrams.begin(), trigrams.end(), marked);
      });
      if (!found) return false;
    }
    return true;
  }

 private:
  void SetTrigrams(std::string_view subject, bool on) {
    for (size_t k = 0; k + kMinLiteral <= subject.size(); ++k) {
      const uint16_t h = TrigramHash(&subject[k]);
      if (on) {
        trigram_bits_[h >> 6] |= uint64_t{1} << (h & 63);
      } else {
        trigram_bits_[h >> 6] = 0;
      }
    }
  }

  std::array<uint64_t, 65536 / 64> trigram_bits_{};
  pcre2_match_data* data_ = nullptr;
  uint32_t pairs_ = 0;
  pcre2_match_context* context_ = nullptr;
  pcre2_jit_stack* jit_stack_ = nullptr;
};

MatchScratch& ThreadScratch(uint32_t captures) {
  thread_local MatchScratch scratch;
  scratch.Reserve(captures);
  return scratch;
}

// The capture groups of the last successful match, as views into the user agent.
class Captures {
 public:
  Captures(const MatchScratch& scratch, int rc, std::string_view subject)
      : ovector_(pcre2_get_ovector_pointer(scratch.data())), count_(rc), subject_(subject) {}

  // Group `i`, empty when it did not take part in the match.
  std::string_view Group(int i) const {
    if (i >= count_ || ovector_[2 * i] == PCRE2_UNSET) return {};
    return subject_.substr(ovector_[2 * i], ovector_[2 * i + 1] - ovector_[2 * i]);
  }

 private:
  const PCRE2_SIZE* ovector_;
  int count_;
  std::string_view subject_;
};

std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

std::optional<std::string> NonEmpty(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

// `tmpl` with `$1`…`$9` replaced by those groups (nothing for a group that did not match),
// trimmed; absent when that leaves nothing.
std::optional<std::string> Substitute(std::string_view tmpl, const Captures& captures) {
  std::string out;
  out.reserve(tmpl.size() + 16);
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '$' && i + 1 < tmpl.size() && tmpl[i + 1] >= '1' && tmpl[i + 1] <= '9') {
      out += captures.Group(tmpl[i + 1] - '0');
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  return NonEmpty(TrimSpace(out));
}

// A field filled from its replacement template when the rule has one, else from `group`.
std::optional<std::string> Field(const std::optional<std::string>& replacement,
                                 const Captures& captures, int group) {
  if (replacement) return Substitute(*replacement, captures);
  return NonEmpty(captures.Group(group));
}

// Index of the first rule matching `ua`, or -1; `rc` receives pcre2_match's count of groups.
// With `prefilter`, rules whose required literals are not among the trigrams marked in
// `scratch` are skipped without running their regex.
int FirstMatch(const std::vector<Rule>& rules, std::string_view ua, const MatchScratch& scratch,
               bool prefilter, int* rc) {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(ua.data());
  for (size_t i = 0; i < rules.size(); ++i) {
    if (prefilter && !scratch.MayMatch(rules[i])) continue;
    // Errors (match or JIT stack limits on pathological input) count as no match, the same way
    // on every thread, so results stay deterministic.
    const int r = pcre2_match(rules[i].code.get(), subject, ua.size(), 0, 0, scratch.data(),
                              scratch.context());
    if (r > 0) {
      *rc = r;
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::string PcreErrorText(int code) {
  std::array<PCRE2_UCHAR, 256> buf;
  const int n = pcre2_get_error_message(code, buf.data(), buf.size());
  if (n < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

struct CompiledSection {
  std::vector<Rule> rules;
  uint32_t max_captures = 0;
  size_t jit_compiled = 0;
  size_t prefiltered = 0;
};

// Compiles one section of the parsed regexes.yaml. Throws nothing of its own; yaml-cpp
// exceptions are caught by the caller.
Result<CompiledSection> CompileSection(const std::string& path, const YAML::Node& root,
                                       const SectionSpec& spec) {
  const YAML::Node list = root[spec.name];
  if (!list.IsSequence()) {
    return InvalidArgument(path + ": " + spec.name + " is missing or not a list");
  }
  CompiledSection out;
  out.rules.reserve(list.size());
  for (size_t index = 0; index < list.size(); ++index) {
    const YAML::Node entry = list[index];
    const std::string where = path + ": " + spec.name + "[" + std::to_string(index) + "]";
    if (!entry.IsMap()) return InvalidArgument(where + ": entry is not a map");

    Rule rule;
    std::optional<std::string> regex;
    uint32_t options = 0;
    for (const auto& kv : entry) {
      const std::string key = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) return InvalidArgument(where + ": " + key + " is not a string");
      const std::string value = kv.second.as<std::string>();
      if (key == "regex") {
        regex = value;
        continue;
      }
      if (key == "regex_flag") {
        // uap-core uses only 'i'; another flag would mean matching we do not implement.
        if (value != "i") return InvalidArgument(where + ": unknown regex_flag '" + value + "'");
        options |= PCRE2_CASELESS;
        continue;
      }
      const auto it = std::find_if(spec.replacement_keys.begin(), spec.replacement_keys.end(),
                                   [&](const char* k) { return key == k; });
      // An unknown key would mean a regex set written for rules we do not apply; failing here
      // beats parsing differently from the reference implementations.
      if (key.empty() || it == spec.replacement_keys.end()) {
        return InvalidArgument(where + ": unknown key '" + key + "'");
      }
      // The reference implementation treats an empty template as no template.
      if (!value.empty()) rule.replacements[it - spec.replacement_keys.begin()] = value;
    }
    if (!regex) return InvalidArgument(where + ": entry has no regex");

    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex->data()), regex->size(),
                                     options, &error, &offset, nullptr);
    if (code == nullptr) {
      return InvalidArgument(where + ": regex does not compile at offset " +
                             std::to_string(offset) + ": " + PcreErrorText(error));
    }
    rule.code.reset(code);
    // Without JIT (an unsupported CPU, or memory for executable pages refused) the interpreter
    // gives the same results, only slower.
    if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) ++out.jit_compiled;
    for (const RequiredLiterals::AnyOf& any_of : RequiredLiterals::Of(*regex)) {
      std::vector<std::vector<uint16_t>>& hashes = rule.required.emplace_back();
      for (const std::string& literal : any_of) hashes.push_back(TrigramsOf(literal));
    }
    if (!rule.required.empty()) ++out.prefiltered;
    uint32_t captures = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures);
    out.max_captures = std::max(out.max_captures, captures);
    out.rules.push_back(std::move(rule));
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> ua_internal::LiteralsRequiredBy(std::string_view pattern) {
  return RequiredLiterals::Of(pattern);
}

UaParser::UaParser(const UaParserOptions& options) : options_(options) {
  if (options_.cache_capacity > 0) {
    per_shard_capacity_ = (options_.cache_capacity + kCacheShards - 1) / kCacheShards;
    cache_ = std::make_unique<CacheShard[]>(kCacheShards);
    // Reserved up front so that an insert under the shard's mutex never rehashes.
    for (size_t i = 0; i < kCacheShards; ++i) cache_[i].index.reserve(per_shard_capacity_);
  }
}

UaParser::~UaParser() = default;

Result<std::unique_ptr<UaParser>> UaParser::Load(const std::string& regexes_yaml_path) {
  return Load(regexes_yaml_path, UaParserOptions());
}

Result<std::unique_ptr<UaParser>> UaParser::Load(const std::string& regexes_yaml_path,
                                                 const UaParserOptions& options) {
  auto read = ReadWholeFile(regexes_yaml_path);
  if (read.status().code() == StatusCode::kNotFound) {
    return NotFound(read.status().message() + " (install uap-core?)");
  }
  FOOTFALL_ASSIGN_OR_RETURN(const std::string text, std::move(read));
  std::unique_ptr<UaParser> parser(new UaParser(options));
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) {
      return InvalidArgument(regexes_yaml_path +
                             ": not a uap-core regexes file (top is not a map)");
    }
    const std::array<std::pair<const SectionSpec*, std::vector<Rule>*>, 3> sections = {{
        {&kUaSection, &parser->ua_rules_},
        {&kOsSection, &parser->os_rules_},
        {&kDeviceSection, &parser->device_rules_},
    }};
    for (const auto& [spec, rules] : sections) {
      FOOTFALL_ASSIGN_OR_RETURN(CompiledSection compiled,
                                CompileSection(regexes_yaml_path, root, *spec));
      *rules = std::move(compiled.rules);
      parser->max_captures_ = std::max(parser->max_captures_, compiled.max_captures);
      parser->jit_compiled_ += compiled.jit_compiled;
      parser->prefiltered_ += compiled.prefiltered;
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(regexes_yaml_path + ": not valid YAML: " + e.what());
  }
  return parser;
}

UserAgent UaParser::ParseUncached(std::string_view ua) const {
  MatchScratch& scratch = ThreadScratch(max_captures_);
  const bool prefilter = options_.literal_prefilter;
  if (prefilter) scratch.Mark(ua);
  UserAgent out;
  int rc = 0;
  if (const int i = FirstMatch(ua_rules_, ua, scratch, prefilter, &rc); i >= 0) {
    const auto& rep = ua_rules_[i].replacements;
    const Captures captures(scratch, rc, ua);
    if (auto family = Field(rep[0], captures, 1)) out.ua_family = std::move(*family);
    out.ua_major = Field(rep[1], captures, 2);
    out.ua_minor = Field(rep[2], captures, 3);
    out.ua_patch = Field(rep[3], captures, 4);
    out.ua_patch_minor = Field(rep[4], captures, 5);
  }
  if (const int i = FirstMatch(os_rules_, ua, scratch, prefilter, &rc); i >= 0) {
    const auto& rep = os_rules_[i].replacements;
    const Captures captures(scratch, rc, ua);
    if (auto family = Field(rep[0], captures, 1)) out.os_family = std::move(*family);
    out.os_major = Field(rep[1], captures, 2);
    out.os_minor = Field(rep[2], captures, 3);
    out.os_patch = Field(rep[3], captures, 4);
    out.os_patch_minor = Field(rep[4], captures, 5);
  }
  if (const int i = FirstMatch(device_rules_, ua, scratch, prefilter, &rc); i >= 0) {
    const auto& rep = device_rules_[i].replacements;
    const Captures captures(scratch, rc, ua);
    if (auto family = Field(rep[0], captures, 1)) out.device_family = std::move(*family);
    // Unlike family and model, brand has no group to fall back on.
    if (rep[1]) out.device_brand = Substitute(*rep[1], captures);
    out.device_model = Field(rep[2], captures, 1);
  }
  if (prefilter) scratch.Unmark(ua);
  return out;
}

CacheShard& UaParser::ShardFor(std::string_view ua) const {
  // The map hashes the same bytes again; the high bits pick the shard so that the two uses of
  // the hash do not correlate.
  const size_t h = std::hash<std::string_view>{}(ua);
  return cache_[(h >> (sizeof(h) * 8 - 8)) % kCacheShards];
}

UserAgent UaParser::Parse(std::string_view ua) const {
  if (!cache_ || ua.size() > options_.max_cached_length) return ParseUncached(ua);
  CacheShard& shard = ShardFor(ua);
  std::shared_ptr<const UserAgent> hit;
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (const auto it = shard.index.find(ua); it != shard.index.end()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
      ++shard.hits;
      hit = it->second->second;
    } else {
      ++shard.misses;
    }
  }
  if (hit) return *hit;
  // Parsed without the lock: two threads missing on the same string both parse it, and the
  // second insert is dropped below.
  auto result = std::make_shared<const UserAgent>(ParseUncached(ua));
  std::list<CacheShard::Entry> node;
  node.emplace_back(std::string(ua), result);
  std::list<CacheShard::Entry> evicted;  // freed after the lock is released
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    if (!shard.index.contains(ua)) {
      if (shard.lru.size() >= per_shard_capacity_) {
        shard.index.erase(shard.lru.back().first);
        evicted.splice(evicted.begin(), shard.lru, std::prev(shard.lru.end()));
      }
      shard.lru.splice(shard.lru.begin(), node);
      shard.index.emplace(shard.lru.front().first, shard.lru.begin());
    }
  }
  return *result;
}

UaParser::Stats UaParser::GetStats() const {
  Stats stats;
  stats.ua_regexes = ua_rules_.size();
  stats.os_regexes = os_rules_.size();
  stats.device_regexes = device_rules_.size();
  stats.jit_compiled = jit_compiled_;
  stats.prefiltered = prefiltered_;
  if (cache_) {
    for (size_t i = 0; i < kCacheShards; ++i) {
      std::lock_guard<std::mutex> lock(cache_[i].mu);
      stats.cache_hits += cache_[i].hits;
      stats.cache_misses += cache_[i].misses;
      stats.cache_entries += cache_[i].lru.size();
    }
  }
  return stats;
}

}  // namespace footfall::enrich
