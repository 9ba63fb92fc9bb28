// DwarfTypes against gdb: the member offsets gentrace reads with libdw are
// the ones gdb-multiarch printed for the same binary (the fixture's
// .runtime_layout.txt); files without usable DWARF give errors, never a
// crash.
#include "symtab/dwarf_types.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "symtab/elf_file.h"
#include "tests/testing/fixtures.h"

namespace gentrace::symtab {
namespace {

// A go1.23 amd64 test program with DWARF, or "" without fixtures.
std::string ProgramWithDwarf() {
  std::optional<std::string> root = gentrace::testing::FixturesRoot();
  if (!root) return "";
  return *root + "/go/go1.23/amd64/default/prog";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = absl::StrCat(dir ? dir : "/tmp", "/", name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(DwarfTypesTest, FindsWhatGdbFinds) {
  const std::string path = ProgramWithDwarf();
  if (!gentrace::testing::FileExists(path)) {
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  }
  // The file by its path, and its bytes (as the fuzzer reads them).
  for (const bool from_bytes : {false, true}) {
    SCOPED_TRACE(from_bytes ? "FromBytes" : "Open");
    absl::StatusOr<DwarfTypes> dwarf =
        from_bytes ? DwarfTypes::FromBytes(ReadAll(path))
                   : DwarfTypes::Open(path);
    ASSERT_TRUE(dwarf.ok()) << dwarf.status();
    // gdb: g_stack_hi=8 g_sched=56 g_goid=160 gobuf_pc=8 m_curg=192
    // (prog.runtime_layout.txt of go1.23/amd64).
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "stack.hi"), 8);
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sched"), 56);
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "goid"), 160);
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "sched.pc"), 64);
    EXPECT_EQ(dwarf->MemberOffset("runtime.gobuf", "pc"), 8);
    EXPECT_EQ(dwarf->MemberOffset("runtime.m", "curg"), 192);
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "no_such_member"), std::nullopt);
    EXPECT_EQ(dwarf->MemberOffset("runtime.g", "goid.lo"), std::nullopt);
    EXPECT_EQ(dwarf->MemberOffset("runtime.no_such_type", "x"), std::nullopt);
  }
}

TEST(DwarfTypesTest, FilesWithoutDwarfAreNotFound) {
  EXPECT_EQ(DwarfTypes::Open("/nonexistent/file").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      DwarfTypes::Open(WriteTemp("not_elf", "not an ELF file")).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(DwarfTypes::FromBytes("not an ELF file").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(DwarfTypes::FromBytes("").status().code(),
            absl::StatusCode::kNotFound);
  const std::string path = ProgramWithDwarf();
  if (!gentrace::testing::FileExists(path)) {
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  }
  std::string stripped = path;
  stripped.replace(stripped.rfind("/default/"), 9, "/stripped/");
  EXPECT_EQ(DwarfTypes::Open(stripped).status().code(),
            absl::StatusCode::kNotFound);
}

// Truncated files and flipped bytes in the DWARF sections and the section
// headers: an error or an answer, never a crash or a hang.
TEST(DwarfTypesTest, SurvivesCorruptedFiles) {
  const std::string path = ProgramWithDwarf();
  if (!gentrace::testing::FileExists(path)) {
    GTEST_SKIP() << gentrace::testing::MissingFixturesMessage();
  }
  const std::string original = ReadAll(path);
  absl::StatusOr<std::unique_ptr<ElfFile>> elf =
      ElfFile::Parse(absl::MakeConstSpan(
          reinterpret_cast<const uint8_t*>(original.data()), original.size()));
  ASSERT_TRUE(elf.ok()) << elf.status();
  std::vector<std::string> images;
  for (int i = 1; i <= 16; ++i) {
    images.push_back(original.substr(0, original.size() * i / 17));
  }
  std::srand(1);
  for (absl::string_view name :
       {".debug_info", ".debug_abbrev", ".debug_str", ".shstrtab"}) {
    const ElfSection* section = (*elf)->FindSection(name);
    if (section == nullptr || section->size == 0) continue;
    for (int i = 0; i < 25; ++i) {
      std::string image = original;
      const uint64_t at = section->offset + std::rand() % section->size;
      image[at] = static_cast<char>(image[at] ^ (1 << (std::rand() % 8)));
      images.push_back(std::move(image));
    }
  }
  int opened = 0;
  for (size_t i = 0; i < images.size(); ++i) {
    absl::StatusOr<DwarfTypes> dwarf =
        DwarfTypes::Open(WriteTemp("corrupt", images[i]));
    if (!dwarf.ok()) continue;
    ++opened;
    for (const char* type : {"runtime.g", "runtime.m", "runtime.gobuf"}) {
      for (const char* member : {"sched", "stack.lo", "curg", "sched.pc"}) {
        (void)dwarf->MemberOffset(type, member);
      }
    }
  }
  ::testing::Test::RecordProperty("corrupted_files", images.size());
  ::testing::Test::RecordProperty("still_opened", opened);
}

}  // namespace
}  // namespace gentrace::symtab
