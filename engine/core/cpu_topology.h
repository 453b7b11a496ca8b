#pragma once

namespace mosaic {

// Physical cores (hyper-threads of one core counted once), from the Linux
// sysfs topology; falls back to std::thread::hardware_concurrency(). Matrix
// kernels saturate a core's vector units, so a second hyper-thread on the
// same core only adds contention: this is the default thread count.
int physical_core_count();

}  // namespace mosaic
