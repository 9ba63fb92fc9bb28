#include "cli/line_reader.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gentrace::cli {
namespace {

// The lines LineReader gives for `input` read from a file, and its status
// at the end.
std::vector<std::string> LinesOf(const std::string& input,
                                 absl::Status* status) {
  FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  EXPECT_TRUE(WriteAll(fileno(file), input).ok());
  EXPECT_EQ(lseek(fileno(file), 0, SEEK_SET), 0);
  LineReader reader(fileno(file));
  std::vector<std::string> lines;
  while (std::optional<absl::string_view> line = reader.Next()) {
    lines.emplace_back(*line);
  }
  *status = reader.status();
  std::fclose(file);
  return lines;
}

TEST(LineReaderTest, LinesAcrossBlocksAndALastOneWithoutNewline) {
  std::string input;
  std::vector<std::string> want;
  // Lines of every length from 0 to 300 bytes: some straddle the 64 KiB
  // blocks.
  for (int i = 0; input.size() < 300'000; i = (i + 7) % 301) {
    want.push_back(std::string(i, 'a' + i % 26));
    input += want.back() + "\n";
  }
  want.push_back("tail");
  input += "tail";
  absl::Status status;
  EXPECT_EQ(LinesOf(input, &status), want);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(LinesOf("", &status).empty());
  EXPECT_EQ(LinesOf("\n\n", &status), (std::vector<std::string>{"", ""}));
}

TEST(LineReaderTest, RefusesALineOverOneMebibyte) {
  absl::Status status;
  const std::vector<std::string> lines =
      LinesOf("short\n" + std::string(2 * 1024 * 1024, 'x') + "\n", &status);
  EXPECT_EQ(lines, std::vector<std::string>{"short"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gentrace::cli
