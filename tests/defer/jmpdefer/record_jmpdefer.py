"""Records how Go 1.17's runtime.jmpdefer hands control to a deferred
function, one register + stack capture per instruction, in a real program
(esbuild) rather than a toy.

Before Go 1.18, a function F with defers that are not open-coded ends in
`CALL runtime.deferreturn`. deferreturn pops one defer and calls jmpdefer,
which throws deferreturn's frame away, rewinds F's return address (or link
register) so that it points at F's CALL deferreturn again, and jumps to the
deferred function. The deferred function thus looks as if F had called it
from its CALL deferreturn instruction, and when it returns, F calls
deferreturn once more for the next defer. An unwinder stopped anywhere on
this path must still find F and F's callers.

Each recorded "hit" is a sequence of JSON lines:
  - kind "reference": the state at deferreturn's first instruction, which is
    exactly "F has just executed its CALL deferreturn". Unwinding it gives
    the frames that every later step of the hit should also give (F and
    above), and "returnAddress" holds where deferreturn would return to.
  - kind "step": the state at deferreturn's call of jmpdefer, then at each
    instruction of jmpdefer, ending with the deferred function's first
    instruction.
The reference also carries the goroutine's g and, beside the stack, the
memory of its defer chain (the g's head words, each _defer record with its
saved arguments, each function value), and "deferreturnRuns": the entry of
every deferred function deferreturn then calls for F, in order, watched as
it happens (each jmpdefer whose argp is F's, until deferreturn returns to
F). That is the ground truth for the deferreturn schedule gentrace reads
from the chain. The record layout used to walk the chain here is Go 1.17's
(the only release recorded); gentrace reads it with its own table.
A deferreturn call that runs no defer (it returns to F, because F's defers
are done) is discarded, and so is one where another goroutine got to the
call of jmpdefer first.

Each capture holds the registers of gdb's "general" group (under gdb's
names, which are what gentrace's capture loader uses) and the stack from SP
to the goroutine's g.stack.hi, at most MAX_STACK bytes.

It runs inside gdb-multiarch (`gdb -x record_jmpdefer.py`), the program
loaded and started (natively) or attached to qemu-user's gdb stub. The
configuration comes from the environment (see record.sh):
  JD_GOARCH, JD_PC, JD_SP, JD_LR (empty: the return address is at SP),
  JD_G       where the goroutine (g) pointer is: a register name, or
             "fs_base-8" (amd64), or "gs_entry-4" (386)
  JD_PTR_SIZE, JD_ENDIAN (little or big), JD_MIN_FRAME (MinFrameSize)
  JD_FUNCS   `gentrace funcs` output for the program
  JD_HITS    how many hits to record
  JD_HIT_BASE  the number of the first hit
  JD_OUT     output path: the hits' lines are appended (JSON Lines)
The program may exit before JD_HITS hits: the log's "recorded N hits" says
how many there were, and record.sh runs the program again for the rest. It
also writes the header, from the log's "stack top:" line.
"""

import base64
import bisect
import ctypes
import json
import os
import re

import gdb
import gdb.unwinder

GOARCH = os.environ["JD_GOARCH"]
PC_REG = os.environ["JD_PC"]
SP_REG = os.environ["JD_SP"]
LR_REG = os.environ.get("JD_LR", "")
G_WHERE = os.environ["JD_G"]
PTR = int(os.environ["JD_PTR_SIZE"])
ENDIAN = os.environ["JD_ENDIAN"]
MASK = (1 << (8 * PTR)) - 1
MIN_FRAME = int(os.environ["JD_MIN_FRAME"])
HITS = int(os.environ["JD_HITS"])
HIT_BASE = int(os.environ["JD_HIT_BASE"])
MAX_STACK = 64 << 10
# jmpdefer is a handful of instructions; more steps mean we lost our way.
MAX_STEPS = 32


def load_funcs(path):
    starts, ends, names = [], [], []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            starts.append(int(parts[0], 16))
            ends.append(int(parts[1], 16))
            names.append(parts[-1])
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return ([starts[i] for i in order], [ends[i] for i in order],
            [names[i] for i in order])


STARTS, ENDS, NAMES = load_funcs(os.environ["JD_FUNCS"])


def function_at(pc):
    i = bisect.bisect_right(STARTS, pc) - 1
    if i >= 0 and pc < ENDS[i]:
        return NAMES[i]
    return None


