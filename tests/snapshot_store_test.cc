#include "core/snapshot/snapshot_store.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/snapshot/sha256.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fe {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Passes if `text` contains `part`; the failure message shows both.
::testing::AssertionResult Contains(absl::string_view text,
                                    absl::string_view part) {
  if (text.find(part) != absl::string_view::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not contain \"" << part << "\"";
}

// ---------------------------------------------------------------------------
// SHA-256

// The example messages that NIST publishes for SHA-256, with digests checked
// against GNU coreutils sha256sum.
TEST(Sha256Test, NistVectors) {
  struct Case {
    std::string message;
    std::string digest;
  };
  const std::vector<Case> cases = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
       "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {std::string(1000000, 'a'),
       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("message of ", c.message.size(), " bytes"));
    EXPECT_EQ(Sha256Hex(c.message), c.digest);
  }
}

TEST(Sha256Test, PiecewiseUpdatesMatchOneShot) {
  std::string message;
  for (int i = 0; i < 1000; ++i) message.push_back(static_cast<char>(i * 7));
  const std::string expected = Sha256Hex(message);

  // Chunk sizes around the 64-byte block and the 56-byte padding limit.
  for (size_t chunk : {1, 3, 55, 56, 57, 63, 64, 65, 127, 999}) {
    SCOPED_TRACE(absl::StrCat("chunk=", chunk));
    Sha256 hasher;
    for (size_t offset = 0; offset < message.size(); offset += chunk) {
      hasher.Update(absl::string_view(message).substr(offset, chunk));
    }
    EXPECT_EQ(hasher.FinalHex(), expected);
  }
}

