#!/bin/bash
# The ~380-package Debian tree for bench/run: the same tree the acceptance
# tests use (tests/fixtures/make-debian-large.sh).  Usage: bench/debtree.sh OUTDIR
# Leaves OUTDIR/debian380 (reused when OUTDIR/debian380.done exists).
exec bash "$(dirname "$0")/../tests/fixtures/make-debian-large.sh" "$@"
