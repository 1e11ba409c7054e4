#!/bin/sh
# The default kg build (SHACL check included) against the same with --no-validate, in turn, twice.
#     python benchmarks/corpus.py 10000 /tmp/c10k && benchmarks/validation-builds.sh /tmp/c10k
set -eu
corpus=${1:-/tmp/c10k}
kg=${KG:-kg}
KG_CACHE_DIR=$(mktemp -d)
export KG_CACHE_DIR
for run in 1 2; do
    for mode in validate no-validate; do
        flag=""
        [ "$mode" = no-validate ] && flag=--no-validate
        /usr/bin/time -f "TIME $mode run $run: wall %e user %U sys %S maxrss %MkB" \
            "$kg" build "$corpus" -o "/tmp/c10k-$mode.nt" --no-cache --timings $flag
    done
done