TEST(Sha256Test, PaddingBoundaryLengths) {
  // Lengths 55, 56 and 64 put the length field in the same, the next, and a
  // fresh block. Digests computed with GNU coreutils sha256sum.
  EXPECT_EQ(Sha256Hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256Hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256Hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256Test, ResetStartsNewDigest) {
  Sha256 hasher;
  hasher.Update("garbage");
  hasher.Reset();
  hasher.Update("abc");
  EXPECT_EQ(hasher.FinalHex(), Sha256Hex("abc"));
}

// ---------------------------------------------------------------------------
// SnapshotStore

// Returns a new empty directory under $FE_TEST_TMPDIR, or /tmp if unset.
std::string MakeTempDirectory() {
  const char* base = std::getenv("FE_TEST_TMPDIR");
  const std::string parent = base != nullptr && *base != '\0' ? base : "/tmp";
  std::error_code error;
  fs::create_directories(parent, error);
  std::string pattern = parent + "/snapshot_store_test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteWholeFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> values;
  for (int64_t v = first; v <= last; ++v) values.push_back(v);
  return values;
}

class SnapshotStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_dir_ = MakeTempDirectory();
    ASSERT_FALSE(temp_dir_.empty()) << "mkdtemp failed";
    root_ = temp_dir_ + "/store";
    absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
        SnapshotStore::Create({.root = root_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void TearDown() override {
    std::error_code error;
    if (!temp_dir_.empty()) fs::remove_all(temp_dir_, error);
  }

  std::string ModelDir(const std::string& model) const {
    return root_ + "/" + model;
  }
  std::string VersionDir(const std::string& model, int64_t version) const {
    return absl::StrCat(root_, "/", model, "/", version);
  }

  // Publishes a version with two files and returns its number.
  int64_t PublishSample(const std::string& model, const std::string& tag) {
    absl::StatusOr<int64_t> version =
        store_->Publish(model, json{{"tag", tag}},
                        {{"weights.bin", "weights of " + tag},
                         {"classes.json", "[\"" + tag + "\"]"}});
    EXPECT_TRUE(version.ok()) << version.status();
    return version.ok() ? *version : -1;
  }

  // Entries of a model directory whose names start with `prefix`.
  std::vector<std::string> EntriesWithPrefix(const std::string& model,
                                             const std::string& prefix) const {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(ModelDir(model), error)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    return names;
  }

  std::string temp_dir_;
  std::string root_;
  std::unique_ptr<SnapshotStore> store_;
};

TEST(SnapshotStoreCreateTest, RejectsEmptyRoot) {
  absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
      SnapshotStore::Create({.root = ""});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SnapshotStoreCreateTest, CreatesNestedRoot) {
  const std::string temp_dir = MakeTempDirectory();
  ASSERT_FALSE(temp_dir.empty());
  const std::string root = temp_dir + "/a/b/c";
  absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
      SnapshotStore::Create({.root = root});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(fs::is_directory(root));
  EXPECT_EQ((*store)->root(), root);
  fs::remove_all(temp_dir);
}

TEST(SnapshotStoreCreateTest, RootThatIsAFileIsInternal) {
  const std::string temp_dir = MakeTempDirectory();
  ASSERT_FALSE(temp_dir.empty());
  const std::string root = temp_dir + "/file";
  WriteWholeFile(root, "not a directory");
  absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
      SnapshotStore::Create({.root = root});
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(Contains(store.status().message(), root));
  fs::remove_all(temp_dir);
}

TEST_F(SnapshotStoreTest, PublishThenReadReturnsSameContents) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const std::vector<SnapshotFile> files = {
      {"weights.bin", binary}, {"empty", ""}, {"classes.json", "[1,2]"}};
  const json caller_fields = {
      {"dataset", "SUN"}, {"parent_version", 0}, {"metrics", {{"h", 0.41}}}};

  absl::StatusOr<int64_t> version =
      store_->Publish("snu-la", caller_fields, files);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 1);

  absl::StatusOr<Snapshot> snapshot = store_->Read("snu-la", 1);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->model, "snu-la");
  EXPECT_EQ(snapshot->version, 1);
  ASSERT_EQ(snapshot->files.size(), files.size());
  for (const SnapshotFile& file : files) {
    SCOPED_TRACE(file.name);
    const SnapshotFile* read_back = snapshot->FindFile(file.name);
    ASSERT_NE(read_back, nullptr);
    EXPECT_EQ(read_back->contents, file.contents);
  }
  EXPECT_EQ(snapshot->FindFile("absent"), nullptr);

  const json& manifest = snapshot->manifest;
  EXPECT_EQ(manifest["dataset"], "SUN");
  EXPECT_EQ(manifest["parent_version"], 0);
  EXPECT_EQ(manifest["metrics"]["h"], 0.41);
  EXPECT_EQ(manifest["model"], "snu-la");
  EXPECT_EQ(manifest["version"], 1);
  EXPECT_TRUE(std::regex_match(
      manifest["created_at"].get<std::string>(),
      std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << manifest["created_at"];
  EXPECT_EQ(manifest["files"]["weights.bin"]["sha256"], Sha256Hex(binary));
  EXPECT_EQ(manifest["files"]["weights.bin"]["size_bytes"], 256);
  EXPECT_EQ(manifest["files"]["empty"]["size_bytes"], 0);

  // The manifest on disk is the one returned, pretty-printed.
  const std::string on_disk =
      ReadWholeFile(VersionDir("snu-la", 1) + "/manifest.json");
  EXPECT_EQ(json::parse(on_disk), manifest);
  EXPECT_NE(on_disk.find('\n'), std::string::npos);
  EXPECT_TRUE(EntriesWithPrefix("snu-la", ".staging-").empty());
}

TEST_F(SnapshotStoreTest, PublishWithoutFiles) {
  absl::StatusOr<int64_t> version = store_->Publish("m", json::object(), {});
  ASSERT_TRUE(version.ok()) << version.status();
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", *version);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_TRUE(snapshot->files.empty());
  EXPECT_TRUE(snapshot->manifest["files"].is_object());
}

TEST_F(SnapshotStoreTest, VersionsIncreaseAndLatestFollows) {
  for (int64_t expected = 1; expected <= 3; ++expected) {
    EXPECT_EQ(PublishSample("m", absl::StrCat("v", expected)), expected);
    absl::StatusOr<int64_t> latest = store_->LatestVersion("m");
    ASSERT_TRUE(latest.ok()) << latest.status();
    EXPECT_EQ(*latest, expected);
    EXPECT_EQ(ReadWholeFile(ModelDir("m") + "/LATEST"),
              absl::StrCat(expected, "\n"));
  }
  absl::StatusOr<std::vector<int64_t>> versions = store_->ListVersions("m");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, Range(1, 3));
  EXPECT_TRUE(EntriesWithPrefix("m", "LATEST.tmp-").empty());
}

