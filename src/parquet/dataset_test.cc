// Datasets: publish and reopen, invisibility of uncommitted files, the writer lock, retention,
// partition pruning, the manifest format, debris cleanup, the directory swap, and crash safety
// under SIGKILL at random points of a writer's loop.
#include "parquet/dataset.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "base/files.h"
#include "base/temp_dir.h"

namespace footfall::parquet {
namespace {

namespace fs = std::filesystem;

Schema EventSchema() {
  return Schema{{ColumnSpec::Int64("id"), ColumnSpec::String("url", true),
                 ColumnSpec::TimestampMicros("ts")}};
}

// Rows with ids first_id, first_id+1, ...: every file's content is known from its first id.
std::vector<ColumnVector> EventRows(int64_t first_id, size_t rows) {
  std::vector<ColumnVector> cols{ColumnVector(PhysicalType::kInt64),
                                 ColumnVector(PhysicalType::kByteArray),
                                 ColumnVector(PhysicalType::kInt64)};
  for (size_t i = 0; i < rows; ++i) {
    const int64_t id = first_id + static_cast<int64_t>(i);
    cols[0].AppendInt64(id);
    if (id % 3 == 0) {
      cols[1].AppendNull();
    } else {
      cols[1].AppendBytes("https://shop.example/p/" + std::to_string(id % 17));
    }
    cols[2].AppendInt64(1'700'000'000'000'000 + id);
  }
  return cols;
}

Status AddEventFile(DatasetWriter& w, const std::string& partition, const std::string& name,
                    int64_t first_id, size_t rows, std::vector<std::string> inputs) {
  FOOTFALL_ASSIGN_OR_RETURN(ParquetWriter f, w.CreateFile(partition, name, EventSchema()));
  FOOTFALL_RETURN_IF_ERROR(f.Write(EventRows(first_id, rows)));
  return w.AddFile(std::move(f), std::move(inputs));
}

// Every *.parquet file under `dir` that a glob would find, relative to `dir`.
std::set<std::string> ParquetFilesOnDisk(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.ends_with(".parquet") && name[0] != '.') {
      out.insert(fs::relative(e.path(), dir).string());
    }
  }
  return out;
}

// Every file under `dir` whose name marks a write in progress.
std::vector<std::string> DebrisOnDisk(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".tmp") || name.ends_with(".staged")) out.push_back(e.path().string());
  }
  return out;
}

