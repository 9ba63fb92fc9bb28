"""Single-steps the `stepping` test program's goroutine `root` and writes
one JSON line per instruction executed in a function of package main: the
registers, the stack from SP to the top of the goroutine, and the chain of
functions the program's control flow says is live (innermost first, ending in
runtime.goexit) with each one's SP (the innermost's is the SP register; a
caller's is its SP when it made the call).

The chain comes from watching control flow, not from any unwinder: a step
that lands on a function's entry with the return address just written (in the
link register, or pushed at SP) is a call; a step that lands on the return
address of the innermost live call is its return; any other step into another
function is a tail jump. Calls into functions outside package main (the
runtime: morestack, newobject, ...) are stepped over with a breakpoint on
their return address.

It runs inside gdb-multiarch (`gdb -x record_steps.py`, the program already
loaded and attached). gdb-multiarch 13 knows no LoongArch, so for loong64 it
runs as a plain Python program that speaks gdb's remote protocol to qemu's
gdb stub itself (STEP_REMOTE=host:port).

Configuration comes from the environment (see record.sh):
  STEP_SYMBOLS  `go tool nm -size -sort address` output for the program
  STEP_OUT      output path (JSON Lines)
  STEP_GOARCH, STEP_PC, STEP_SP, STEP_LR (empty: none), STEP_PTR_SIZE,
  STEP_ENDIAN (little or big), STEP_REMOTE (only without gdb)
"""

import base64
import bisect
import json
import os
import socket

GOARCH = os.environ["STEP_GOARCH"]
PC_REG = os.environ["STEP_PC"]
SP_REG = os.environ["STEP_SP"]
LR_REG = os.environ.get("STEP_LR", "")
PTR = int(os.environ["STEP_PTR_SIZE"])
MASK = (1 << (8 * PTR)) - 1
ENDIAN = os.environ.get("STEP_ENDIAN", "little")
MAX_STEPS = 3000


class GdbTarget:
    """The program as gdb's Python API sees it."""

    def __init__(self):
        import gdb  # pylint: disable=import-outside-toplevel
        self.gdb = gdb
        gdb.execute("set pagination off")
        gdb.execute("set confirm off")

    def _arch(self):
        return self.gdb.selected_frame().architecture()

    def reg(self, name):
        return int(self.gdb.selected_frame().read_register(name)) & MASK

    def registers(self):
        out = {}
        for r in self._arch().registers("general"):
            try:
                out[r.name] = int(
                    self.gdb.selected_frame().read_register(r)) & MASK
            except (self.gdb.error, ValueError, TypeError):
                pass  # vector or unavailable registers are not captured
        return out

    def read(self, address, length):
        return bytes(self.gdb.selected_inferior().read_memory(address, length))

    def instructions(self, start, end):
        """(address, assembly) of each instruction in [start, end)."""
        return [(i["addr"], i["asm"])
                for i in self._arch().disassemble(start, end - 1)]

    def instruction_at(self, pc):
        """(length, assembly) of the instruction at pc."""
        i = self._arch().disassemble(pc)[0]
        return i["length"], i["asm"]

    def step(self):
        self.gdb.execute("stepi")

    def run_to(self, addresses):
        for address in addresses:
            self.gdb.execute("tbreak *0x%x" % address)
        self.gdb.execute("continue")
        self.gdb.execute("delete")

    def kill(self):
        self.gdb.execute("kill")


