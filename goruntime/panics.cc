#include "goruntime/panics.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <system_error>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace gentrace::goruntime {
namespace {

constexpr int kMaxPanics = 1000;
constexpr uint64_t kMaxStringBytes = 1 << 20;
constexpr uint64_t kMaxNameBytes = 1 << 16;

// The type kinds (internal/abi's Kind) the printer tells apart.
enum Kind : uint8_t {
  kBool = 1,
  kInt = 2,
  kInt8 = 3,
  kInt16 = 4,
  kInt32 = 5,
  kInt64 = 6,
  kUint = 7,
  kUint8 = 8,
  kUint16 = 9,
  kUint32 = 10,
  kUint64 = 11,
  kUintptr = 12,
  kFloat32 = 13,
  kFloat64 = 14,
  kComplex64 = 15,
  kComplex128 = 16,
  kString = 24,
};
// Before Go 1.26 the kind byte also held flags above the kind.
constexpr uint8_t kKindMask = 0x1f;
// The name in a type's str field starts with a '*' to drop.
constexpr uint8_t kTflagExtraStar = 1 << 1;

// The predeclared type of each kind: a value of exactly that type prints
// bare; any other type of the kind prints as `type(value)`.
absl::string_view PredeclaredName(uint8_t kind) {
  switch (kind) {
    case kBool:
      return "bool";
    case kInt:
      return "int";
    case kInt8:
      return "int8";
    case kInt16:
      return "int16";
    case kInt32:
      return "int32";
    case kInt64:
      return "int64";
    case kUint:
      return "uint";
    case kUint8:
      return "uint8";
    case kUint16:
      return "uint16";
    case kUint32:
      return "uint32";
    case kUint64:
      return "uint64";
    case kUintptr:
      return "uintptr";
    case kFloat32:
      return "float32";
    case kFloat64:
      return "float64";
    case kComplex64:
      return "complex64";
    case kComplex128:
      return "complex128";
    case kString:
      return "string";
    default:
      return "";
  }
}

// The runtime's printfloat before Go 1.26: seven significant digits in
// `+d.dddddde+ddd`, computed as it computes them.
std::string OldFloatText(double v) {
  if (std::isnan(v)) return "NaN";
  if (v + v == v && v > 0) return "+Inf";
  if (v + v == v && v < 0) return "-Inf";
  constexpr int n = 7;
  char buf[n + 7];
  buf[0] = '+';
  int e = 0;
  if (v == 0) {
    if (std::signbit(v)) buf[0] = '-';
  } else {
    if (v < 0) {
      v = -v;
      buf[0] = '-';
    }
    while (v >= 10) {
      ++e;
      v /= 10;
    }
    while (v < 1) {
      --e;
      v *= 10;
    }
    double h = 5.0;
    for (int i = 0; i < n; ++i) h /= 10;
    v += h;
    if (v >= 10) {
      ++e;
      v /= 10;
    }
  }
  for (int i = 0; i < n; ++i) {
    const int s = static_cast<int>(v);
    buf[i + 2] = static_cast<char>(s + '0');
    v -= s;
    v *= 10;
  }
  buf[1] = buf[2];
  buf[2] = '.';
  buf[n + 2] = 'e';
  buf[n + 3] = '+';
  if (e < 0) {
    e = -e;
    buf[n + 3] = '-';
  }
  buf[n + 4] = static_cast<char>(e / 100 + '0');
  buf[n + 5] = static_cast<char>(e / 10 % 10 + '0');
  buf[n + 6] = static_cast<char>(e % 10 + '0');
  return std::string(buf, sizeof(buf));
}

// strconv.FormatFloat(v, 'g', -1, bits): the shortest digits that read
// back, in %e form when the exponent is below -4 or at least 6 (the
// precision 'g' decides by when it is the shortest), else in %f form.
std::string ShortestFloatText(double v, bool is_float32) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const std::to_chars_result r =
      is_float32 ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v),
                                 std::chars_format::scientific)
                 : std::to_chars(buf, buf + sizeof(buf), v,
                                 std::chars_format::scientific);
  const absl::string_view text(buf, r.ptr - buf);
  // d[.ddd]e±XX: the sign, the digits and the exponent.
  const size_t e_at = text.find('e');
  absl::string_view mantissa = text.substr(0, e_at);
  const bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  absl::string_view exp_text = text.substr(e_at + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out.push_back(digits[0]);
    if (digits.size() > 1) absl::StrAppend(&out, ".", digits.substr(1));
    const int magnitude = exponent < 0 ? -exponent : exponent;
    absl::StrAppend(&out, exponent < 0 ? "e-" : "e+", magnitude < 10 ? "0" : "",
                    magnitude);
    return out;
  }
  const int point = exponent + 1;  // digits before the decimal point
  if (point <= 0) {
    absl::StrAppend(&out, "0.", std::string(-point, '0'), digits);
  } else if (static_cast<size_t>(point) >= digits.size()) {
    absl::StrAppend(&out, digits, std::string(point - digits.size(), '0'));
  } else {
    absl::StrAppend(&out, digits.substr(0, point), ".", digits.substr(point));
  }
  return out;
}

