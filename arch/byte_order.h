#ifndef GENTRACE_ARCH_BYTE_ORDER_H_
#define GENTRACE_ARCH_BYTE_ORDER_H_

namespace gentrace::arch {

enum class ByteOrder { kLittle, kBig };

}  // namespace gentrace::arch

#endif  // GENTRACE_ARCH_BYTE_ORDER_H_
