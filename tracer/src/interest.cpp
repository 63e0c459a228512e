#include "syspect/tracer.hpp"

#include <algorithm>

namespace syspect {

Interest& Interest::add(long nr, Need need) {
  if (nr >= 0 && static_cast<std::size_t>(nr) < kNumbers) {
    Need& n = needs_[static_cast<std::size_t>(nr)];
    n = std::max(n, need);
  } else {
    beyond_ = std::max(beyond_, need);
  }
  return *this;
}

Interest& Interest::merge(const Interest& other) {
  for (std::size_t i = 0; i < kNumbers; ++i) needs_[i] = std::max(needs_[i], other.needs_[i]);
  beyond_ = std::max(beyond_, other.beyond_);
  for (std::size_t i = 0; i < kNumbers; ++i) whole_[i] = whole_[i] || other.whole_[i];
  whole_other_abis_ = whole_other_abis_ || other.whole_other_abis_;
  for (std::size_t i = 0; i < kNumbers; ++i) recheck_[i] = recheck_[i] || other.recheck_[i];
  recheck_other_abis_ = recheck_other_abis_ || other.recheck_other_abis_;
  return *this;
}

Interest& Interest::add_recheck(Abi abi, long nr) {
  if (abi != Abi::x86_64)
    recheck_other_abis_ = true;
  else if (nr >= 0 && static_cast<std::size_t>(nr) < kNumbers)
    recheck_[static_cast<std::size_t>(nr)] = true;
  return *this;
}

Interest& Interest::add_whole_data(Abi abi, long nr) {
  if (abi != Abi::x86_64)
    whole_other_abis_ = true;
  else if (nr >= 0 && static_cast<std::size_t>(nr) < kNumbers)
    whole_[static_cast<std::size_t>(nr)] = true;
  return *this;
}

bool Interest::is_all() const {
  return beyond_ == Need::Result &&
         std::all_of(needs_.begin(), needs_.end(), [](Need n) { return n == Need::Result; });
}

}  // namespace syspect