// print(complex): "(" real, imag with its sign, "i)".
std::string ComplexText(double re, double im, bool is_float32, int go_minor) {
  const std::string imag = RuntimeFloatText(im, is_float32, go_minor);
  const bool signed_imag = imag[0] == '+' || imag[0] == '-';
  return absl::StrCat("(", RuntimeFloatText(re, is_float32, go_minor),
                      signed_imag ? "" : "+", imag, "i)");
}

class ValuePrinter {
 public:
  ValuePrinter(const symtab::AddressSpace& memory, const arch::ArchInfo& arch,
               std::optional<uint64_t> types, int go_minor)
      : memory_(memory), arch_(arch), types_(types), go_minor_(go_minor) {}

  absl::StatusOr<std::string> Print(uint64_t type, uint64_t data) const {
    if (type == 0) return std::string("nil");
    const uint64_t p = arch_.ptr_size;
    std::optional<symtab::ByteReader> header = memory_.Read(type, 4 * p + 12);
    if (!header) return Unreadable("the type descriptor", type);
    const uint8_t tflag = header->U8(2 * p + 4).value_or(0);
    const uint8_t kind = header->U8(2 * p + 7).value_or(0) & kKindMask;
    const int32_t name_offset = static_cast<int32_t>(
        memory_.ReadUnsigned(type + 4 * p + 8, 4, arch_.byte_order)
            .value_or(0));
    absl::StatusOr<std::string> name = TypeName(name_offset, tflag);
    if (!name.ok()) return name.status();
    const bool predeclared = *name == PredeclaredName(kind);
    if (kind == kString) {
      absl::StatusOr<std::string> s = IndentedString(data);
      if (!s.ok()) return s.status();
      if (predeclared) return s;
      return absl::StrCat(*name, "(\"", *s, "\")");
    }
    if (PredeclaredName(kind).empty()) {
      return absl::StrCat("(", *name, ") 0x", absl::Hex(data));
    }
    absl::StatusOr<std::string> value = Scalar(kind, data);
    if (!value.ok()) return value.status();
    if (predeclared) return value;
    // Complex values carry their own parentheses.
    if (kind == kComplex64 || kind == kComplex128) {
      return absl::StrCat(*name, *value);
    }
    return absl::StrCat(*name, "(", *value, ")");
  }

  // The string whose header is at `header_address`, each newline followed
  // by a tab from Go 1.23 (printindented).
  absl::StatusOr<std::string> IndentedString(uint64_t header_address) const {
    absl::StatusOr<std::string> s = String(header_address);
    if (s.ok() && go_minor_ >= 23) {
      absl::StrReplaceAll({{"\n", "\n\t"}}, &*s);
    }
    return s;
  }

 private:
  static absl::Status Unreadable(absl::string_view what, uint64_t address) {
    return absl::DataLossError(absl::StrCat("the panic value's ", what,
                                            " at 0x", absl::Hex(address),
                                            " is not in memory"));
  }

