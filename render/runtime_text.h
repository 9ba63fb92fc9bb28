#ifndef GENTRACE_RENDER_RUNTIME_TEXT_H_
#define GENTRACE_RENDER_RUNTIME_TEXT_H_

#include <string>

#include "proto/gentrace.pb.h"

namespace gentrace::render {

struct RuntimeTextOptions {
  // The Go release whose format to follow (1.<go_minor>).
  int go_minor = 0;
  // GOTRACEBACK=crash (and system) print fp= sp= pc= on each frame.
  bool frame_addresses = true;
  // The frames of goroutines running on other threads than the reporting
  // one, which the runtime does not print ("goroutine running on other
  // thread; stack unavailable").
  bool running_stacks = false;
  // gentrace's addition (core/pid --defers): each frame's pending deferred
  // calls under it, in the order they will run.
  bool defers = false;
};

// The goroutine's creator as the runtime shows it: none for the main
// goroutine, or when it was not symbolized.
const Location* ShownCreator(const Goroutine& goroutine);

// One goroutine as the runtime prints it in a traceback:
//
//   goroutine 18 [chan receive]:
//   main.worker(0xc000012345, 0x3?)
//   	/src/main.go:12 +0x1d fp=0xc00004a7d0 sp=0xc00004a7a0 pc=0x45a0ad
//   created by main.main
//   	/src/main.go:30 +0x45
//
// Inlined calls print as "f(...)" with their position only; runtime.gopanic
// prints as "panic"; generic type arguments as "[...]"; deep stacks are cut
// as the release cuts them. From 1.22 the header also names the g and its M
// ("goroutine 18 gp=0xc000007340 m=nil [chan receive]:"). No trailing blank
// line.
void AppendGoroutineText(const Goroutine& goroutine,
                         const RuntimeTextOptions& options, std::string* out);

// Goroutines collapsed into one block (--group): the count, the members'
// state with their range of wait minutes and their ids (runs as ranges), then
// the stack as AppendGoroutineText prints it without per-goroutine
// addresses (fp= sp= pc=, gp= m=, a deferred call's closure), with `*`
// for a value the members do not all share (an argument; a line or an
// offset when grouped by functions; the creator's goroutine):
//
//   3 goroutines [chan receive, 2-5 minutes]: 18, 20-21
//   main.worker(*, 0x3?)
//   	/src/main.go:12 +0x1d
//   created by main.main in goroutine 1
//   	/src/main.go:30 +0x45
void AppendGroupText(const GoroutineGroup& group,
                     const RuntimeTextOptions& options, std::string* out);

// Whether the text shows "goroutine running on other thread; stack
// unavailable" instead of the goroutine's frames.
bool StackHidden(const Goroutine& goroutine, const RuntimeTextOptions& options);

}  // namespace gentrace::render

#endif  // GENTRACE_RENDER_RUNTIME_TEXT_H_