TEST_F(SnapshotStoreTest, UnknownModel) {
  EXPECT_EQ(store_->LatestVersion("nobody").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<int64_t>> versions =
      store_->ListVersions("nobody");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_TRUE(versions->empty());
  absl::StatusOr<Snapshot> snapshot = store_->Read("nobody", 1);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(snapshot.status().message(), "nobody"));
}

TEST_F(SnapshotStoreTest, ReadMissingVersionIsNotFound) {
  PublishSample("m", "a");
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 7);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Contains(snapshot.status().message(), "7"));
  EXPECT_EQ(store_->Read("m", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Read("m", -3).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SnapshotStoreTest, ListVersionsSkipsStagingAndGarbage) {
  PublishSample("m", "a");
  PublishSample("m", "b");
  const std::string model_dir = ModelDir("m");
  // A crashed writer's staging directory, with a complete-looking manifest.
  fs::create_directory(model_dir + "/.staging-crashed");
  WriteWholeFile(model_dir + "/.staging-crashed/manifest.json", "{}");
  for (const char* name : {"garbage", "007", "0", "-1", "12abc", "+4"}) {
    fs::create_directory(model_dir + "/" + name);
    WriteWholeFile(model_dir + "/" + name + "/manifest.json", "{}");
  }
  fs::create_directory(model_dir + "/9");  // a number but no manifest
  WriteWholeFile(model_dir + "/5", "a file, not a directory");
  WriteWholeFile(model_dir + "/LATEST.tmp-abandoned", "8\n");

  absl::StatusOr<std::vector<int64_t>> versions = store_->ListVersions("m");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, Range(1, 2));

  // Publishing continues after the newest complete version.
  EXPECT_EQ(PublishSample("m", "c"), 3);
}

TEST_F(SnapshotStoreTest, PublishSkipsOccupiedNumber) {
  PublishSample("m", "a");
  // An incomplete directory occupies the next number: the publisher must not
  // replace it and takes the one after.
  fs::create_directory(VersionDir("m", 2));
  WriteWholeFile(VersionDir("m", 2) + "/junk", "x");
  EXPECT_EQ(PublishSample("m", "b"), 3);
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 3);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->manifest["version"], 3);
  EXPECT_EQ(snapshot->manifest["tag"], "b");
  EXPECT_EQ(ReadWholeFile(VersionDir("m", 2) + "/junk"), "x");
}

TEST_F(SnapshotStoreTest, CorruptedFileIsDataLoss) {
  PublishSample("m", "a");
  const std::string path = VersionDir("m", 1) + "/weights.bin";
  std::string contents = ReadWholeFile(path);
  const std::string expected_digest = Sha256Hex(contents);
  contents[3] ^= 0x01;
  WriteWholeFile(path, contents);

  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
  const std::string message(snapshot.status().message());
  EXPECT_TRUE(Contains(message, "weights.bin"));
  EXPECT_TRUE(Contains(message, expected_digest));
  EXPECT_TRUE(Contains(message, Sha256Hex(contents)));
}