TEST(DatasetTest, PublishAndReopen) {
  TempDir tmp;
  const std::string dir = tmp.Sub("enriched");
  {
    auto w = DatasetWriter::Open(dir);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(w->current().version, 0);
    EXPECT_EQ(w->next_version(), 1);
    ASSERT_TRUE(AddEventFile(*w, "date=2026-11-26", "000000000042-cfg.parquet", 0, 100,
                             {"000000000042.seg"})
                    .ok());
    ASSERT_TRUE(AddEventFile(*w, "date=2026-11-27", "000000000042-cfg.parquet", 100, 50,
                             {"000000000042.seg"})
                    .ok());
    EXPECT_EQ(w->staged_files(), 2u);
    auto v = w->Commit({.properties = {{"watermark", "42"}}});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, 1);
    EXPECT_EQ(w->staged_files(), 0u);
    EXPECT_TRUE(w->current().HasInput("000000000042.seg"));
    EXPECT_FALSE(w->current().HasInput("000000000043.seg"));
  }
  auto ds = Dataset::Open(dir);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->version(), 1);
  EXPECT_EQ(ds->schema(), EventSchema());
  EXPECT_EQ(ds->manifest().properties.at("watermark"), "42");
  ASSERT_EQ(ds->files().size(), 2u);
  const DatasetFile& f0 = ds->files()[0];
  EXPECT_EQ(f0.path, "date=2026-11-26/000000000042-cfg.parquet");
  EXPECT_EQ(f0.partition, "date=2026-11-26");
  EXPECT_EQ(f0.rows, 100);
  EXPECT_EQ(f0.inputs, std::vector<std::string>{"000000000042.seg"});
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(ds->PathOf(f0))), f0.bytes);
  auto r = ds->OpenFile(ds->files()[1]);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto cols = r->ReadAll();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ((*cols)[0], EventRows(100, 50)[0]);
  EXPECT_EQ((*cols)[1], EventRows(100, 50)[1]);

  // An incremental commit keeps the files and properties of the version before it.
  {
    auto w = DatasetWriter::Open(dir);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(w->current(), ds->manifest());
    ASSERT_TRUE(AddEventFile(*w, "date=2026-11-27", "000000000043-cfg.parquet", 150, 10,
                             {"000000000043.seg"})
                    .ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  auto ds2 = Dataset::Open(dir);
  ASSERT_TRUE(ds2.ok());
  EXPECT_EQ(ds2->version(), 2);
  EXPECT_EQ(ds2->files().size(), 3u);
  EXPECT_EQ(ds2->manifest().properties.at("watermark"), "42");
  EXPECT_EQ(ds2->manifest().Inputs(),
            (std::set<std::string>{"000000000042.seg", "000000000043.seg"}));
  // Version 1 is unchanged.
  auto old = Dataset::OpenVersion(dir, 1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->manifest(), ds->manifest());
  EXPECT_EQ(ListDatasetVersions(dir).value(), (std::vector<int64_t>{1, 2}));
}

// A file written outside the writer (as another rank of a job writes one) is staged by rename
// and published like the writer's own; a file that is not Parquet is refused and left alone.
TEST(DatasetTest, AddWrittenFileStagesAFileWrittenElsewhere) {
  TempDir tmp;
  const std::string dir = tmp.Sub("views");
  const std::string outside = tmp.Sub("rows") + "/day.parquet";
  ASSERT_TRUE(MakeDirs(tmp.Sub("rows")).ok());
  {
    auto f = ParquetWriter::Create(outside, EventSchema());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE(f->Write(EventRows(7, 30)).ok());
    ASSERT_TRUE(f->Close().ok());
  }
  const std::string junk = tmp.Sub("rows") + "/junk.parquet";
  ASSERT_TRUE(WriteFileDurably(junk, "not parquet").ok());
  {
    auto w = DatasetWriter::Open(dir);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    const Status bad = w->AddWrittenFile(junk, "date=2026-11-27", "v1.parquet", {});
    EXPECT_EQ(bad.code(), StatusCode::kCorruption) << bad.ToString();
    EXPECT_TRUE(fs::exists(junk));
    ASSERT_TRUE(w->AddWrittenFile(outside, "date=2026-11-26", "v1.parquet", {"run"}).ok());
    EXPECT_FALSE(fs::exists(outside));
    EXPECT_TRUE(ParquetFilesOnDisk(dir).empty());  // staged, not yet visible
    EXPECT_EQ(w->AddWrittenFile(junk, "date=2026-11-26", "v1.parquet", {}).code(),
              StatusCode::kAlreadyExists);
    ASSERT_TRUE(w->Commit({.replace = true, .properties = {}}).ok());
  }
  auto ds = Dataset::Open(dir);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->schema(), EventSchema());
  ASSERT_EQ(ds->files().size(), 1u);
  EXPECT_EQ(ds->files()[0].path, "date=2026-11-26/v1.parquet");
  EXPECT_EQ(ds->files()[0].rows, 30);
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(ds->PathOf(ds->files()[0]))), ds->files()[0].bytes);
  auto cols = ds->OpenFile(ds->files()[0])->ReadAll();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(*cols, EventRows(7, 30));
}