class RemoteTarget:
    """The program behind a gdb stub, spoken to in gdb's remote serial
    protocol; for loong64 (fixed 4-byte instructions). qemu 7.2's stub names
    its register description (loongarch-base64.xml) but cannot serve it; its
    'g' packet follows gdb's LoongArch order: r0-r31, orig_a0, pc, badv."""

    NAMES = ["r%d" % n for n in range(32)] + ["orig_a0", "pc", "badv"]

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=120)
        self.buffer = b""
        self.request("?")

    def _byte(self):
        if not self.buffer:
            self.buffer = self.sock.recv(65536)
            if not self.buffer:
                raise RuntimeError("gdb stub closed the connection")
        b, self.buffer = self.buffer[:1], self.buffer[1:]
        return b

    def request(self, command):
        data = command.encode()
        packet = b"$%s#%02x" % (data, sum(data) & 0xff)
        self.sock.sendall(packet)
        while True:  # acknowledgement, then the reply packet
            b = self._byte()
            if b == b"-":
                self.sock.sendall(packet)
            elif b == b"$":
                break
        reply = b""
        while (b := self._byte()) != b"#":
            reply += b
        self._byte()
        self._byte()
        self.sock.sendall(b"+")
        if reply.startswith(b"W") or reply.startswith(b"X"):
            raise RuntimeError("the program exited: %r" % reply)
        return reply.decode()

    def registers(self):
        raw = bytes.fromhex(self.request("g"))
        return {name: int.from_bytes(raw[i * PTR:(i + 1) * PTR], ENDIAN)
                for i, name in enumerate(self.NAMES)
                if (i + 1) * PTR <= len(raw)}

    def reg(self, name):
        return self.registers()[name]

    def read(self, address, length):
        data = b""
        while len(data) < length:
            n = min(2048, length - len(data))
            reply = self.request("m%x,%x" % (address + len(data), n))
            if reply.startswith("E") or not reply:
                raise RuntimeError("cannot read 0x%x" % (address + len(data)))
            data += bytes.fromhex(reply)
        return data

    def instructions(self, start, end):
        return [(a, "") for a in range(start, end, 4)]

    def instruction_at(self, pc):
        return 4, ""

    def step(self):
        self.request("s")

    def run_to(self, addresses):
        for address in addresses:
            self.request("Z0,%x,4" % address)
        self.request("c")
        for address in addresses:
            self.request("z0,%x,4" % address)

    def kill(self):
        self.sock.sendall(b"$k#6b")
        self.sock.close()


TARGET = (RemoteTarget(os.environ["STEP_REMOTE"])
          if os.environ.get("STEP_REMOTE") else GdbTarget())


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
    return TARGET.reg(name)


def read_word(address):
    return int.from_bytes(TARGET.read(address, PTR), ENDIAN)


def captured_registers():
    out = TARGET.registers()
    for name in (PC_REG, SP_REG, LR_REG):
        if name:
            out[name] = reg(name)
    return {name: str(value) for name, value in out.items()}


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
    TARGET.run_to([ret])
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
    code = TARGET.instructions(entry, end)
    stops = [address for n, (address, _) in enumerate(code)
             if address not in frame["seen"] and
             not (n > 0 and in_delay_slot(code[n - 1][1]))]
    if frame["ret"] is not None:
        stops.append(frame["ret"])
    TARGET.run_to(stops)
    if reg(PC_REG) not in stops:
        raise RuntimeError("lost control in %s" % frame["name"])


def main():
    TARGET.run_to([entry_of("main.root")])
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
            memory = TARGET.read(sp, stack_top - sp)
            chain = [f["name"] for f in reversed(shadow)] + ["runtime.goexit"]
            # Each caller's SP is what it was when it made its call.
            sps = [sp] + [f["call_sp"] for f in reversed(shadow[1:])]
            out.write(json.dumps({
                "chain": chain,
                "sp": [str(v) for v in sps],
                "capture": {
                    "arch": GOARCH,
                    "registers": captured_registers(),
                    "memory": [{
                        "address": str(sp),
                        "data": base64.b64encode(memory).decode()
                    }],
                },
            }) + "\n")
            recorded += 1
        length, asm = TARGET.instruction_at(pc)
        fallthrough = pc + length
        # MIPS returns past the branch delay slot.
        ret = fallthrough + (4 if in_delay_slot(asm) else 0)
        TARGET.step()
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
    TARGET.kill()