TEST_F(SnapshotStoreTest, TruncatedFileIsDataLoss) {
  PublishSample("m", "a");
  const std::string path = VersionDir("m", 1) + "/weights.bin";
  const std::string contents = ReadWholeFile(path);
  WriteWholeFile(path, contents.substr(0, contents.size() - 2));

  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
  const std::string message(snapshot.status().message());
  EXPECT_TRUE(Contains(message, "weights.bin"));
  EXPECT_TRUE(Contains(message, absl::StrCat(contents.size() - 2, " bytes")));
  EXPECT_TRUE(Contains(message, absl::StrCat("expected ", contents.size())));
}

TEST_F(SnapshotStoreTest, MissingFileIsDataLoss) {
  PublishSample("m", "a");
  fs::remove(VersionDir("m", 1) + "/classes.json");
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(snapshot.status().message(), "classes.json"));
}

TEST_F(SnapshotStoreTest, UnlistedExtraFileIsIgnored) {
  PublishSample("m", "a");
  WriteWholeFile(VersionDir("m", 1) + "/extra.bin", "not in the manifest");
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(snapshot->FindFile("extra.bin"), nullptr);
}

TEST_F(SnapshotStoreTest, BadManifestIsDataLoss) {
  PublishSample("m", "a");
  const std::string path = VersionDir("m", 1) + "/manifest.json";
  const json good = json::parse(ReadWholeFile(path));

  json wrong_version = good;
  wrong_version["version"] = 2;
  json wrong_model = good;
  wrong_model["model"] = "other";
  json no_files = good;
  no_files.erase("files");
  json escaping_name = good;
  escaping_name["files"]["../../outside"] = good["files"]["weights.bin"];
  json bad_entry = good;
  bad_entry["files"]["weights.bin"]["size_bytes"] = "12";

  struct Case {
    std::string label;
    std::string text;
    std::string expected_substring;
  };
  const std::vector<Case> cases = {
      {"truncated JSON", "{\"model\": \"m\", ", "not valid JSON"},
      {"array", "[1, 2]", "expected an object"},
      {"version mismatch", wrong_version.dump(), "\"version\": 2"},
      {"model mismatch", wrong_model.dump(), "\"other\""},
      {"no files", no_files.dump(), "\"files\""},
      {"escaping file name", escaping_name.dump(), "../../outside"},
      {"size as string", bad_entry.dump(), "weights.bin"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    WriteWholeFile(path, c.text);
    absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
    EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
    const std::string message(snapshot.status().message());
    EXPECT_TRUE(Contains(message, path));
    EXPECT_TRUE(Contains(message, c.expected_substring));
  }

  fs::remove(path);
  absl::StatusOr<Snapshot> snapshot = store_->Read("m", 1);
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(snapshot.status().message(), path));
}

