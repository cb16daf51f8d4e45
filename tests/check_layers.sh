#!/usr/bin/env bash
# The layers (docs/architecture.md) are enforced by include paths: a library sees only its own
# folder and those of the libraries it links. A relative include ("../…") would walk around
# that, so none is allowed. The second check says in words what the compiler says for tools/:
# the operator CLI includes no header of the node daemon, the store or the deadline engine. Two
# tools of their own binaries read a store directly and are the exception: zhuji-bench
# (tools/bench) and zhuji-verify (tools/verify, offline checks of a store's copy); neither
# includes the node daemon, but for zhuji-verify's services/node/documents.h: a printed
# document's verification prints the document as the console renders it (issue #17).
set -euo pipefail
root=${1:?usage: check_layers.sh SOURCE_DIR}
cd "$root"
status=0
if grep -rnE '^\s*#\s*include\s*"\.\.?/' --include='*.cc' --include='*.h' \
    services broker tools tests; then
  echo "check_layers: relative includes walk around the layers (use the folder path)" >&2
  status=1
fi
if grep -rnE '^\s*#\s*include\s*"services/(node|store|deadlines)/' --include='*.cc' \
    --include='*.h' tools | grep -vE '^tools/(bench|verify)/[^:]*:[0-9]+:\s*#\s*include\s*"services/(store|deadlines)/' |
    grep -vE '^tools/verify/verify\.cc:[0-9]+:\s*#\s*include\s*"services/node/documents\.h"'; then
  echo "check_layers: the operator CLI (tools/) includes the daemon's code" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "check_layers: no relative includes; tools/ includes no node, store or deadline header"
exit "$status"
