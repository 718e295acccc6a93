#include "core/snapshot/snapshot_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/snapshot/file_io.h"
#include "core/snapshot/sha256.h"
#include "spdlog/spdlog.h"

namespace fe {
namespace {

using json = nlohmann::json;
using snapshot_internal::CreateDirectoryDurably;
using snapshot_internal::FileDescriptor;
using snapshot_internal::FsyncDirectory;
using snapshot_internal::IoError;
using snapshot_internal::JoinPath;
using snapshot_internal::RandomSuffix;
using snapshot_internal::ReadFileAndVerify;
using snapshot_internal::ReadSmallFile;
using snapshot_internal::RenameNoReplace;
using snapshot_internal::TemporaryDirectory;
using snapshot_internal::WriteFileDurably;

constexpr char kManifestFileName[] = "manifest.json";
constexpr char kLatestFileName[] = "LATEST";
constexpr char kLatestTempPrefix[] = "LATEST.tmp-";
constexpr char kLockFileName[] = ".lock";
constexpr char kStagingPrefix[] = ".staging-";
constexpr char kPruningPrefix[] = ".pruning-";

// NAME_MAX on Linux file systems.
constexpr size_t kMaxNameLength = 255;
// Version numbers a publisher tries before it gives up with ABORTED.
constexpr int kMaxPublishAttempts = 100;
// Rewrites of LATEST by one publisher before it gives up.
constexpr int kMaxLatestAttempts = 100;
// Ignored directory entries logged at warning level before only every
// kIgnoredEntryLogInterval-th one is.
constexpr int64_t kIgnoredEntryWarnings = 50;
constexpr int64_t kIgnoredEntryLogInterval = 1000;

// Checks a model or file name against the rule in snapshot_store.h. `kind`
// names the value in the message ("model name", "file name").
absl::Status ValidateName(absl::string_view kind, const std::string& name) {
  constexpr char kRule[] =
      "expected 1 to 255 characters from [A-Za-z0-9._-], not \".\" or \"..\"";
  bool valid = !name.empty() && name.size() <= kMaxNameLength && name != "." &&
               name != "..";
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      valid = false;
    }
  }
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", kind, " \"", absl::CEscape(name), "\": ", kRule));
  }
  return absl::OkStatus();
}

absl::Status ValidateFileName(const std::string& name) {
  absl::Status status = ValidateName("file name", name);
  if (!status.ok()) return status;
  if (name == kManifestFileName) {
    return absl::InvalidArgumentError(
        "invalid file name \"manifest.json\": the store writes that file "
        "itself");
  }
  return absl::OkStatus();
}

// Parses a directory or LATEST entry as a version number. Only the canonical
// form counts ("7", not "07", "+7" or "0"), so each version has one name.
std::optional<int64_t> ParseVersion(absl::string_view text) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(text, &version) || version < 1 ||
      absl::StrCat(version) != text) {
    return std::nullopt;
  }
  return version;
}

// Logs a directory entry that ListVersions skips. Pollers list often, so
// after the first kIgnoredEntryWarnings entries in this process only every
// kIgnoredEntryLogInterval-th one is logged at warning level.
void LogIgnoredEntry(const std::string& path, const char* reason) {
  static std::atomic<int64_t> ignored_entries{0};
  const int64_t count = ignored_entries.fetch_add(1) + 1;
  if (count <= kIgnoredEntryWarnings || count % kIgnoredEntryLogInterval == 0) {
    spdlog::warn(
        "ignoring snapshot directory entry path={} reason=\"{}\" "
        "ignored_entries={}",
        path, reason, count);
  } else {
    spdlog::debug("ignoring snapshot directory entry path={} reason=\"{}\"",
                  path, reason);
  }
}

// Returns the version in `<model_dir>/LATEST`. NOT_FOUND if the file is
// missing, DATA_LOSS if it does not contain a version number.
absl::StatusOr<int64_t> ReadLatestFile(const std::string& model_dir) {
  const std::string path = JoinPath(model_dir, kLatestFileName);
  absl::StatusOr<std::string> text = ReadSmallFile(path);
  if (!text.ok()) return text.status();
  const absl::string_view trimmed = absl::StripAsciiWhitespace(*text);
  std::optional<int64_t> version = ParseVersion(trimmed);
  if (!version.has_value()) {
    return absl::DataLossError(
        absl::StrCat(path, " contains \"", absl::CEscape(trimmed),
                     "\", expected a positive version number"));
  }
  return *version;
}