TEST(DatasetTest, UncommittedFilesAreInvisible) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  auto w = DatasetWriter::Open(dir);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(Dataset::Open(dir).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(AddEventFile(*w, "date=2026-01-01", "a.parquet", 0, 10, {"a"}).ok());
  ASSERT_TRUE(w->Commit().ok());
  // Staged, and one still being written: neither the manifest nor a *.parquet glob sees them.
  ASSERT_TRUE(AddEventFile(*w, "date=2026-01-01", "b.parquet", 10, 10, {"b"}).ok());
  auto open = w->CreateFile("date=2026-01-02", "c.parquet", EventSchema());
  ASSERT_TRUE(open.ok());
  ASSERT_TRUE(open->Write(EventRows(20, 5)).ok());
  auto ds = Dataset::Open(dir);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(ds->version(), 1);
  ASSERT_EQ(ds->files().size(), 1u);
  EXPECT_EQ(ParquetFilesOnDisk(dir), std::set<std::string>{"date=2026-01-01/a.parquet"});
  // Abort drops the staged file; the open one goes with its writer.
  ASSERT_TRUE(w->Abort().ok());
  *open = w->CreateFile("date=2026-01-02", "d.parquet", EventSchema()).value();
  EXPECT_TRUE(DebrisOnDisk(dir).size() == 1u);  // d's temporary file
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(Dataset::Open(dir)->files().size(), 1u);
}

TEST(DatasetTest, SecondWriterIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  auto first = DatasetWriter::Open(dir, {.holder = "enrichment"});
  ASSERT_TRUE(first.ok());
  auto second = DatasetWriter::Open(dir);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  // Readers need no lock.
  ASSERT_TRUE(AddEventFile(*first, "", "a.parquet", 0, 3, {}).ok());
  ASSERT_TRUE(first->Commit().ok());
  EXPECT_TRUE(Dataset::Open(dir).ok());
  *first = DatasetWriter::Open(tmp.Sub("other")).value();  // releases the lock on dir
  EXPECT_TRUE(DatasetWriter::Open(dir).ok());
}

TEST(DatasetTest, WriterInAnotherProcessIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  auto held = DatasetWriter::Open(dir);
  ASSERT_TRUE(held.ok());
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto second = DatasetWriter::Open(dir);
    _exit(second.status().code() == StatusCode::kFailedPrecondition ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DatasetTest, FilesAreNeverRewritten) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  auto w = DatasetWriter::Open(dir);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AddEventFile(*w, "date=2026-01-01", "a.parquet", 0, 3, {}).ok());
  EXPECT_EQ(w->CreateFile("date=2026-01-01", "a.parquet", EventSchema()).status().code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(w->Commit().ok());
  EXPECT_EQ(w->CreateFile("date=2026-01-01", "a.parquet", EventSchema()).status().code(),
            StatusCode::kAlreadyExists);
  // Bad names and partitions.
  for (const char* name : {"a", ".a.parquet", "_a.parquet", "x/a.parquet", ".parquet"}) {
    EXPECT_EQ(w->CreateFile("", name, EventSchema()).status().code(), StatusCode::kInvalidArgument)
        << name;
  }
  for (const char* p : {"date", "=x", "date=", "date=..", "_x=1", "a=1/", "a=1//b=2", "a=b c"}) {
    EXPECT_EQ(w->CreateFile(p, "z.parquet", EventSchema()).status().code(),
              StatusCode::kInvalidArgument)
        << p;
  }
}

TEST(DatasetTest, SchemaMustMatch) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  auto w = DatasetWriter::Open(dir);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(AddEventFile(*w, "", "a.parquet", 0, 3, {}).ok());
  ASSERT_TRUE(w->Commit().ok());
  const Schema other{{ColumnSpec::Int32("n")}};
  auto f = w->CreateFile("", "b.parquet", other);
  ASSERT_TRUE(f.ok());
  ColumnVector n(PhysicalType::kInt32);
  n.AppendInt32(1);
  ASSERT_TRUE(f->Write(std::span(&n, 1)).ok());
  ASSERT_TRUE(w->AddFile(std::move(*f), {}).ok());
  EXPECT_EQ(w->Commit().status().code(), StatusCode::kInvalidArgument);
  // A replacing commit may change the schema (a view rebuilt by a new release).
  CommitOptions replace;
  replace.replace = true;
  auto v = w->Commit(replace);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Dataset::Open(dir)->schema(), other);
}