TEST_F(SnapshotStoreTest, BadNamesAreRejected) {
  const std::vector<std::string> bad_names = {"",
                                              ".",
                                              "..",
                                              "a/b",
                                              "../x",
                                              "a b",
                                              "caf\xc3\xa9",
                                              "tab\t",
                                              std::string(256, 'a')};
  for (const std::string& name : bad_names) {
    SCOPED_TRACE(absl::StrCat("name=\"", name, "\""));
    absl::StatusOr<int64_t> by_model =
        store_->Publish(name, json::object(), {{"f", "x"}});
    EXPECT_EQ(by_model.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(by_model.status().message(), "[A-Za-z0-9._-]"));
    EXPECT_EQ(store_->LatestVersion(name).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(store_->ListVersions(name).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(store_->Read(name, 1).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(store_->Prune(name, 1).status().code(),
              absl::StatusCode::kInvalidArgument);

    absl::StatusOr<int64_t> by_file =
        store_->Publish("m", json::object(), {{name, "x"}});
    EXPECT_EQ(by_file.status().code(), absl::StatusCode::kInvalidArgument);
  }

  // Accepted: the full alphabet and the longest allowed name.
  EXPECT_TRUE(store_->Publish("Az09._-", json::object(), {}).ok());
  EXPECT_TRUE(store_
                  ->Publish(std::string(255, 'm'), json::object(),
                            {{std::string(255, 'f'), "x"}})
                  .ok());

  absl::StatusOr<int64_t> manifest_name =
      store_->Publish("m", json::object(), {{"manifest.json", "{}"}});
  EXPECT_EQ(manifest_name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(manifest_name.status().message(), "manifest.json"));

  absl::StatusOr<int64_t> duplicate =
      store_->Publish("m", json::object(), {{"f", "1"}, {"f", "2"}});
  EXPECT_EQ(duplicate.status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<int64_t> latin1 =
      store_->Publish("m", json{{"class", "caf\xe9"}}, {});
  EXPECT_EQ(latin1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(latin1.status().message(), "UTF-8"));

  for (const json& manifest : {json::array(), json("text"), json(3)}) {
    SCOPED_TRACE(manifest.dump());
    EXPECT_EQ(store_->Publish("m", manifest, {}).status().code(),
              absl::StatusCode::kInvalidArgument);
  }

  // Nothing of the rejected calls reached the disk.
  absl::StatusOr<std::vector<int64_t>> versions = store_->ListVersions("m");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_TRUE(versions->empty());
}

TEST_F(SnapshotStoreTest, FailedWriteLeavesNoVersion) {
  PublishSample("m", "before");
  // A child process publishes a file larger than its RLIMIT_FSIZE, so the
  // write fails with EFBIG part way through the staging directory.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    absl::StatusOr<int64_t> version = store_->Publish(
        "m", json::object(),
        {{"small", "ok"}, {"large", std::string(1 << 16, 'x')}});
    const bool internal_error =
        version.status().code() == absl::StatusCode::kInternal &&
        version.status().message().find("large") != absl::string_view::npos;
    _exit(internal_error ? 0 : 1);
  }
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0)
      << "the child's Publish did not fail with INTERNAL naming the file";

  EXPECT_TRUE(EntriesWithPrefix("m", ".staging-").empty());
  absl::StatusOr<std::vector<int64_t>> versions = store_->ListVersions("m");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, Range(1, 1));
  EXPECT_EQ(*store_->LatestVersion("m"), 1);
}

TEST_F(SnapshotStoreTest, PruneKeepsNewestAndLatest) {
  for (int i = 1; i <= 5; ++i) PublishSample("m", absl::StrCat(i));

  absl::StatusOr<std::vector<int64_t>> removed = store_->Prune("m", 2);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, Range(1, 3));
  EXPECT_EQ(*store_->ListVersions("m"), Range(4, 5));
  EXPECT_TRUE(EntriesWithPrefix("m", ".pruning-").empty());
  EXPECT_FALSE(fs::exists(VersionDir("m", 1)));

  // Pruning again with the same limit removes nothing.
  removed = store_->Prune("m", 2);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->empty());

  // LATEST names an older version, as after a rollback by hand: Prune keeps
  // it besides the newest one.
  EXPECT_EQ(PublishSample("m", "6"), 6);
  WriteWholeFile(ModelDir("m") + "/LATEST", "4\n");
  removed = store_->Prune("m", 1);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, std::vector<int64_t>{5});
  EXPECT_EQ(*store_->ListVersions("m"), (std::vector<int64_t>{4, 6}));
  EXPECT_TRUE(store_->Read("m", 4).ok());
  EXPECT_TRUE(store_->Read("m", 6).ok());
}

TEST_F(SnapshotStoreTest, PruneRejectsKeepBelowOne) {
  PublishSample("m", "a");
  for (int keep : {0, -1}) {
    absl::StatusOr<std::vector<int64_t>> removed = store_->Prune("m", keep);
    EXPECT_EQ(removed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(removed.status().message(), absl::StrCat(keep)));
  }
  absl::StatusOr<std::vector<int64_t>> removed = store_->Prune("nobody", 1);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->empty());
}

