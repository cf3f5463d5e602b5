// The README's code snippets are taken from code that is built and run: a block preceded by
//   <!-- snippet: examples/quickstart/users.cpp users -->
// must be, verbatim, the lines between `snippet:users` and `snippet-end` in that file (indentation
// removed). The quickstart is built and run by quickstart_install_test, so these snippets compile.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using Lines = std::vector<std::string>;

std::filesystem::path source_dir() {
  const char* dir = std::getenv("VIBEWORK_SOURCE_DIR");
  return dir ? dir : "";
}

std::optional<Lines> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  Lines lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// The region `snippet:<name>` .. `snippet-end` of a source file, without its common indentation.
std::optional<Lines> region(const Lines& file, const std::string& name) {
  const std::string start = "snippet:" + name;
  auto first = std::find_if(file.begin(), file.end(), [&](const std::string& line) {
    const auto at = line.find(start);
    return at != std::string::npos && trim(line.substr(at)) == start;
  });
  if (first == file.end()) return std::nullopt;
  auto last = std::find_if(first + 1, file.end(),
                           [](const std::string& line) { return line.find("snippet-end") != std::string::npos; });
  if (last == file.end()) return std::nullopt;
  Lines lines(first + 1, last);
  std::size_t indent = std::string::npos;
  for (const auto& line : lines) {
    if (!trim(line).empty()) indent = std::min(indent, line.find_first_not_of(' '));
  }
  for (auto& line : lines) line = line.size() >= indent ? line.substr(indent) : trim(line);
  return lines;
}

struct Snippet {
  std::size_t readme_line;  // 1-based, of the marker
  std::string file;
  std::string name;
  Lines code;
};

// Every marked block of the README: the marker, then the fenced block right after it.
std::vector<Snippet> marked_snippets(const Lines& readme) {
  std::vector<Snippet> out;
  for (std::size_t i = 0; i < readme.size(); ++i) {
    const std::string line = trim(readme[i]);
    if (!line.starts_with("<!-- snippet:") || !line.ends_with("-->")) continue;
    std::istringstream words(line.substr(13, line.size() - 13 - 3));
    Snippet s{i + 1, {}, {}, {}};
    words >> s.file >> s.name;
    std::size_t j = i + 1;
    if (j < readme.size() && readme[j].starts_with("```")) {
      for (++j; j < readme.size() && !readme[j].starts_with("```"); ++j) s.code.push_back(readme[j]);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string joined(const Lines& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(ReadmeSnippets, EveryMarkedSnippetIsTheQuickstartCodeVerbatim) {
  ASSERT_FALSE(source_dir().empty()) << "run it through ctest, which sets VIBEWORK_SOURCE_DIR";
  const auto readme = read_lines(source_dir() / "README.md");
  ASSERT_TRUE(readme.has_value()) << "cannot read README.md";
  const auto snippets = marked_snippets(*readme);
  // The library section shows the CMake use and the C++ of each service: at least five blocks.
  ASSERT_GE(snippets.size(), 5u) << "the README's quickstart snippets lost their <!-- snippet: file name --> markers";
  for (const auto& s : snippets) {
    SCOPED_TRACE("README.md:" + std::to_string(s.readme_line) + " (" + s.file + " " + s.name + ")");
    ASSERT_FALSE(s.name.empty()) << "a marker is <!-- snippet: <file> <name> -->";
    ASSERT_FALSE(s.code.empty()) << "the marker must be followed by a fenced code block";
    const auto file = read_lines(source_dir() / s.file);
    ASSERT_TRUE(file.has_value()) << "no such file: " << s.file;
    const auto code = region(*file, s.name);
    ASSERT_TRUE(code.has_value()) << s.file << " has no region 'snippet:" << s.name << "' .. 'snippet-end'";
    EXPECT_EQ(joined(s.code), joined(*code)) << "copy the region from " << s.file << " into the README";
  }
}

TEST(ReadmeSnippets, RegionsAreFoundAndDedented) {
  const Lines file{"int f() {", "  // snippet:body", "  int x = 1;", "", "    return x;", "  // snippet-end", "}"};
  const auto body = region(file, "body");
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(joined(*body), "int x = 1;\n\n  return x;\n");
  EXPECT_FALSE(region(file, "bod").has_value());
  const Lines readme{"text", "<!-- snippet: a.cpp body -->", "```cpp", "int x = 1;", "```"};
  const auto snippets = marked_snippets(readme);
  ASSERT_EQ(snippets.size(), 1u);
  EXPECT_EQ(snippets[0].file, "a.cpp");
  EXPECT_EQ(snippets[0].name, "body");
  EXPECT_EQ(joined(snippets[0].code), "int x = 1;\n");
}

}  // namespace
