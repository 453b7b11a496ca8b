// Single-producer single-consumer ring buffer without locks or allocation on
// the hot path: an audio callback (the producer) must never block, so it
// writes what fits and reports how much it dropped instead of waiting.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>

namespace mosaic::media {

template <typename T>
class SpscRingBuffer {
 public:
  // One slot stays empty to tell "full" from "empty".
  explicit SpscRingBuffer(size_t capacity)
      : slot_count_(capacity + 1), slots_(std::make_unique<T[]>(slot_count_)) {}

  SpscRingBuffer(const SpscRingBuffer&) = delete;
  SpscRingBuffer& operator=(const SpscRingBuffer&) = delete;

  size_t capacity() const { return slot_count_ - 1; }

  // Producer side. Returns how many items were written (fewer than count when full).
  size_t push(const T* items, size_t count) {
    const size_t head = head_.load(std::memory_order_relaxed);
    const size_t tail = tail_.load(std::memory_order_acquire);
    const size_t free_slots = (tail + slot_count_ - head - 1) % slot_count_;
    const size_t to_write = std::min(count, free_slots);
    const size_t first = std::min(to_write, slot_count_ - head);
    std::copy(items, items + first, slots_.get() + head);
    std::copy(items + first, items + to_write, slots_.get());
    head_.store((head + to_write) % slot_count_, std::memory_order_release);
    return to_write;
  }

  // Consumer side. Returns how many items were read.
  size_t pop(T* out, size_t max_count) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t available = (head + slot_count_ - tail) % slot_count_;
    const size_t to_read = std::min(max_count, available);
    const size_t first = std::min(to_read, slot_count_ - tail);
    std::copy(slots_.get() + tail, slots_.get() + tail + first, out);
    std::copy(slots_.get(), slots_.get() + (to_read - first), out + first);
    tail_.store((tail + to_read) % slot_count_, std::memory_order_release);
    return to_read;
  }

  // Approximate when called concurrently; exact from either side alone.
  size_t size() const {
    const size_t head = head_.load(std::memory_order_acquire);
    const size_t tail = tail_.load(std::memory_order_acquire);
    return (head + slot_count_ - tail) % slot_count_;
  }

 private:
  const size_t slot_count_;
  std::unique_ptr<T[]> slots_;
  // Separate cache lines so producer and consumer do not false-share.
  alignas(64) std::atomic<size_t> head_{0};  // next slot the producer writes
  alignas(64) std::atomic<size_t> tail_{0};  // next slot the consumer reads
};

}  // namespace mosaic::media
