// /proc/PID/maps parsing on text the kernel writes, and the current process
// as a Target read through it.
#include "target/proc_maps.h"

#include <unistd.h>

#include <climits>
#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "target/current_process.h"

namespace gentrace::target {
namespace {

TEST(ProcMapsTest, ParsesTheKernelsLines) {
  absl::StatusOr<std::vector<MapsEntry>> maps = ParseProcMaps(
      "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
      "00e03000-00e24000 rw-p 00000000 00:00 0           [heap]\n"
      "7f2c1c000000-7f2c1c021000 rw-p 00000000 00:00 0 \n"
      "7f2c2a0b0000-7f2c2a0b2000 r--p 0001f000 fd:01 42   /tmp/a file "
      "(deleted)\n"
      "7ffd1a5f9000-7ffd1a5fb000 --xp 00000000 00:00 0   [vdso]\n");
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_EQ(maps->size(), 5u);
  EXPECT_EQ((*maps)[0].start, 0x400000u);
  EXPECT_EQ((*maps)[0].end, 0x452000u);
  EXPECT_TRUE((*maps)[0].readable);
  EXPECT_EQ((*maps)[0].name, "/usr/bin/dbus-daemon");
  EXPECT_EQ((*maps)[1].name, "[heap]");
  EXPECT_EQ((*maps)[2].name, "");
  EXPECT_EQ((*maps)[3].file_offset, 0x1f000u);
  EXPECT_EQ((*maps)[3].name, "/tmp/a file (deleted)");
  EXPECT_FALSE((*maps)[4].readable);

  const std::vector<FileMapping> files = FileMappingsOf(*maps);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "/usr/bin/dbus-daemon");
  EXPECT_EQ(files[1].path, "/tmp/a file (deleted)");
  EXPECT_EQ(files[1].start, 0x7f2c2a0b0000u);
}

TEST(ProcMapsTest, RefusesWhatIsNotAMapsLine) {
  for (const char* bad :
       {"garbage\n", "00400000 r-xp 0 0:0 0\n",
        "00400000-0040000g r-xp 0 0:0 0\n", "00500000-00400000 r-xp 0 0:0 0\n",
        "00400000-00500000 r-xp\n"}) {
    EXPECT_EQ(ParseProcMaps(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_TRUE(ParseProcMaps("").ok());
}

TEST(CurrentProcessTest, ReadsItselfAndPlacesItsExecutable) {
  absl::StatusOr<std::unique_ptr<CurrentProcess>> self =
      CurrentProcess::Create();
  ASSERT_TRUE(self.ok()) << self.status();
  EXPECT_EQ(&(*self)->arch(), arch::HostArch());
  EXPECT_TRUE((*self)->threads().empty());
  ASSERT_TRUE((*self)->nanotime().has_value());
  EXPECT_GT(*(*self)->nanotime(), 0);

  const uint64_t local = 0x1122334455667788;
  std::optional<uint64_t> read =
      (*self)->memory().ReadWord(reinterpret_cast<uintptr_t>(&local),
                                 sizeof(local), (*self)->arch().byte_order);
  EXPECT_EQ(read, local);

  // The entry point lies in a mapping of this executable.
  char exe[PATH_MAX] = {};
  ASSERT_GT(readlink("/proc/self/exe", exe, sizeof(exe) - 1), 0);
  ASSERT_TRUE((*self)->entry().has_value());
  const FileMapping* covering = nullptr;
  for (const FileMapping& m : (*self)->file_mappings()) {
    if (m.start <= *(*self)->entry() && *(*self)->entry() < m.end) {
      covering = &m;
    }
  }
  ASSERT_NE(covering, nullptr);
  EXPECT_EQ(covering->path, exe);
}

}  // namespace
}  // namespace gentrace::target
