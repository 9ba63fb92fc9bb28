"""Runs inside gdb-multiarch: single-steps the `stepping` test program's
goroutine `root` and writes one JSON line per instruction executed in a
function of package main: the registers, the stack from SP to the top of the
goroutine, and the chain of functions the program's control flow says is
live (innermost first, ending in runtime.goexit) with each one's SP (the
innermost's is the SP register; a caller's is its SP when it made the call).

The chain comes from watching control flow, not from any unwinder: a step
that lands on a function's entry with the return address just written (in the
link register, or pushed at SP) is a call; a step that lands on the return
address of the innermost live call is its return; any other step into another
function is a tail jump. Calls into functions outside package main (the
runtime: morestack, newobject, ...) are stepped over with a breakpoint on
their return address.

Configuration comes from the environment (see record.sh):
  STEP_SYMBOLS  `go tool nm -size -sort address` output for the program
  STEP_OUT      output path (JSON Lines)
  STEP_GOARCH, STEP_PC, STEP_SP, STEP_LR (empty: none), STEP_PTR_SIZE
"""

import base64
import bisect
import json
import os

import gdb

GOARCH = os.environ["STEP_GOARCH"]
PC_REG = os.environ["STEP_PC"]
SP_REG = os.environ["STEP_SP"]
LR_REG = os.environ.get("STEP_LR", "")
PTR = int(os.environ["STEP_PTR_SIZE"])
MASK = (1 << (8 * PTR)) - 1
ENDIAN = os.environ.get("STEP_ENDIAN", "little")
MAX_STEPS = 3000


