// Versioned, immutable model snapshots on a shared directory tree.
//
// Layout under the store root:
//
//   <root>/<model>/<version>/manifest.json   manifest with a SHA-256 per file
//   <root>/<model>/<version>/<file>...       weight files
//   <root>/<model>/LATEST                    newest complete version number
//   <root>/<model>/.staging-*                versions being written
//   <root>/<model>/.lock                     serialises updates of LATEST
//
// Versions are positive integers that increase by one. A writer builds a
// version in a staging directory, fsyncs it and renames it into place with
// RENAME_NOREPLACE, so readers never see a half-written version and two
// writers racing for the same number cannot both win: the loser retries with
// the next number. LATEST is replaced atomically (temporary file, fsync,
// rename).
//
// This file knows nothing about tensors: the FE-specific contents are built
// by model_io.h on top of it.
//
// Thread-safety: a SnapshotStore has no mutable state and is safe to use
// from several threads and processes at once.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<SnapshotStore>> store =
//       SnapshotStore::Create({.root = "/var/lib/fe/snapshots"});
//   absl::StatusOr<int64_t> version = (*store)->Publish("snu-la", manifest,
//                                                       files);

#ifndef FE_CORE_SNAPSHOT_SNAPSHOT_STORE_H_
#define FE_CORE_SNAPSHOT_SNAPSHOT_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fe {

// One file of a snapshot version, held in memory.
struct SnapshotFile {
  std::string name;      // plain file name, no directories
  std::string contents;  // raw bytes
};

// A version read back from the store, with every checksum verified.
struct Snapshot {
  std::string model;
  int64_t version = 0;
  nlohmann::json manifest;
  std::vector<SnapshotFile> files;

  // Returns the file called `name`, or nullptr if the version has none.
  const SnapshotFile* FindFile(const std::string& name) const;
};

class SnapshotStore {
 public:
  struct Options {
    // Root directory of the store; created if missing.
    std::string root;
  };

  // Opens (and creates if needed) the store at options.root.
  // INVALID_ARGUMENT if root is empty, INTERNAL if it cannot be created.
  static absl::StatusOr<std::unique_ptr<SnapshotStore>> Create(
      const Options& options);

  // Writes a new version of `model` and returns its number.
  //
  // `manifest` is a JSON object with the caller's fields; Publish adds
  // "model", "version", "created_at" (RFC 3339, UTC) and "files" (name ->
  // {"sha256", "size_bytes"}), and keeps a caller's "parent_version" if set.
  // Model names are [A-Za-z0-9._-]+, at most 255 characters, and not "." or
  // "..". File names follow the same rule, must be unique and may not be
  // "manifest.json". INVALID_ARGUMENT for a bad name or a manifest that is
  // not an object. INTERNAL for I/O failures: before the rename the staging
  // directory is removed and no version appears. After the rename (syncing
  // the model directory, updating LATEST) the new version stays in place,
  // and the next successful Publish moves LATEST past it. ABORTED if other
  // writers took the next 100 version numbers first.
  absl::StatusOr<int64_t> Publish(const std::string& model,
                                  nlohmann::json manifest,
                                  const std::vector<SnapshotFile>& files) const;

  // Returns the version named by <model>/LATEST. NOT_FOUND if the model has
  // no published version.
  absl::StatusOr<int64_t> LatestVersion(const std::string& model) const;

  // Returns the complete versions of `model` in increasing order (empty if
  // the model does not exist).
  absl::StatusOr<std::vector<int64_t>> ListVersions(
      const std::string& model) const;

  // Reads one version and verifies the size and SHA-256 of every file that
  // the manifest lists. NOT_FOUND for a missing model or version,
  // DATA_LOSS for a missing, truncated or altered file or an unreadable
  // manifest; the message names the file and the expected and actual value.
  absl::StatusOr<Snapshot> Read(const std::string& model,
                                int64_t version) const;

  // Removes all but the newest `keep` versions of `model`, never the one
  // LATEST names. Returns the removed version numbers.
  absl::StatusOr<std::vector<int64_t>> Prune(const std::string& model,
                                             int keep) const;

  const std::string& root() const { return root_; }

 private:
  explicit SnapshotStore(std::string root) : root_(std::move(root)) {}

  std::string root_;
};

// Checks `name` against the model name rule of Publish; INVALID_ARGUMENT
// names the value and the rule. Lets a caller reject a bad name before it
// does expensive work such as training.
absl::Status ValidateModelName(const std::string& name);

// Returns the lowercase hex SHA-256 digest of `data` (FIPS 180-4).
std::string Sha256Hex(const std::string& data);

}  // namespace fe

#endif  // FE_CORE_SNAPSHOT_SNAPSHOT_STORE_H_