def bounds_of(name):
    i = NAMES.index(name)
    return STARTS[i], ENDS[i]


def frame():
    return gdb.selected_frame()


def reg(name):
    return int(frame().read_register(name)) & MASK


def read(address, length):
    return bytes(gdb.selected_inferior().read_memory(address, length))


def read_word(address):
    return int.from_bytes(read(address, PTR), ENDIAN)


def running():
    return any(t.is_valid() for t in gdb.selected_inferior().threads())


def gs_base_386():
    """The base of the i386 GS segment, which gdb does not show for 32-bit
    processes: the descriptor comes from the kernel (PTRACE_GET_THREAD_AREA),
    asked by gdb's own process, which is the tracer."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.restype = ctypes.c_long
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                            ctypes.c_void_p]
    desc = (ctypes.c_uint32 * 4)()  # struct user_desc's first four fields
    lwp = gdb.selected_thread().ptid[1]
    ptrace_get_thread_area = 25
    if libc.ptrace(ptrace_get_thread_area, lwp,
                   ctypes.c_void_p(reg("gs") >> 3),
                   ctypes.cast(desc, ctypes.c_void_p)) != 0:
        raise OSError(ctypes.get_errno(), "PTRACE_GET_THREAD_AREA")
    return desc[1]


def goroutine():
    """The current g, from where the runtime keeps it on this GOARCH."""
    if G_WHERE == "fs_base-8":
        return read_word(reg("fs_base") - 8)
    if G_WHERE == "gs_entry-4":
        # Go's 386 code reads %gs:0 (the TLS block's self pointer), then the
        # word below it.
        return read_word(read_word(gs_base_386()) - 4)
    return reg(G_WHERE)


def stack_bounds(g):
    """(g.stack.lo, g.stack.hi), or None when they do not look like the
    bounds of the stack SP is on."""
    try:
        lo, hi = read_word(g), read_word(g + PTR)
    except gdb.MemoryError:
        return None
    return (lo, hi) if lo <= reg(SP_REG) < hi else None


STACK_TOP_MODES = set()


# Words below SP a capture also takes: once jmpdefer has set SP to argp, the
# deferring function's frame (and its saved return address at its SP, argp
# minus MinFrameSize) starts below SP, so a capture of that moment must reach
# down that far, as any capture for unwinding should.
BELOW_SP = 64


def stack_memory():
    """(start address, bytes) of the goroutine's stack around SP."""
    sp = reg(SP_REG)
    bounds = stack_bounds(goroutine())
    if bounds is not None:
        STACK_TOP_MODES.add("g.stack.hi")
        start = max(bounds[0], sp - BELOW_SP)
        return start, read(start, min(bounds[1] - start, MAX_STACK))
    # Without a usable g: as much as can be read, up to the cap.
    STACK_TOP_MODES.add("64KiB")
    start = sp - BELOW_SP
    data = b""
    while len(data) < MAX_STACK:
        try:
            data += read(start + len(data),
                         4096 - (start + len(data)) % 4096)
        except gdb.MemoryError:
            break
    return start, data[:MAX_STACK]


def capture():
    registers = {}
    for r in frame().architecture().registers("general"):
        try:
            registers[r.name] = int(frame().read_register(r)) & MASK
        except (gdb.error, ValueError, TypeError):
            pass  # vector or unavailable registers are not captured
    for name in (PC_REG, SP_REG, LR_REG):
        if name:
            registers[name] = reg(name)
    start, data = stack_memory()
    return {
        "arch": GOARCH,
        "registers": {k: str(v) for k, v in registers.items()},
        "memory": [{"address": str(start),
                    "data": base64.b64encode(data).decode()}],
    }


# Go 1.17's defer records (this recorder steps only go1.17 binaries): g's
# _defer is its sixth word (after stack.lo/hi, stackguard0/1, _panic); a
# _defer is siz, started/heap/openDefer, sp, pc, fn, _panic, link, fd,
# varp, framepc, and siz bytes of arguments after it.
G_HEAD_WORDS = 6
DEFER_SIZE = 72 if PTR == 8 else 40
DEFER_FN = 24 if PTR == 8 else 16
DEFER_LINK = 40 if PTR == 8 else 24
MAX_RECORDS = 64


