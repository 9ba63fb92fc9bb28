// The DWARF seed of tests/fuzz/dwarf_fuzzer.cc: the runtime's structs with
// the members gentrace reads (goruntime/runtime_layout.cc), in a unit named
// "runtime". C names cannot hold a dot: tests/fuzz/fuzz_lib.sh compiles
// this with gcc -g and turns each "runtime_" of the DWARF strings into
// "runtime." (same length, so no offset moves).
struct runtime_stack {
  unsigned long lo, hi;
};
struct runtime_gobuf {
  unsigned long sp, pc, g, ctxt, lr, bp;
};
struct runtime_m;
struct runtime_g {
  struct runtime_stack stack;
  unsigned long stackguard0, stackguard1;
  void *_panic, *_defer;
  struct runtime_m* m;
  struct runtime_gobuf sched;
  unsigned long syscallsp, syscallpc, syscallbp, stktopsp;
  void* param;
  unsigned int atomicstatus, stackLock;
  unsigned long goid, schedlink;
  long waitsince;
  unsigned char waitreason;
  struct runtime_m* lockedm;
  unsigned long parentGoid, gopc;
  void* ancestors;
  unsigned long startpc;
};
struct runtime_m {
  struct runtime_g* g0;
  unsigned long morebuf[6];
  unsigned long procid;
  struct runtime_g* gsignal;
  struct runtime_g* curg;
  long id;
};

struct runtime_g runtime_g0;
struct runtime_m runtime_m0;

int main(void) { return (int)runtime_g0.goid + (int)runtime_m0.id; }
