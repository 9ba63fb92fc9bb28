//go:build cgo

// Breakpad's crash handler for the Go program beside this file.
#include "client/linux/handler/exception_handler.h"

namespace {

// A dump written or not, the signal is not handled here: Breakpad puts the
// Go runtime's handlers back and the signal comes again, to the runtime.
bool HandOn(const google_breakpad::MinidumpDescriptor& /*descriptor*/,
            void* /*context*/, bool /*succeeded*/) {
  return false;
}

}  // namespace

extern "C" void install_breakpad(const char* dir) {
  // Lives as long as the program.
  static auto* handler = new google_breakpad::ExceptionHandler(
      google_breakpad::MinidumpDescriptor(dir), /*filter=*/nullptr, HandOn,
      /*callback_context=*/nullptr, /*install_handler=*/true,
      /*server_fd=*/-1);
  (void)handler;
}
