#!/usr/bin/env bash
# Builds the documentation site: API reference from the XML docs of Constellation.Attestation, Constellation.Atls and
# Constellation.Cluster, plus the conceptual pages in docs/ with the samples' code included by reference.
# Output: docs/_site/. Warnings are errors: a broken cross-reference, file link or snippet file fails the build.
set -euo pipefail
cd "$(dirname "$0")"

dotnet tool restore >/dev/null
rm -rf _site
find api -mindepth 1 ! -name index.md -delete 2>/dev/null || true

dotnet docfx metadata docfx.json --warningsAsErrors
dotnet docfx build docfx.json --warningsAsErrors

# docfx renders a snippet whose region (#name) does not exist as an empty code block, without a warning.
empty="$(grep -rlE '<code class="lang-[a-z]+"></code>' _site || true)"
if [ -n "$empty" ]; then
  echo "docs/build.sh: empty code sample (a [!code-...](file#region) names a region the file lacks) in:" >&2
  echo "$empty" >&2
  exit 1
fi
echo "docs/build.sh: site built in docs/_site"
