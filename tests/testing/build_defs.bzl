"""Build rules the test packages share."""

load("//tools:system_cc_proto.bzl", "system_cc_proto")

def xz_unpacked(srcs):
    """Unpacks each checked-in `<file>.xz` beside it; returns the unpacked files."""
    outs = []
    for src in srcs:
        out = src[:-len(".xz")]
        native.genrule(
            name = "unpack_" + out.replace("/", "_"),
            srcs = [src],
            outs = [out],
            cmd = "xz -dc $< >$@",
        )
        outs.append(out)
    return outs

def gentrace_test_proto(name, proto):
    """A testonly C++ library of `proto`, which imports proto/gentrace.proto."""
    system_cc_proto(
        name = name,
        src = proto,
        imports = ["//proto:gentrace.proto"],
        deps = ["//proto:gentrace_proto"],
        testonly = True,
    )