def load_symbols(path):
    starts, ends, names = [], [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 4 or parts[2] not in ("T", "t"):
                continue
            start, size = int(parts[0], 16), int(parts[1])
            if size == 0:
                continue
            starts.append(start)
            ends.append(start + size)
            names.append(" ".join(parts[3:]))
    return starts, ends, names


STARTS, ENDS, NAMES = load_symbols(os.environ["STEP_SYMBOLS"])


def function_at(pc):
    """(entry, name) of the function holding pc, or (None, None)."""
    i = bisect.bisect_right(STARTS, pc) - 1
    if i >= 0 and pc < ENDS[i]:
        return STARTS[i], NAMES[i]
    return None, None


def entry_of(name):
    return STARTS[NAMES.index(name)]


def reg(name):
    return int(gdb.selected_frame().read_register(name)) & MASK


def read_word(address):
    data = bytes(gdb.selected_inferior().read_memory(address, PTR))
    return int.from_bytes(data, ENDIAN)


def general_registers():
    arch = gdb.selected_frame().architecture()
    out = {}
    for r in arch.registers("general"):
        try:
            out[r.name] = str(int(gdb.selected_frame().read_register(r)) & MASK)
        except (gdb.error, ValueError, TypeError):
            pass  # vector or unavailable registers are not part of a capture
    for name in (PC_REG, SP_REG, LR_REG):
        if name:
            out[name] = str(reg(name))
    return out


def next_instruction(pc):
    arch = gdb.selected_frame().architecture()
    return pc + arch.disassemble(pc)[0]["length"]


def is_call(ret):
    """Whether the step just taken was a call that returns to `ret`: the
    return address is in the link register (riscv64 prologues call morestack
    through T0 instead), or pushed at SP."""
    if LR_REG:
        links = [reg(LR_REG)] + ([reg("t0")] if GOARCH == "riscv64" else [])
    else:
        links = [read_word(reg(SP_REG))]
    return ret in links


def step_over(callee, ret):
    """Runs a call to completion: to its return address."""
    gdb.execute("tbreak *0x%x" % ret)
    gdb.execute("continue")
    if reg(PC_REG) != ret:
        raise RuntimeError("lost control in %s" % callee)


def in_delay_slot(previous_asm):
    """Whether an instruction follows a MIPS branch, in its delay slot: a
    single step runs the two together, and gdb puts a breakpoint meant for
    the slot on the branch instead."""
    mnemonic = previous_asm.split()[0] if previous_asm.split() else ""
    return (GOARCH.startswith("mips") and mnemonic[:1] in ("b", "j") and
            mnemonic != "break")


def run_to_unseen(frame):
    """Runs at full speed to the first instruction that this call of the
    function has not yet executed, or to its return address.

    Used after a morestack call, which either grew the stack or, more often
    here, yielded to a preemption request: sysmon runs on while the goroutine
    is single-stepped, sees it running for far too long, and asks it to yield
    at every function prologue. Stepping through the prologue again would be
    slow enough to be asked again, forever. Also used for loops: their
    instructions are recorded on their first two iterations only.
    """
    entry, _ = function_at(reg(PC_REG))
    end = ENDS[STARTS.index(entry)]
    arch = gdb.selected_frame().architecture()
    code = arch.disassemble(entry, end - 1)
    stops = [i["addr"] for n, i in enumerate(code)
             if i["addr"] not in frame["seen"] and
             not (n > 0 and in_delay_slot(code[n - 1]["asm"]))]
    if frame["ret"] is not None:
        stops.append(frame["ret"])
    for address in stops:
        gdb.execute("tbreak *0x%x" % address)
    gdb.execute("continue")
    gdb.execute("delete")
    if reg(PC_REG) not in stops:
        raise RuntimeError("lost control in %s" % frame["name"])


def main():
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    root = entry_of("main.root")
    gdb.execute("tbreak *0x%x" % root)
    gdb.execute("continue")
    # The goroutine's stack top, just above what root's caller frame holds.
    stack_top = reg(SP_REG) + 2 * PTR
    shadow = [{"name": "main.root", "ret": None, "seen": {}, "call_sp": None}]

    def stack_moved(sp_before):
        """Follows a stack copy (morestack) that happened since sp_before."""
        nonlocal stack_top
        delta = reg(SP_REG) - sp_before
        stack_top += delta
        for f in shadow[1:]:
            f["call_sp"] += delta

    out = open(os.environ["STEP_OUT"], "w")
    recorded = 0
    for _ in range(MAX_STEPS):
        pc, sp = reg(PC_REG), reg(SP_REG)
        entry, name = function_at(pc)
        if name is not None and name.startswith("runtime.goexit"):
            break
        if name is not None and name.startswith("main."):
            seen = shadow[-1]["seen"]
            if seen.get(pc, 0) == 2:
                run_to_unseen(shadow[-1])
                stack_moved(sp)
                if reg(PC_REG) == shadow[-1]["ret"]:
                    shadow.pop()
                continue
            seen[pc] = seen.get(pc, 0) + 1
            memory = bytes(gdb.selected_inferior().read_memory(
                sp, stack_top - sp))
            chain = [f["name"] for f in reversed(shadow)] + ["runtime.goexit"]
            # Each caller's SP is what it was when it made its call.
            sps = [sp] + [f["call_sp"] for f in reversed(shadow[1:])]
            out.write(json.dumps({
                "chain": chain,
                "sp": [str(v) for v in sps],
                "capture": {
                    "arch": GOARCH,
                    "registers": general_registers(),
                    "memory": [{
                        "address": str(sp),
                        "data": base64.b64encode(memory).decode()
                    }],
                },
            }) + "\n")
            recorded += 1
        fallthrough = next_instruction(pc)
        # MIPS returns past the branch delay slot.
        ret = fallthrough + (4 if in_delay_slot(
            gdb.selected_frame().architecture().disassemble(pc)[0]["asm"])
                             else 0)
        gdb.execute("stepi")
        new_pc = reg(PC_REG)
        new_entry, new_name = function_at(new_pc)
        if new_pc == shadow[-1]["ret"]:
            shadow.pop()
            continue
        if new_entry == new_pc and new_pc != fallthrough and is_call(ret):
            if not new_name.startswith("main."):
                step_over(new_name, ret)
                if new_name.startswith("runtime.morestack"):
                    run_to_unseen(shadow[-1])
                stack_moved(sp)
            else:
                shadow.append({"name": new_name, "ret": ret, "seen": {},
                               "call_sp": sp})
            continue
        if new_name != shadow[-1]["name"]:
            if new_name is None or not (new_name.startswith("main.") or
                                        new_name.startswith("runtime.goexit")):
                raise RuntimeError("unexpected jump from %s to %s" %
                                   (shadow[-1]["name"], new_name))
            shadow[-1]["name"] = new_name  # a tail jump
    else:
        raise RuntimeError("more than %d steps" % MAX_STEPS)
    out.close()
    print("recorded %d instructions" % recorded)


try:
    main()
finally:
    gdb.execute("kill")
