#ifndef GENTRACE_TESTS_TESTING_SYMBOL_INDEX_FORGERY_H_
#define GENTRACE_TESTS_TESTING_SYMBOL_INDEX_FORGERY_H_

#include <string>

namespace gentrace::testing {

// Sets a symbol index's checksum (of everything after its 64-byte header,
// at byte 24) to match its bytes, so that a test can forge fields
// past the checksum.
void ResealSymbolIndex(std::string* index);

// The offset of the index's strings section (after the header and the
// build IDs, 8-byte aligned).
size_t SymbolIndexStringsOffset(const std::string& index);

}  // namespace gentrace::testing

#endif  // GENTRACE_TESTS_TESTING_SYMBOL_INDEX_FORGERY_H_