TEST_F(SnapshotStoreTest, PublishNeverLowersLatest) {
  PublishSample("m", "a");
  // Another writer already announced a higher version.
  WriteWholeFile(ModelDir("m") + "/LATEST", "10\n");
  EXPECT_EQ(PublishSample("m", "b"), 2);
  EXPECT_EQ(*store_->LatestVersion("m"), 10);
}

TEST_F(SnapshotStoreTest, UnreadableLatest) {
  PublishSample("m", "a");
  WriteWholeFile(ModelDir("m") + "/LATEST", "two\n");
  absl::StatusOr<int64_t> latest = store_->LatestVersion("m");
  EXPECT_EQ(latest.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(latest.status().message(), "two"));
  // Prune does not guess which version is being served.
  EXPECT_EQ(store_->Prune("m", 1).status().code(), absl::StatusCode::kDataLoss);
  // The next publish replaces it.
  EXPECT_EQ(PublishSample("m", "b"), 2);
  EXPECT_EQ(*store_->LatestVersion("m"), 2);
}

// Checks that versions 1..count exist, each with the contents its manifest
// tag names, and that LATEST is `count`.
void ExpectConsistentVersions(const SnapshotStore& store, int64_t count) {
  absl::StatusOr<std::vector<int64_t>> versions = store.ListVersions("m");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, Range(1, count));
  std::set<std::string> tags;
  for (int64_t version = 1; version <= count; ++version) {
    SCOPED_TRACE(absl::StrCat("version=", version));
    absl::StatusOr<Snapshot> snapshot = store.Read("m", version);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    const std::string tag = snapshot->manifest["tag"].get<std::string>();
    tags.insert(tag);
    ASSERT_NE(snapshot->FindFile("weights.bin"), nullptr);
    EXPECT_EQ(snapshot->FindFile("weights.bin")->contents, "weights of " + tag);
  }
  EXPECT_EQ(tags.size(), static_cast<size_t>(count)) << "a tag appears twice";
  absl::StatusOr<int64_t> latest = store.LatestVersion("m");
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(*latest, count);
}

TEST_F(SnapshotStoreTest, ConcurrentThreadsGetConsecutiveVersions) {
  constexpr int kThreads = 4;
  constexpr int kPublishesPerThread = 10;
  std::vector<std::vector<int64_t>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &results] {
      for (int i = 0; i < kPublishesPerThread; ++i) {
        const std::string tag = absl::StrCat("thread", t, "-", i);
        absl::StatusOr<int64_t> version = store_->Publish(
            "m", json{{"tag", tag}}, {{"weights.bin", "weights of " + tag}});
        results[t].push_back(version.ok() ? *version : -1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<int64_t> all;
  for (const std::vector<int64_t>& per_thread : results) {
    // Each thread's own versions increase.
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));
    all.insert(all.end(), per_thread.begin(), per_thread.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, Range(1, kThreads * kPublishesPerThread));
  ExpectConsistentVersions(*store_, kThreads * kPublishesPerThread);
  EXPECT_TRUE(EntriesWithPrefix("m", ".staging-").empty());
}

TEST_F(SnapshotStoreTest, ConcurrentProcessesGetConsecutiveVersions) {
  constexpr int kProcesses = 4;
  constexpr int kPublishesPerProcess = 10;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // Each child opens its own store, as a separate program would.
      absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
          SnapshotStore::Create({.root = root_});
      if (!store.ok()) _exit(2);
      for (int i = 0; i < kPublishesPerProcess; ++i) {
        const std::string tag = absl::StrCat("process", p, "-", i);
        if (!(*store)
                 ->Publish("m", json{{"tag", tag}},
                           {{"weights.bin", "weights of " + tag}})
                 .ok()) {
          _exit(1);
        }
      }
      _exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int wait_status = 0;
    ASSERT_EQ(waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFEXITED(wait_status));
    EXPECT_EQ(WEXITSTATUS(wait_status), 0) << "a child's Publish failed";
  }
  ExpectConsistentVersions(*store_, kProcesses * kPublishesPerProcess);
}

}  // namespace
}  // namespace fe