def defer_chain_ranges(g):
    """[(address, length)] of the g's head words, each _defer record (with
    its arguments) and each record's function value."""
    ranges = [(g, G_HEAD_WORDS * PTR)]
    d = read_word(g + (G_HEAD_WORDS - 1) * PTR)
    for _ in range(MAX_RECORDS):
        if d == 0:
            break
        siz = int.from_bytes(read(d, 4), ENDIAN)
        ranges.append((d, DEFER_SIZE + min(siz, 4096)))
        fn = read_word(d + DEFER_FN)
        if fn:
            ranges.append((fn, PTR))
        d = read_word(d + DEFER_LINK)
    return ranges


def with_ranges(capture_json, ranges):
    """The capture with `ranges` of memory added, merged with its stack
    range and with each other (captures may not overlap)."""
    stack = capture_json["memory"][0]
    spans = [(int(stack["address"]), base64.b64decode(stack["data"]))]
    spans += [(a, read(a, n)) for a, n in ranges]
    spans.sort(key=lambda span: span[0])
    merged = []
    for address, data in spans:
        if merged and address <= merged[-1][0] + len(merged[-1][1]):
            last_address, last = merged[-1]
            end = max(last_address + len(last), address + len(data))
            merged[-1] = (last_address, read(last_address, end - last_address))
        else:
            merged.append((address, data))
    capture_json["memory"] = [
        {"address": str(a), "data": base64.b64encode(d).decode()}
        for a, d in merged]
    return capture_json


def deferreturn_runs(first, g, f_sp, jmpdefer, ret):
    """The deferred functions deferreturn calls for F after `first` (the one
    just entered), until it returns to F: each stop at jmpdefer on this
    goroutine whose argp is F's, then the return to F on F's SP."""
    argp = f_sp + MIN_FRAME
    fv_slot, argp_slot = ((MIN_FRAME, MIN_FRAME + PTR) if LR_REG
                          else (PTR, 2 * PTR))
    runs = [first]
    for _ in range(MAX_RECORDS):
        if not run_to([jmpdefer[0], ret]):
            raise RuntimeError("the program ended inside F's deferreturn")
        if goroutine() != g:
            continue
        sp = reg(SP_REG)
        if reg(PC_REG) == ret:
            if sp == f_sp:
                return runs
            continue  # F itself, deeper in a recursion
        if read_word(sp + argp_slot) == argp:
            runs.append(read_word(read_word(sp + fv_slot)))
    raise RuntimeError("deferreturn made more than %d calls" % MAX_RECORDS)


def run_to(addresses):
    """Continues until one of addresses is reached; False if the program
    exited instead."""
    for address in addresses:
        gdb.execute("break *0x%x" % address, to_string=True)
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error as error:
        # It exited: gdb then fails to read the registers of a thread it
        # still lists.
        if running() and "No such process" not in str(error):
            raise
        return False
    gdb.execute("delete", to_string=True)
    return running()


def jmpdefer_call_site(deferreturn, jmpdefer):
    """The call instruction in deferreturn whose target is jmpdefer. gdb
    prints the target in each arch's call syntax; riscv64's far call
    (auipc+jalr) gets it as a comment on the jalr, but only from the
    `disassemble` command, which follows the auipc."""
    target = re.compile(r"\b0x%x\b" % jmpdefer[0])
    listing = gdb.execute("disassemble 0x%x,0x%x" % deferreturn,
                          to_string=True)
    sites = []
    for line in listing.splitlines():
        m = re.match(r"\s*(?:=>)?\s*(0x[0-9a-f]+)[^:]*:\s*(.*)", line)
        if m and target.search(m.group(2)):
            sites.append(int(m.group(1), 16))
    if len(sites) != 1:
        raise RuntimeError("calls of jmpdefer in deferreturn: %s" % sites)
    return sites[0]


def return_address():
    return reg(LR_REG) if LR_REG else read_word(reg(SP_REG))


class FrameId:  # pylint: disable=too-few-public-methods
    """What gdb's Python unwinder API takes as a frame id."""

    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