TEST(DatasetTest, ReplaceAndRetention) {
  TempDir tmp;
  const std::string dir = tmp.Sub("view");
  auto w = DatasetWriter::Open(dir, {.keep_versions = 2});
  ASSERT_TRUE(w.ok());
  for (int run = 1; run <= 4; ++run) {
    const std::string name = "v" + std::to_string(w->next_version()) + "-part-0.parquet";
    ASSERT_TRUE(AddEventFile(*w, "", name, run * 1000, 5, {}).ok());
    auto v = w->Commit({.replace = true, .properties = {{"run", std::to_string(run)}}});
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, run);
  }
  EXPECT_EQ(ListDatasetVersions(dir).value(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(ParquetFilesOnDisk(dir),
            (std::set<std::string>{"v3-part-0.parquet", "v4-part-0.parquet"}));
  EXPECT_EQ(Dataset::OpenVersion(dir, 2).status().code(), StatusCode::kNotFound);
  auto v3 = Dataset::OpenVersion(dir, 3);
  ASSERT_TRUE(v3.ok());
  ASSERT_EQ(v3->files().size(), 1u);
  EXPECT_TRUE(v3->OpenFile(v3->files()[0]).ok());
  EXPECT_EQ(Dataset::Open(dir)->manifest().properties,
            (std::map<std::string, std::string>{{"run", "4"}}));
}

TEST(DatasetTest, PartitionRange) {
  DatasetManifest m;
  for (const char* p :
       {"date=2026-11-01", "date=2026-11-15", "date=2026-11-30", "date=2026-12-01", "hour=07"}) {
    m.files.push_back({std::string(p) + "/a.parquet", p, 0, 0, {}});
  }
  auto paths = [&](PartitionRange r) {
    std::vector<std::string> out;
    for (const DatasetFile* f : m.FilesIn(r)) out.push_back(f->partition);
    return out;
  };
  EXPECT_EQ(paths({"date", "2026-11-15", "2026-11-30"}),
            (std::vector<std::string>{"date=2026-11-15", "date=2026-11-30"}));
  EXPECT_EQ(paths({"date", std::nullopt, "2026-11-01"}),
            std::vector<std::string>{"date=2026-11-01"});
  EXPECT_EQ(paths({"date", std::nullopt, std::nullopt}).size(), 4u);
  EXPECT_EQ(paths({"hour", "00", std::nullopt}), std::vector<std::string>{"hour=07"});
  EXPECT_EQ(PartitionValue("date=2026-11-26/hour=07", "hour"), "07");
  EXPECT_EQ(PartitionValue("date=2026-11-26/hour=07", "dat"), std::nullopt);
}

TEST(DatasetTest, ManifestRoundTripAndDamage) {
  DatasetManifest m;
  m.version = 7;
  m.schema.columns = {ColumnSpec::Boolean("b"), ColumnSpec::String("s", true),
                      ColumnSpec::TimestampMicros("t"), ColumnSpec::Date("d", true),
                      ColumnSpec::Double("x")};
  ColumnSpec dec = ColumnSpec::Int64("price");
  dec.logical = LogicalType::Decimal(12, 2);
  ColumnSpec u16 = ColumnSpec::Int32("small", true);
  u16.logical = LogicalType::Integer(16, false);
  ColumnSpec local = ColumnSpec::Int64("local");
  local.logical = LogicalType::Timestamp(TimeUnit::kMillis, false);
  m.schema.columns.push_back(dec);
  m.schema.columns.push_back(u16);
  m.schema.columns.push_back(local);
  m.properties = {{"watermark", "000000000042"}, {"note", "quote \" and é"}};
  m.files = {{"a.parquet", "", 3, 100, {}},
             {"date=2026-11-26/x.parquet", "date=2026-11-26", 5, 200, {"1.seg", "2.seg"}}};
  const std::string json = EncodeManifest(m);
  auto back = DecodeManifest(json, "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);

  auto code = [](std::string j) { return DecodeManifest(j, "m.json").status().code(); };
  EXPECT_EQ(code(json.substr(0, json.size() / 2)), StatusCode::kCorruption);
  EXPECT_EQ(code("[]"), StatusCode::kCorruption);
  std::string s = json;
  s.replace(s.find("footfall-dataset"), 16, "something-else!!");
  EXPECT_EQ(code(s), StatusCode::kCorruption);
  s = json;
  s.replace(s.find("\"format_version\":1"), 18, "\"format_version\":9");
  EXPECT_EQ(code(s), StatusCode::kUnimplemented);
  s = json;
  s.replace(s.find("\"a.parquet\""), 11, "\"../a.parquet\"");
  EXPECT_EQ(code(s), StatusCode::kCorruption);
  s = json;
  s.replace(s.find("date=2026-11-26/x.parquet"), 25, "date=2026-11-27/x.parquet");
  EXPECT_EQ(code(s), StatusCode::kCorruption);
  s = json;
  s.replace(s.find("\"rows\":3"), 8, "\"rows\":\"3\"");
  EXPECT_EQ(code(s), StatusCode::kCorruption);
}

TEST(DatasetTest, OpenRemovesDebris) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  {
    auto w = DatasetWriter::Open(dir);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(AddEventFile(*w, "date=2026-01-01", "kept.parquet", 0, 3, {}).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  // What a writer killed at various points leaves behind.
  const std::vector<std::string> debris = {
      dir + "/date=2026-01-01/.staged-one.parquet.staged",
      dir + "/date=2026-01-01/.half.parquet.staged.tmp",
      dir + "/date=2026-01-02/renamed-not-committed.parquet",
      dir + "/_manifest-000000000002.json.tmp",
      dir + "/root-orphan.parquet",
  };
  ASSERT_TRUE(MakeDirs(dir + "/date=2026-01-02").ok());
  for (const std::string& p : debris) {
    FILE* f = std::fopen(p.c_str(), "w");
    ASSERT_NE(f, nullptr) << p;
    std::fclose(f);
  }
  FILE* other = std::fopen((dir + "/README").c_str(), "w");  // not ours: left alone
  std::fclose(other);
  auto w = DatasetWriter::Open(dir);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const std::string& p : debris) EXPECT_FALSE(fs::exists(p)) << p;
  EXPECT_TRUE(fs::exists(dir + "/README"));
  EXPECT_EQ(ParquetFilesOnDisk(dir), std::set<std::string>{"date=2026-01-01/kept.parquet"});
  EXPECT_EQ(w->current().version, 1);
}

TEST(DatasetTest, ReplaceDirectory) {
  TempDir tmp;
  const std::string live = tmp.Sub("enriched");
  const std::string fresh = tmp.Sub("enriched.reprocess");
  for (const auto& [dir, rows] : {std::pair{live, 3}, std::pair{fresh, 7}}) {
    auto w = DatasetWriter::Open(dir);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(AddEventFile(*w, "date=2026-01-01", "a.parquet", 0, rows, {}).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  const std::string empty = tmp.Sub("empty");
  ASSERT_TRUE(MakeDirs(empty).ok());
  EXPECT_EQ(ReplaceDatasetDirectory(empty, live).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(ReplaceDatasetDirectory(fresh, live).ok());
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_EQ(Dataset::Open(live)->files()[0].rows, 7);
  // Into a place that does not exist yet: a plain rename.
  ASSERT_TRUE(ReplaceDatasetDirectory(live, tmp.Sub("moved")).ok());
  EXPECT_EQ(Dataset::Open(tmp.Sub("moved"))->files()[0].rows, 7);
  ASSERT_TRUE(RemoveDatasetDirectory(tmp.Sub("moved")).ok());
  EXPECT_FALSE(fs::exists(tmp.Sub("moved")));
}

// The child's loop: commits of 1-3 small files, each version reported on `fd` once published,
// until killed. Exits with status 2 on an error (the parent then fails the test).
[[noreturn]] void WriterLoop(const std::string& dir, int round, int fd) {
  auto w = DatasetWriter::Open(dir, {.keep_versions = 3});
  if (!w.ok()) _exit(2);
  std::mt19937_64 rng(1000 + round);
  for (int commit = 0;; ++commit) {
    const int files = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < files; ++i) {
      const std::string partition = "date=2026-11-" + std::to_string(10 + rng() % 5);
      const std::string name = "r" + std::to_string(round) + "-c" + std::to_string(commit) + "-" +
                               std::to_string(i) + ".parquet";
      const size_t rows = 1 + rng() % 3000;
      if (!AddEventFile(*w, partition, name, static_cast<int64_t>(rng() % 1000000), rows,
                        {"seg-" + std::to_string(round) + "-" + std::to_string(commit)})
               .ok()) {
        _exit(2);
      }
    }
    // Every fourth commit rebuilds from scratch, so that retention deletes files too.
    CommitOptions options;
    options.replace = commit % 4 == 3;
    auto v = w->Commit(options);
    if (!v.ok()) _exit(2);
    const int64_t version = *v;
    if (::write(fd, &version, sizeof version) != sizeof version) _exit(2);
  }
}

TEST(DatasetTest, CrashAtRandomPointsLeavesAConsistentDataset) {
  TempDir tmp;
  const std::string dir = tmp.Sub("ds");
  std::mt19937_64 rng(20261126);
  int64_t published = 0;
  int rounds_with_debris = 0;
  constexpr int kRounds = 16;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    UniqueFd from_writer(fds[0]);
    UniqueFd to_parent(fds[1]);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      from_writer.reset();
      WriterLoop(dir, round, to_parent.get());
    }
    to_parent.reset();
    // Wait for a random number of commits (0-2), then let it run a random while longer: the
    // kill lands anywhere in writing, staging, renaming, the manifest or retention.
    const int commits = static_cast<int>(rng() % 3);
    for (int i = 0; i < commits; ++i) {
      int64_t v = 0;
      ASSERT_EQ(::read(from_writer.get(), &v, sizeof v), static_cast<ssize_t>(sizeof v));
      published = v;
    }
    const timespec pause{0, static_cast<long>(rng() % 15'000'000)};
    ::nanosleep(&pause, nullptr);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer failed with status " << WEXITSTATUS(status);
    int64_t v = 0;
    while (::read(from_writer.get(), &v, sizeof v) == static_cast<ssize_t>(sizeof v)) published = v;

    // A reader sees the last reported version or a later one, and it is whole.
    auto ds = Dataset::Open(dir);
    if (published == 0 && ds.status().code() == StatusCode::kNotFound) continue;
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    EXPECT_GE(ds->version(), published);
    published = ds->version();
    for (const DatasetFile& f : ds->files()) {
      auto r = ds->OpenFile(f);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->num_rows(), f.rows) << f.path;
      EXPECT_EQ(static_cast<int64_t>(fs::file_size(ds->PathOf(f))), f.bytes) << f.path;
      ASSERT_TRUE(r->ReadAll().ok()) << f.path;
    }
    if (!DebrisOnDisk(dir).empty()) ++rounds_with_debris;
    // The next writer removes the debris: what remains on disk is what manifests list.
    auto w = DatasetWriter::Open(dir, {.keep_versions = 3});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(w->current().version, published);
    EXPECT_TRUE(DebrisOnDisk(dir).empty());
    std::set<std::string> listed;
    const std::vector<int64_t> versions = ListDatasetVersions(dir).value();
    for (int64_t version : versions) {
      const Dataset d = Dataset::OpenVersion(dir, version).value();
      for (const DatasetFile& f : d.files()) listed.insert(f.path);
    }
    EXPECT_EQ(ParquetFilesOnDisk(dir), listed);
  }
  EXPECT_GT(published, 0);
  // Where the kills landed, for whoever tunes the test: most should interrupt a write.
  RecordProperty("rounds_with_debris", rounds_with_debris);
  std::printf("%d of %d kills left a write in progress\n", rounds_with_debris, kRounds);
}

}  // namespace
}  // namespace footfall::parquet
