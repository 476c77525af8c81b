#!/usr/bin/env bash
# Recomputes RE2's own program sizes for libs/ir/src/re2/testdata/program-size.tsv with the C++ RE2
# library (Debian: apt-get install g++ libre2-dev), the numbers the TypeScript measurement is checked
# against. Keeps the patterns, rewrites the sizes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tsv="$here/../../libs/ir/src/re2/testdata/program-size.tsv"
bin="$(mktemp -d)/program-size"
g++ -O1 -o "$bin" "$here/program-size.cc" -lre2
cut -f2- "$tsv" > "$bin.patterns"
"$bin" < "$bin.patterns" | paste - "$bin.patterns" > "$tsv"
echo "re2-oracle: $(wc -l < "$tsv") patterns measured with RE2 $(dpkg-query -W -f='${Version}' libre2-dev 2>/dev/null || echo '(version unknown)')"