  // The type's name, from the name at moduledata.types + `offset`: a flags
  // byte, the length (a uvarint from Go 1.17, two big-endian bytes before),
  // the bytes.
  absl::StatusOr<std::string> TypeName(int32_t offset, uint8_t tflag) const {
    if (!types_) {
      return absl::NotFoundError(
          "the binary's type descriptors (moduledata.types) were not found");
    }
    const uint64_t name =
        *types_ + static_cast<uint64_t>(static_cast<int64_t>(offset));
    std::optional<symtab::ByteReader> head = memory_.Read(name, 11);
    if (!head) head = memory_.Read(name, 3);
    if (!head) return Unreadable("type name", name);
    uint64_t length = 0;
    uint64_t start = 0;
    if (go_minor_ >= 17) {
      int shift = 0;
      for (start = 1;; ++start) {
        std::optional<uint8_t> byte = head->U8(start);
        if (!byte || shift > 28) return Unreadable("type name", name);
        length |= static_cast<uint64_t>(*byte & 0x7f) << shift;
        shift += 7;
        if ((*byte & 0x80) == 0) break;
      }
      ++start;
    } else {
      length =
          (uint64_t{head->U8(1).value_or(0)} << 8) | head->U8(2).value_or(0);
      start = 3;
    }
    if (length > kMaxNameBytes) {
      return absl::DataLossError(absl::StrCat("a type name of ", length,
                                              " bytes at 0x", absl::Hex(name)));
    }
    std::optional<symtab::ByteReader> bytes =
        memory_.Read(name + start, length);
    if (!bytes) return Unreadable("type name", name);
    std::string text(reinterpret_cast<const char*>(bytes->data().data()),
                     length);
    if ((tflag & kTflagExtraStar) && !text.empty()) text.erase(0, 1);
    return text;
  }

  absl::StatusOr<std::string> String(uint64_t header_address) const {
    const int p = arch_.ptr_size;
    std::optional<uint64_t> pointer =
        memory_.ReadWord(header_address, p, arch_.byte_order);
    std::optional<uint64_t> length =
        memory_.ReadWord(header_address + p, p, arch_.byte_order);
    if (!pointer || !length) return Unreadable("string", header_address);
    if (*length > kMaxStringBytes) {
      return absl::DataLossError(
          absl::StrCat("a string of ", *length, " bytes"));
    }
    if (*length == 0) return std::string();
    std::optional<symtab::ByteReader> bytes = memory_.Read(*pointer, *length);
    if (!bytes) return Unreadable("string's bytes", *pointer);
    return std::string(reinterpret_cast<const char*>(bytes->data().data()),
                       *length);
  }

  // A value of a bool, integer, float or complex kind, at `data`.
  absl::StatusOr<std::string> Scalar(uint8_t kind, uint64_t data) const {
    const int p = arch_.ptr_size;
    int size = 0;
    switch (kind) {
      case kBool:
      case kInt8:
      case kUint8:
        size = 1;
        break;
      case kInt16:
      case kUint16:
        size = 2;
        break;
      case kInt32:
      case kUint32:
      case kFloat32:
        size = 4;
        break;
      case kInt:
      case kUint:
      case kUintptr:
        size = p;
        break;
      case kComplex128:
        size = 16;
        break;
      default:
        size = 8;
        break;  // int64, uint64, float64, complex64
    }
    // The value's bytes as an unsigned number, in the target's byte order.
    const auto unsigned_at = [&](int offset, int width) {
      return memory_.ReadUnsigned(data + offset, width, arch_.byte_order);
    };
    if (!memory_.Read(data, size)) return Unreadable("value", data);
    const auto signed_at = [&](int width) {
      const uint64_t v = unsigned_at(0, width).value_or(0);
      const int shift = 64 - 8 * width;
      return static_cast<int64_t>(v << shift) >> shift;
    };
    const auto float_at = [&](int offset) {
      const uint32_t bits =
          static_cast<uint32_t>(unsigned_at(offset, 4).value_or(0));
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      return static_cast<double>(f);
    };
    const auto double_at = [&](int offset) {
      const uint64_t bits = unsigned_at(offset, 8).value_or(0);
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      return d;
    };
    switch (kind) {
      case kBool:
        return std::string(unsigned_at(0, 1).value_or(0) != 0 ? "true"
                                                              : "false");
      case kInt:
      case kInt8:
      case kInt16:
      case kInt32:
      case kInt64:
        return absl::StrCat(signed_at(size));
      case kFloat32:
        return RuntimeFloatText(float_at(0), true, go_minor_);
      case kFloat64:
        return RuntimeFloatText(double_at(0), false, go_minor_);
      case kComplex64:
        return ComplexText(float_at(0), float_at(4), true, go_minor_);
      case kComplex128:
        return ComplexText(double_at(0), double_at(8), false, go_minor_);
      default:
        return absl::StrCat(unsigned_at(0, size).value_or(0));
    }
  }

