// POSIX file helpers for the snapshot store: durable writes (write, fsync,
// close), directory fsync, no-replace renames, temporary directories and
// checksum-verified reads. Every failure is an absl::Status whose message
// names the path.

#ifndef FE_CORE_SNAPSHOT_FILE_IO_H_
#define FE_CORE_SNAPSHOT_FILE_IO_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fe {
namespace snapshot_internal {

// Owns a file descriptor and closes it on destruction.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor& operator=(FileDescriptor&&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }

  // Closes now and returns close()'s errno, or 0 on success. Some file
  // systems (NFS) report write errors only here.
  int Close();

 private:
  int fd_;
};

// INTERNAL status "<operation> <path> failed: <strerror(error_number)>".
absl::Status IoError(absl::string_view operation, const std::string& path,
                     int error_number);

// Returns "<directory>/<name>".
std::string JoinPath(const std::string& directory, absl::string_view name);

// Returns 16 random hex digits for temporary names. Collisions are unlikely
// and detected: callers create the entry with mkdir or O_EXCL, which fail on
// an existing name.
std::string RandomSuffix();

// Flushes the entries of directory `path` to stable storage.
absl::Status FsyncDirectory(const std::string& path);

// Writes `data` to `path` and fsyncs it. `create_flags` is O_EXCL for a new
// file, which is removed again if writing fails, or O_TRUNC to overwrite one.
absl::Status WriteFileDurably(const std::string& path, absl::string_view data,
                              int create_flags);

// Reads a whole small file (manifest, LATEST). NOT_FOUND if it is missing.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path);

// Renames the directory `from` to `to` unless `to` exists. Returns 0 or the
// errno; EEXIST or ENOTEMPTY mean that `to` already exists.
int RenameNoReplace(const std::string& from, const std::string& to);

// Creates directory `path` if it is missing, and fsyncs `parent` so that
// the new entry survives a crash. INTERNAL if `path` is not a directory.
absl::Status CreateDirectoryDurably(const std::string& parent,
                                    const std::string& path);

// Reads the file at `path` and checks its size and SHA-256 (lowercase hex).
// DATA_LOSS, naming the path and the expected and actual values, if it is
// missing, not a regular file, or has another size or digest.
absl::StatusOr<std::string> ReadFileAndVerify(
    const std::string& path, int64_t expected_size,
    const std::string& expected_sha256);

// A new directory with a random name, removed with its contents on
// destruction unless Release()d.
class TemporaryDirectory {
 public:
  // Creates `<parent>/<prefix><random>`.
  static absl::StatusOr<TemporaryDirectory> Create(const std::string& parent,
                                                   absl::string_view prefix);

  TemporaryDirectory(TemporaryDirectory&& other) noexcept
      : path_(std::exchange(other.path_, "")) {}
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory();

  const std::string& path() const { return path_; }

  // Keeps the directory, for example after renaming it into place.
  void Release() { path_.clear(); }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}

  std::string path_;
};

}  // namespace snapshot_internal
}  // namespace fe

#endif  // FE_CORE_SNAPSHOT_FILE_IO_H_
