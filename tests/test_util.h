// Helpers shared by the test binaries.

#ifndef FE_TESTS_TEST_UTIL_H_
#define FE_TESTS_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace fe::testing {

// Creates a fresh directory under $FE_TEST_TMPDIR (set by ctest) or /tmp
// and returns its path. The caller removes it when done.
inline std::string MakeTempDir(const std::string& prefix) {
  const char* root = std::getenv("FE_TEST_TMPDIR");
  std::filesystem::path base = root != nullptr ? root : "/tmp";
  std::filesystem::create_directories(base);
  std::string pattern = (base / (prefix + "-XXXXXX")).string();
  char* made = mkdtemp(pattern.data());
  return made != nullptr ? std::string(made) : std::string();
}

// A fresh directory from MakeTempDir, removed with its contents when the
// object goes out of scope.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix)
      : path_(MakeTempDir(prefix)) {}
  ~ScratchDir() {
    std::error_code error;
    if (!path_.empty()) std::filesystem::remove_all(path_, error);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // Returns the path of `name` inside the directory.
  std::string File(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }

 private:
  std::string path_;
};

// Returns $FE_DATA_DIR (the directory that holds snu-b36-ex/ and
// xlsa17-splits/), or an empty string when it is not set.
inline std::string RealDataDir() {
  const char* dir = std::getenv("FE_DATA_DIR");
  return dir != nullptr ? std::string(dir) : std::string();
}

}  // namespace fe::testing

#endif  // FE_TESTS_TEST_UTIL_H_