  const symtab::AddressSpace& memory_;
  const arch::ArchInfo& arch_;
  std::optional<uint64_t> types_;
  int go_minor_;
};

}  // namespace

absl::StatusOr<std::vector<PanicRecord>> ReadPanicChain(
    const symtab::AddressSpace& memory, const DeferLayout& layout,
    const arch::ArchInfo& arch, uint64_t g) {
  const int p = arch.ptr_size;
  std::optional<uint64_t> head =
      memory.ReadWord(g + layout.g_panic, p, arch.byte_order);
  if (!head) return absl::DataLossError("g._panic is unreadable");
  std::vector<PanicRecord> chain;
  absl::flat_hash_set<uint64_t> seen;
  const auto flag = [&](uint64_t record, int offset) {
    if (offset < 0) return false;
    std::optional<symtab::ByteReader> byte = memory.Read(record + offset, 1);
    return byte && byte->U8(0).value_or(0) != 0;
  };
  for (uint64_t address = *head; address != 0;) {
    if (chain.size() == kMaxPanics || !seen.insert(address).second) {
      return absl::DataLossError("the panic chain loops or never ends");
    }
    std::optional<uint64_t> link =
        memory.ReadWord(address + layout.panic_link, p, arch.byte_order);
    std::optional<uint64_t> type =
        memory.ReadWord(address + layout.panic_arg, p, arch.byte_order);
    std::optional<uint64_t> data =
        memory.ReadWord(address + layout.panic_arg + p, p, arch.byte_order);
    if (!link || !type || !data) {
      return absl::DataLossError(absl::StrCat(
          "the _panic at 0x", absl::Hex(address), " is unreadable"));
    }
    chain.push_back({.address = address,
                     .value_type = *type,
                     .value_data = *data,
                     .recovered = flag(address, layout.panic_recovered),
                     .repanicked = flag(address, layout.panic_repanicked),
                     .goexit = flag(address, layout.panic_goexit)});
    address = *link;
  }
  return chain;
}

absl::StatusOr<std::string> PanicValueText(const symtab::AddressSpace& memory,
                                           const arch::ArchInfo& arch,
                                           std::optional<uint64_t> types,
                                           int go_minor,
                                           const PanicRecord& panic) {
  return ValuePrinter(memory, arch, types, go_minor)
      .Print(panic.value_type, panic.value_data);
}

absl::StatusOr<std::string> ThrowMessageText(const symtab::AddressSpace& memory,
                                             const arch::ArchInfo& arch,
                                             uint64_t closure, bool by_program,
                                             int go_minor) {
  // The captures follow the code pointer in the order the closure uses
  // them: fatal's print shows the panics (p) first from 1.26.
  const int message_word = by_program && go_minor >= 26 ? 2 : 1;
  return ValuePrinter(memory, arch, std::nullopt, go_minor)
      .IndentedString(closure + message_word * arch.ptr_size);
}

std::string RuntimeFloatText(double value, bool is_float32, int go_minor) {
  return go_minor >= 26 ? ShortestFloatText(value, is_float32)
                        : OldFloatText(value);
}

}  // namespace gentrace::goruntime