class LinkRegisterUnwinder(gdb.unwinder.Unwinder):
    """A stand-in for gdb's s390x unwinder, which in a stripped binary finds
    no caller's pc for the innermost frame; then every stop, and every
    stepi, fails with "PC not saved". Here the innermost frame's caller is
    at the link register (true at the instructions we stop at, which are
    function entries and jmpdefer) and the frame above that has pc 0, which
    ends gdb's backtrace. gdb's "pc" is a pseudo register beside pswa, so
    both are given."""

    def __init__(self):
        super().__init__("jmpdefer link register")

    def __call__(self, pending):
        pc = pending.read_register(PC_REG)
        sp = pending.read_register(SP_REG)
        caller_pc = (pending.read_register(LR_REG) if pending.level() == 0
                     else gdb.Value(0).cast(pc.type))
        info = pending.create_unwind_info(FrameId(sp, pc))
        for name in (PC_REG, "pc"):
            info.add_saved_register(name, caller_pc)
        info.add_saved_register(SP_REG, sp)
        return info


def main():
    if GOARCH == "s390x":
        gdb.unwinder.register_unwinder(None, LinkRegisterUnwinder(),
                                       replace=True)
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    # Go's own signals (SIGURG preemption is off, but SIGPIPE, SIGCHLD...)
    # go to the program without stopping us.
    gdb.execute("handle all nostop noprint pass", to_string=True)
    deferreturn = bounds_of("runtime.deferreturn")
    jmpdefer = bounds_of("runtime.jmpdefer")
    call_site = jmpdefer_call_site(deferreturn, jmpdefer)
    print("deferreturn 0x%x, jmpdefer 0x%x, called at 0x%x" %
          (deferreturn[0], jmpdefer[0], call_site))

    hits = no_defer = other_g = 0
    while hits < HITS:
        if not run_to([deferreturn[0]]):
            break
        # Captured now, though only kept if this call turns out to run a
        # defer: the state is gone once it runs on.
        g = goroutine()
        ret = return_address()
        ref_sp = reg(SP_REG)
        caller = function_at(ret)
        reference = {"hit": HIT_BASE + hits, "kind": "reference",
                     "returnAddress": str(ret), "g": str(g),
                     "capture": with_ranges(capture(), defer_chain_ranges(g))}
        # F's SP: deferreturn's on LR machines, above the pushed return
        # address on x86.
        f_sp = ref_sp + (0 if LR_REG else PTR)
        if not run_to([call_site, jmpdefer[0], ret]):
            break
        pc = reg(PC_REG)
        if goroutine() != g:
            other_g += 1
            continue
        if pc == ret:
            no_defer += 1
            continue
        if pc not in (call_site, jmpdefer[0]):
            raise RuntimeError("stopped at 0x%x, not where we asked" % pc)
        steps = []
        while True:
            steps.append({"hit": HIT_BASE + hits, "kind": "step",
                          "capture": capture()})
            if pc != call_site and not jmpdefer[0] <= pc < jmpdefer[1]:
                break
            if len(steps) > MAX_STEPS:
                raise RuntimeError("no way out of jmpdefer at 0x%x" % pc)
            gdb.execute("stepi", to_string=True)
            pc = reg(PC_REG)
        # The deferred function must look called by F's CALL deferreturn: on
        # F's SP, returning to that call (a few bytes before deferreturn's
        # return address); anything else means we did not record what we
        # think we did.
        link = return_address()
        if (function_at(pc) is None or reg(SP_REG) != ref_sp or
                not 0 < ret - link <= 8):
            raise RuntimeError(
                "jmpdefer went to 0x%x with SP 0x%x (F's: 0x%x), returning "
                "to 0x%x (deferreturn's return address: 0x%x)" %
                (pc, reg(SP_REG), ref_sp, link, ret))
        reference["deferreturnRuns"] = [
            str(entry) for entry in deferreturn_runs(pc, g, f_sp, jmpdefer, ret)]
        print("hit %d: F=%s deferred=%s, %d steps, deferreturn ran %d" %
              (HIT_BASE + hits, caller, function_at(pc), len(steps),
               len(reference["deferreturnRuns"])))
        with open(os.environ["JD_OUT"], "a") as out:
            for line in [reference] + steps:
                out.write(json.dumps(line) + "\n")
        hits += 1

    print("discarded: %d deferreturn calls that ran no defer, %d that met"
          " another goroutine first" % (no_defer, other_g))
    print("stack top: %s" % "+".join(sorted(STACK_TOP_MODES)))
    print("recorded %d hits" % hits)


try:
    main()
finally:
    if running():
        gdb.execute("kill")
