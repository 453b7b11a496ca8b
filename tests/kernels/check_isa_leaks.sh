#!/usr/bin/env bash
# Fails when a program holds AVX-512 instructions outside functions named for
# AVX-512 (the namespace mosaic::kernels::avx512, mosaic-bench's read_avx512
# probe): code there runs only after the
# dispatcher has seen AVX-512 on the CPU; anywhere else (a static
# initializer of an AVX-512 file, an inline function the linker took from
# one) it would crash CPUs without AVX-512 with an illegal instruction, and
# only on those, so tests on an AVX-512 machine never see it. This check
# works on any build machine. (It cannot see a call into the namespace made
# without asking the CPU first: that is dispatch.cpp's job.)
# Usage: check_isa_leaks.sh PROGRAM...
set -euo pipefail
status=0
for program in "$@"; do
  # AT&T syntax: AVX-512 shows as zmm registers, mask registers %k0-%k7, or
  # the upper 16 xmm/ymm registers (EVEX only).
  leaks=$(objdump -d --no-show-raw-insn "$program" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = $2; next }
    (fn !~ /avx512/ || fn ~ /_GLOBAL__sub_I/) &&
      /%zmm|%k[0-7][^0-9a-z]|%k[0-7]$|%[xy]mm(1[6-9]|2[0-9]|3[01])/ { print fn; }' | sort -u)
  if [[ -n "$leaks" ]]; then
    echo "$program: AVX-512 instructions outside the AVX-512 functions, in:"
    echo "$leaks" | head -20
    status=1
  else
    echo "$program: no AVX-512 outside the AVX-512 functions"
  fi
done
exit $status
