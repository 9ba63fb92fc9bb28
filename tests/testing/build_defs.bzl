"""Build rules the test packages share."""

load("@rules_cc//cc:defs.bzl", "cc_library")

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
    base = proto[:-len(".proto")]
    native.genrule(
        name = name + "_cc",
        srcs = [
            proto,
            "//proto:gentrace.proto",
        ],
        outs = [
            base + ".pb.cc",
            base + ".pb.h",
        ],
        cmd = "protoc --proto_path=. --cpp_out=$(GENDIR) $(location %s)" % proto,
    )
    cc_library(
        name = name,
        testonly = True,
        srcs = [base + ".pb.cc"],
        hdrs = [base + ".pb.h"],
        deps = [
            "//proto:gentrace_proto",
            "@system//:protobuf",
        ],
    )
