#pragma once
// Events kept in memory, compactly: each event is encoded into one byte
// arena (variable-length integers, only the members that are set, strings
// as length + bytes, executables and struct member names interned) and
// decoded back into a full Event when read. A syscall event costs a few
// dozen bytes plus its strings instead of the kilobyte of a SyscallEvent.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "syspect/sinks.hpp"

namespace syspect {

class EventStore {
 public:
  void push_back(const Event& e);
  std::size_t size() const { return offsets_.size(); }
  bool empty() const { return offsets_.empty(); }
  // Decodes the event at `i` (0 <= i < size()).
  Event operator[](std::size_t i) const;
  // Gives back spare capacity (after the last push_back).
  void shrink_to_fit();
  // Bytes held: the arena, the index and the interned tables.
  std::size_t bytes_used() const;

  // A random-access view whose elements are decoded on access (by value).
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Event;
    using difference_type = std::ptrdiff_t;
    using reference = Event;
    struct pointer {
      Event e;
      const Event* operator->() const { return &e; }
    };
    iterator() = default;
    iterator(const EventStore* s, std::size_t i) : s_(s), i_(i) {}
    Event operator*() const { return (*s_)[i_]; }
    pointer operator->() const { return {(*s_)[i_]}; }
    Event operator[](difference_type n) const { return (*s_)[i_ + static_cast<std::size_t>(n)]; }
    iterator& operator++() { ++i_; return *this; }
    iterator operator++(int) { iterator t = *this; ++i_; return t; }
    iterator& operator--() { --i_; return *this; }
    iterator operator--(int) { iterator t = *this; --i_; return t; }
    iterator& operator+=(difference_type n) { i_ += static_cast<std::size_t>(n); return *this; }
    iterator& operator-=(difference_type n) { i_ -= static_cast<std::size_t>(n); return *this; }
    friend iterator operator+(iterator a, difference_type n) { return a += n; }
    friend iterator operator+(difference_type n, iterator a) { return a += n; }
    friend iterator operator-(iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const iterator& a, const iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const iterator& a, const iterator& b) { return a.i_ <=> b.i_; }

   private:
    const EventStore* s_ = nullptr;
    std::size_t i_ = 0;
  };

  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }
  Event front() const { return (*this)[0]; }
  Event back() const { return (*this)[size() - 1]; }

 private:
  std::string arena_;
  std::vector<std::uint64_t> offsets_;
  // Interned: executables (by content) and struct member names (by address;
  // they are C strings that outlive every trace).
  std::vector<ExePath> exes_;
  std::map<std::string, std::uint32_t, std::less<>> exe_index_;
  std::vector<const char*> names_;
  std::map<const char*, std::uint32_t> name_index_;
  // Interned: stacks (by address: the unwinder shares one per call site).
  std::vector<Stack> stacks_;
  std::map<const void*, std::uint64_t> stack_index_;
  // Event times are kept as the difference from the first one stored.
  std::int64_t time_base_ = 0;

  friend struct EventCodec;
};

}  // namespace syspect
