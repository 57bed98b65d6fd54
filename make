#!/bin/sh
# ./make [TARGET|VARIABLE=VALUE]... - make, on a machine that may not have it yet. First
# .ci/deps installs what the targets need (as root with apt-get; as another user it prints
# the one command root has to run, and stops), then make runs with the same arguments, as
# many jobs as there are processors. The README's quick start: `./make run`, `./make test`.
# With make installed, `make run` and `make test` do the same.
set -eu
cd "$(dirname "$0")"
need=build
for arg in "$@"; do
	case $arg in
	test | test-* | update-golden | bench | fuzz* | oom-eragen | crash-eragen) need="test" ;;
	esac
done
sh .ci/deps "$need"
exec make -j"$(nproc 2>/dev/null || echo 1)" "$@"