// Lists the complete versions in `model_dir`: entries named by a version
// number that contain a manifest. Empty if the directory does not exist.
absl::StatusOr<std::vector<int64_t>> ListCompleteVersions(
    const std::string& model_dir) {
  namespace fs = std::filesystem;
  std::vector<int64_t> versions;
  std::error_code error;
  fs::directory_iterator it(model_dir, error);
  if (error == std::errc::no_such_file_or_directory) return versions;
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    // Staging, pruning and lock entries start with a dot. LATEST and its
    // temporary files are expected too.
    if (absl::StartsWith(name, ".") || name == kLatestFileName ||
        absl::StartsWith(name, kLatestTempPrefix)) {
      continue;
    }
    const std::string path = it->path().string();
    std::optional<int64_t> version = ParseVersion(name);
    if (!version.has_value()) {
      LogIgnoredEntry(path, "name is not a version number");
      continue;
    }
    struct stat info;
    const std::string manifest_path = JoinPath(path, kManifestFileName);
    if (stat(manifest_path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
      LogIgnoredEntry(path, "not a directory with a manifest.json");
      continue;
    }
    versions.push_back(*version);
  }
  if (error) {
    return absl::InternalError(absl::StrCat("list directory ", model_dir,
                                            " failed: ", error.message()));
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

// Points `<model_dir>/LATEST` at `version`: temporary file, fsync, rename,
// fsync of the directory.
absl::Status WriteLatestFile(const std::string& model_dir, int64_t version) {
  const std::string latest_path = JoinPath(model_dir, kLatestFileName);
  const std::string temp_path =
      JoinPath(model_dir, absl::StrCat(kLatestTempPrefix, RandomSuffix()));
  absl::Status status =
      WriteFileDurably(temp_path, absl::StrCat(version, "\n"), O_EXCL);
  if (!status.ok()) return status;
  if (rename(temp_path.c_str(), latest_path.c_str()) != 0) {
    const int error_number = errno;
    unlink(temp_path.c_str());
    return IoError(absl::StrCat("rename ", temp_path, " to"), latest_path,
                   error_number);
  }
  return FsyncDirectory(model_dir);
}

// Raises `<model_dir>/LATEST` to at least `version`. Never lowers it.
absl::Status UpdateLatest(const std::string& model_dir, int64_t version) {
  // The exclusive lock makes read-compare-replace atomic among publishers.
  const std::string lock_path = JoinPath(model_dir, kLockFileName);
  FileDescriptor lock(
      open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock.get() < 0) return IoError("open lock file", lock_path, errno);
  while (flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return IoError("lock", lock_path, errno);
  }

  // NOTE: On NFS, Linux emulates flock() with fcntl() record locks (see
  // flock(2)), which do not exclude two threads of one process. Two such
  // publishers can then leave LATEST lower than the newest version for a
  // moment. Every publisher therefore re-reads the version list after
  // writing and raises LATEST to its maximum, so LATEST is correct once all
  // publishers have returned.
  int64_t target = version;
  for (int attempt = 0; attempt < kMaxLatestAttempts; ++attempt) {
    int64_t current = 0;
    absl::StatusOr<int64_t> latest = ReadLatestFile(model_dir);
    if (latest.ok()) {
      current = *latest;
    } else if (absl::IsDataLoss(latest.status())) {
      spdlog::warn("replacing unreadable LATEST dir={} error=\"{}\"", model_dir,
                   latest.status().ToString());
    } else if (!absl::IsNotFound(latest.status())) {
      return latest.status();
    }
    if (current >= target) return absl::OkStatus();

    absl::Status status = WriteLatestFile(model_dir, target);
    if (!status.ok()) return status;

    absl::StatusOr<std::vector<int64_t>> versions =
        ListCompleteVersions(model_dir);
    if (!versions.ok()) return versions.status();
    if (!versions->empty()) target = std::max(target, versions->back());
  }
  return absl::AbortedError(absl::StrCat(
      "LATEST in ", model_dir, " kept changing while raising it to ", target));
}

// Serialises a manifest as indented JSON. The replace handler keeps dump()
// from throwing, and CheckUtf8 has already rejected the strings it alters.
std::string DumpManifest(const json& manifest) {
  return manifest.dump(2, ' ', /*ensure_ascii=*/false,
                       json::error_handler_t::replace) +
         "\n";
}

// Rejects a caller's manifest whose strings are not valid UTF-8, which JSON
// requires. Bytes that the replace handler turns into U+FFFD are dropped by
// the ignore handler, so the two outputs differ exactly when such bytes exist.
absl::Status CheckUtf8(const json& manifest, const std::string& model) {
  const std::string replaced =
      manifest.dump(-1, ' ', false, json::error_handler_t::replace);
  const std::string ignored =
      manifest.dump(-1, ' ', false, json::error_handler_t::ignore);
  if (replaced != ignored) {
    // Show the JSON text just before the first invalid byte.
    const size_t position = std::mismatch(replaced.begin(), replaced.end(),
                                          ignored.begin(), ignored.end())
                                .first -
                            replaced.begin();
    const size_t start = position > 60 ? position - 60 : 0;
    return absl::InvalidArgumentError(
        absl::StrCat("manifest for model ", model,
                     " contains a string that is not valid UTF-8, after \"",
                     replaced.substr(start, position - start),
                     "\"; encode its strings as UTF-8"));
  }
  return absl::OkStatus();
}

// Checks the fields of a parsed manifest that Read relies on.
absl::Status CheckManifest(const json& manifest, const std::string& path,
                           const std::string& model, int64_t version) {
  if (!manifest.is_object()) {
    return absl::DataLossError(absl::StrCat("manifest ", path, " is a JSON ",
                                            manifest.type_name(),
                                            ", expected an object"));
  }
  const auto version_field = manifest.find("version");
  if (version_field == manifest.end() || !version_field->is_number_integer() ||
      version_field->get<int64_t>() != version) {
    return absl::DataLossError(absl::StrCat(
        "manifest ", path, " has \"version\": ",
        version_field == manifest.end() ? "(missing)" : version_field->dump(),
        ", expected ", version, " (the directory name)"));
  }
  const auto model_field = manifest.find("model");
  if (model_field == manifest.end() || !model_field->is_string() ||
      model_field->get<std::string>() != model) {
    return absl::DataLossError(absl::StrCat(
        "manifest ", path, " has \"model\": ",
        model_field == manifest.end() ? "(missing)" : model_field->dump(),
        ", expected \"", model, "\""));
  }
  const auto files_field = manifest.find("files");
  if (files_field == manifest.end() || !files_field->is_object()) {
    return absl::DataLossError(
        absl::StrCat("manifest ", path, " has no \"files\" object"));
  }
  for (const auto& [name, entry] : files_field->items()) {
    if (!ValidateFileName(name).ok()) {
      return absl::DataLossError(absl::StrCat("manifest ", path,
                                              " lists invalid file name \"",
                                              absl::CEscape(name), "\""));
    }
    const auto sha256 = entry.find("sha256");
    const auto size = entry.find("size_bytes");
    const bool valid_sha256 =
        entry.is_object() && sha256 != entry.end() && sha256->is_string() &&
        sha256->get<std::string>().size() == 2 * Sha256::kDigestBytes;
    const bool valid_size = entry.is_object() && size != entry.end() &&
                            size->is_number_integer() &&
                            size->get<int64_t>() >= 0;
    if (!valid_sha256 || !valid_size) {
      return absl::DataLossError(absl::StrCat(
          "manifest ", path, " entry for file ", name, " is ", entry.dump(),
          ", expected {\"sha256\": <64 hex digits>, \"size_bytes\": <bytes>}"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const SnapshotFile* Snapshot::FindFile(const std::string& name) const {
  for (const SnapshotFile& file : files) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<SnapshotStore>> SnapshotStore::Create(
    const Options& options) {
  if (options.root.empty()) {
    return absl::InvalidArgumentError(
        "snapshot store Options.root is empty, expected a directory path");
  }
  std::error_code error;
  std::filesystem::create_directories(options.root, error);
  if (error || !std::filesystem::is_directory(options.root, error)) {
    return absl::InternalError(absl::StrCat(
        "cannot create snapshot store root ", options.root, ": ",
        error ? error.message() : "exists but is not a directory"));
  }
  return std::unique_ptr<SnapshotStore>(new SnapshotStore(options.root));
}

absl::StatusOr<int64_t> SnapshotStore::Publish(
    const std::string& model, json manifest,
    const std::vector<SnapshotFile>& files) const {
  absl::Status status = ValidateName("model name", model);
  if (!status.ok()) return status;
  if (!manifest.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest for model ", model, " is a JSON ",
                     manifest.type_name(), ", expected an object"));
  }
  status = CheckUtf8(manifest, model);
  if (!status.ok()) return status;
  std::set<std::string> names;
  for (const SnapshotFile& file : files) {
    status = ValidateFileName(file.name);
    if (!status.ok()) return status;
    if (!names.insert(file.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("file name ", file.name, " appears twice"));
    }
  }

  const std::string model_dir = JoinPath(root_, model);
  status = CreateDirectoryDurably(root_, model_dir);
  if (!status.ok()) return status;
  // Removed on return unless it is renamed into place. A leftover after a
  // crash is ignored by readers and wastes only space.
  absl::StatusOr<TemporaryDirectory> staging =
      TemporaryDirectory::Create(model_dir, kStagingPrefix);
  if (!staging.ok()) return staging.status();

  json file_entries = json::object();
  int64_t total_bytes = 0;
  for (const SnapshotFile& file : files) {
    status = WriteFileDurably(JoinPath(staging->path(), file.name),
                              file.contents, O_EXCL);
    if (!status.ok()) return status;
    const auto size = static_cast<int64_t>(file.contents.size());
    file_entries[file.name] = {{"sha256", Sha256Hex(file.contents)},
                               {"size_bytes", size}};
    total_bytes += size;
  }
  manifest["model"] = model;
  manifest["created_at"] = absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ",
                                            absl::Now(), absl::UTCTimeZone());
  manifest["files"] = std::move(file_entries);

  // Pick the number as late as possible, so that a slow writer rarely has
  // to retry.
  absl::StatusOr<std::vector<int64_t>> versions =
      ListCompleteVersions(model_dir);
  if (!versions.ok()) return versions.status();
  int64_t version = versions->empty() ? 1 : versions->back() + 1;

  const std::string manifest_path =
      JoinPath(staging->path(), kManifestFileName);
  bool renamed = false;
  for (int attempt = 0; attempt < kMaxPublishAttempts && !renamed; ++attempt) {
    manifest["version"] = version;
    status = WriteFileDurably(manifest_path, DumpManifest(manifest),
                              attempt == 0 ? O_EXCL : O_TRUNC);
    if (!status.ok()) return status;
    // Later attempts rewrite the manifest in place, so the directory entries
    // synced here stay valid.
    if (attempt == 0) {
      status = FsyncDirectory(staging->path());
      if (!status.ok()) return status;
    }

    const std::string version_dir = JoinPath(model_dir, absl::StrCat(version));
    const int error_number = RenameNoReplace(staging->path(), version_dir);
    if (error_number == 0) {
      renamed = true;
    } else if (error_number == EEXIST || error_number == ENOTEMPTY) {
      ++version;  // another writer owns this number
    } else {
      return IoError(absl::StrCat("rename ", staging->path(), " to"),
                     version_dir, error_number);
    }
  }
  if (!renamed) {
    return absl::AbortedError(
        absl::StrCat("publishing model ", model, " failed: other writers took ",
                     kMaxPublishAttempts, " version numbers in a row, up to ",
                     version - 1, "; retry later"));
  }
  staging->Release();

  status = FsyncDirectory(model_dir);
  if (!status.ok()) return status;
  status = UpdateLatest(model_dir, version);
  if (!status.ok()) return status;

  spdlog::info("published snapshot model={} version={} files={} bytes={}",
               model, version, files.size(), total_bytes);
  return version;
}

absl::StatusOr<int64_t> SnapshotStore::LatestVersion(
    const std::string& model) const {
  absl::Status status = ValidateName("model name", model);
  if (!status.ok()) return status;
  absl::StatusOr<int64_t> latest = ReadLatestFile(JoinPath(root_, model));
  if (absl::IsNotFound(latest.status())) {
    return absl::NotFoundError(
        absl::StrCat("model ", model,
                     " has no published version: ", latest.status().message()));
  }
  return latest;
}

absl::StatusOr<std::vector<int64_t>> SnapshotStore::ListVersions(
    const std::string& model) const {
  absl::Status status = ValidateName("model name", model);
  if (!status.ok()) return status;
  return ListCompleteVersions(JoinPath(root_, model));
}

absl::StatusOr<Snapshot> SnapshotStore::Read(const std::string& model,
                                             int64_t version) const {
  absl::Status status = ValidateName("model name", model);
  if (!status.ok()) return status;
  if (version < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid version ", version, " of model ", model,
                     ": expected a positive number"));
  }

  const std::string model_dir = JoinPath(root_, model);
  const std::string version_dir = JoinPath(model_dir, absl::StrCat(version));
  struct stat info;
  if (stat(model_dir.c_str(), &info) != 0 && errno == ENOENT) {
    return absl::NotFoundError(
        absl::StrCat("model ", model, " not found in snapshot store ", root_));
  }
  if (stat(version_dir.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("version ", version, " of model ", model,
                       " not found: ", version_dir, " does not exist"));
    }
    return IoError("stat", version_dir, errno);
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::DataLossError(
        absl::StrCat(version_dir, " is not a directory"));
  }

  const std::string manifest_path = JoinPath(version_dir, kManifestFileName);
  absl::StatusOr<std::string> text = ReadSmallFile(manifest_path);
  if (absl::IsNotFound(text.status())) {
    return absl::DataLossError(
        absl::StrCat("manifest ", manifest_path, " is missing"));
  }
  if (!text.ok()) return text.status();
  json manifest = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded()) {
    return absl::DataLossError(
        absl::StrCat("manifest ", manifest_path, " is not valid JSON"));
  }
  status = CheckManifest(manifest, manifest_path, model, version);
  if (!status.ok()) return status;

  // NOTE: Files in the directory that the manifest does not list are
  // ignored, not read and not reported.
  Snapshot snapshot;
  snapshot.model = model;
  snapshot.version = version;
  for (const auto& [name, entry] : manifest["files"].items()) {
    absl::StatusOr<std::string> contents = ReadFileAndVerify(
        JoinPath(version_dir, name), entry["size_bytes"].get<int64_t>(),
        entry["sha256"].get<std::string>());
    if (!contents.ok()) return contents.status();
    snapshot.files.push_back({name, *std::move(contents)});
  }
  snapshot.manifest = std::move(manifest);
  return snapshot;
}

absl::StatusOr<std::vector<int64_t>> SnapshotStore::Prune(
    const std::string& model, int keep) const {
  absl::Status status = ValidateName("model name", model);
  if (!status.ok()) return status;
  if (keep < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("keep is ", keep, ", expected at least 1"));
  }

  // List before reading LATEST: a version published in between is then
  // either missing from the list or already named by LATEST.
  const std::string model_dir = JoinPath(root_, model);
  absl::StatusOr<std::vector<int64_t>> versions =
      ListCompleteVersions(model_dir);
  if (!versions.ok()) return versions.status();
  std::optional<int64_t> latest;
  absl::StatusOr<int64_t> latest_or = ReadLatestFile(model_dir);
  if (latest_or.ok()) {
    latest = *latest_or;
  } else if (!absl::IsNotFound(latest_or.status())) {
    return latest_or.status();
  }

  std::vector<int64_t> removed;
  const size_t prunable = versions->size() > static_cast<size_t>(keep)
                              ? versions->size() - static_cast<size_t>(keep)
                              : 0;
  for (size_t i = 0; i < prunable; ++i) {
    const int64_t version = (*versions)[i];
    if (latest == version) continue;
    // Renaming first hides the version from readers and listings at once.
    // The slow recursive delete then runs on a name that readers ignore.
    const std::string version_dir = JoinPath(model_dir, absl::StrCat(version));
    const std::string doomed_dir = JoinPath(
        model_dir, absl::StrCat(kPruningPrefix, version, "-", RandomSuffix()));
    if (rename(version_dir.c_str(), doomed_dir.c_str()) != 0) {
      if (errno == ENOENT) continue;  // another Prune removed it
      return IoError(absl::StrCat("rename ", version_dir, " to"), doomed_dir,
                     errno);
    }
    removed.push_back(version);
    std::error_code error;
    std::filesystem::remove_all(doomed_dir, error);
    if (error) {
      spdlog::warn("failed to delete pruned snapshot path={} error=\"{}\"",
                   doomed_dir, error.message());
    }
  }

  if (!removed.empty()) {
    spdlog::info("pruned snapshots model={} removed=[{}] kept={}", model,
                 absl::StrJoin(removed, ","),
                 versions->size() - removed.size());
  }
  return removed;
}

absl::Status ValidateModelName(const std::string& name) {
  return ValidateName("model name", name);
}

}  // namespace fe
