// The RE2 library's own program size of each pattern on stdin (one per line): the oracle for
// libs/ir/src/re2/re2-program-size.ts (scripts/re2-oracle/regenerate.sh builds and runs it).
#include <re2/re2.h>
#include <iostream>
#include <string>
int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    RE2 re(line, RE2::Quiet);
    if (!re.ok()) { std::cout << "error\t" << re.error() << "\n"; continue; }
    std::cout << re.ProgramSize() << "\n";
  }
}
