#ifndef BATON_COMMON_TESTING_TEMP_DIR_H_
#define BATON_COMMON_TESTING_TEMP_DIR_H_

#include <filesystem>
#include <string>

namespace baton::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// when the object goes away. Tests keep their RocksDB data here.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace baton::testing

#endif  // BATON_COMMON_TESTING_TEMP_DIR_H_
