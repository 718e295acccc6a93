#include "core/snapshot/file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "core/snapshot/sha256.h"
#include "spdlog/spdlog.h"

namespace fe {
namespace snapshot_internal {
namespace {

// Read size for ReadFileAndVerify.
constexpr size_t kReadChunkBytes = size_t{1} << 20;

std::string ErrnoMessage(int error_number) {
  char buffer[256];
  // GNU strerror_r returns a pointer to the message, which may or may not
  // point into `buffer`.
  return strerror_r(error_number, buffer, sizeof(buffer));
}

// Writes `data` to an open file, then fsyncs and closes it.
absl::Status WriteAndClose(FileDescriptor fd, const std::string& path,
                           absl::string_view data) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t result =
        write(fd.get(), data.data() + written, data.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    written += static_cast<size_t>(result);
  }
  if (fsync(fd.get()) != 0) return IoError("fsync", path, errno);
  if (const int error_number = fd.Close(); error_number != 0) {
    return IoError("close", path, error_number);
  }
  return absl::OkStatus();
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) close(fd_);
}

int FileDescriptor::Close() {
  const int result = close(std::exchange(fd_, -1));
  return result == 0 ? 0 : errno;
}

absl::Status IoError(absl::string_view operation, const std::string& path,
                     int error_number) {
  return absl::InternalError(absl::StrCat(
      operation, " ", path, " failed: ", ErrnoMessage(error_number)));
}

std::string JoinPath(const std::string& directory, absl::string_view name) {
  return absl::StrCat(directory, "/", name);
}

std::string RandomSuffix() {
  static std::atomic<uint64_t> counter{0};
  uint64_t random = 0;
  if (getrandom(&random, sizeof(random), GRND_NONBLOCK) != sizeof(random)) {
    random = 0;  // the clock, pid and counter below still vary
  }
  const uint64_t clock = static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  const uint64_t value = random ^ clock ^
                         (static_cast<uint64_t>(getpid()) << 40) ^
                         (counter.fetch_add(1) * 0x9e3779b97f4a7c15ULL);
  return absl::StrCat(absl::Hex(value, absl::kZeroPad16));
}

absl::Status FsyncDirectory(const std::string& path) {
  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("open directory", path, errno);
  if (fsync(fd.get()) != 0) return IoError("fsync directory", path, errno);
  return absl::OkStatus();
}

absl::Status WriteFileDurably(const std::string& path, absl::string_view data,
                              int create_flags) {
  FileDescriptor fd(
      open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | create_flags, 0644));
  if (fd.get() < 0) return IoError("create", path, errno);
  absl::Status status = WriteAndClose(std::move(fd), path, data);
  if (!status.ok() && (create_flags & O_EXCL) != 0) unlink(path.c_str());
  return status;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    }
    return IoError("open", path, errno);
  }
  std::string contents;
  char buffer[8192];
  while (true) {
    const ssize_t result = read(fd.get(), buffer, sizeof(buffer));
    if (result < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (result == 0) break;
    contents.append(buffer, static_cast<size_t>(result));
  }
  return contents;
}

int RenameNoReplace(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS) return errno;
  // NOTE: Kernels before 3.15 (ENOSYS) and file systems without support for
  // RENAME_NOREPLACE (EINVAL, see rename(2)) need this fallback. Plain
  // rename(2) refuses to replace a non-empty directory, and every version
  // directory contains a manifest. So the fallback differs only when `to` is
  // an empty directory, which it replaces.
  if (rename(from.c_str(), to.c_str()) == 0) return 0;
  return errno;
}

absl::Status CreateDirectoryDurably(const std::string& parent,
                                    const std::string& path) {
  if (mkdir(path.c_str(), 0755) == 0) return FsyncDirectory(parent);
  if (errno != EEXIST) return IoError("create directory", path, errno);
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return IoError("stat", path, errno);
  if (!S_ISDIR(info.st_mode)) {
    return absl::InternalError(
        absl::StrCat(path, " exists but is not a directory"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFileAndVerify(
    const std::string& path, int64_t expected_size,
    const std::string& expected_sha256) {
  FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) {
      return absl::DataLossError(
          absl::StrCat("file ", path, " is missing (expected ", expected_size,
                       " bytes with SHA-256 ", expected_sha256, ")"));
    }
    return IoError("open", path, errno);
  }

  struct stat info;
  if (fstat(fd.get(), &info) != 0) return IoError("stat", path, errno);
  if (!S_ISREG(info.st_mode)) {
    return absl::DataLossError(
        absl::StrCat("file ", path, " is not a regular file"));
  }
  if (info.st_size != expected_size) {
    return absl::DataLossError(
        absl::StrCat("file ", path, " has ", info.st_size, " bytes, expected ",
                     expected_size, " (truncated or altered)"));
  }

  // Hash each chunk as it arrives, while it is still in cache.
  std::string contents(static_cast<size_t>(expected_size), '\0');
  Sha256 hasher;
  size_t offset = 0;
  while (offset < contents.size()) {
    const size_t chunk_bytes =
        std::min(kReadChunkBytes, contents.size() - offset);
    const ssize_t result = read(fd.get(), &contents[offset], chunk_bytes);
    if (result < 0) {
      if (errno == EINTR) continue;
      return IoError("read", path, errno);
    }
    if (result == 0) {
      return absl::DataLossError(absl::StrCat("file ", path, " ended after ",
                                              offset, " bytes, expected ",
                                              expected_size));
    }
    hasher.Update(
        absl::string_view(&contents[offset], static_cast<size_t>(result)));
    offset += static_cast<size_t>(result);
  }

  const std::string actual_sha256 = hasher.FinalHex();
  if (actual_sha256 != expected_sha256) {
    return absl::DataLossError(absl::StrCat("file ", path, " has SHA-256 ",
                                            actual_sha256, ", expected ",
                                            expected_sha256, " (altered)"));
  }
  return contents;
}

absl::StatusOr<TemporaryDirectory> TemporaryDirectory::Create(
    const std::string& parent, absl::string_view prefix) {
  int error_number = EEXIST;
  std::string path;
  for (int attempt = 0; attempt < 10 && error_number == EEXIST; ++attempt) {
    path = JoinPath(parent, absl::StrCat(prefix, RandomSuffix()));
    error_number = mkdir(path.c_str(), 0755) == 0 ? 0 : errno;
  }
  if (error_number != 0) {
    return IoError("create directory", path, error_number);
  }
  return TemporaryDirectory(std::move(path));
}

TemporaryDirectory::~TemporaryDirectory() {
  if (path_.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(path_, error);
  if (error) {
    spdlog::warn("failed to remove temporary directory path={} error=\"{}\"",
                 path_, error.message());
  }
}

}  // namespace snapshot_internal
}  // namespace fe
