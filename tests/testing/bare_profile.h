#ifndef GENTRACE_TESTS_TESTING_BARE_PROFILE_H_
#define GENTRACE_TESTS_TESTING_BARE_PROFILE_H_

#include "proto/profile.pb.h"

namespace gentrace::testing {

// A profile as a perf or eBPF profiler writes one of a stripped program:
// `symbolized`'s samples, mappings and locations by address, with no
// functions and no lines, and no mapping claiming any.
pprof::Profile BareProfile(const pprof::Profile& symbolized);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_BARE_PROFILE_H_
