#include "proto/convert.h"

#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace gentrace {
namespace {

// Every value of the C++ enum `From` (its enumerators run 0..`last`) maps
// to a distinct proto value, and together they reach every proto value;
// `unmapped` is the one proto value no C++ value stands for, if any.
template <typename From, typename To, typename Descriptor>
void ExpectOntoEveryProtoValue(From last, const Descriptor* descriptor,
                               std::set<int> unmapped) {
  std::set<int> reached = std::move(unmapped);
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    const To converted = ToProto(static_cast<From>(i));
    EXPECT_TRUE(reached.insert(converted).second)
        << descriptor->name() << " " << converted << " is reached twice";
  }
  EXPECT_EQ(static_cast<int>(reached.size()), descriptor->value_count())
      << "a " << descriptor->name() << " value has no C++ counterpart";
}

TEST(ConvertTest, FuncIdsLandOnTheProtoValueOfTheirName) {
  for (int i = 0; i <= static_cast<int>(symtab::FuncId::kUnknown); ++i) {
    const auto id = static_cast<symtab::FuncId>(i);
    // "systemstack_switch" -> FUNC_ID_SYSTEMSTACK_SWITCH,
    // "debugCallV1" -> FUNC_ID_DEBUG_CALL_V1.
    std::string expected = "FUNC_ID_";
    for (char c : symtab::FuncIdName(id)) {
      if (std::isupper(static_cast<unsigned char>(c))) expected += '_';
      expected +=
          static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(FuncId_Name(ToProto(id)), expected);
  }
  ExpectOntoEveryProtoValue<symtab::FuncId, FuncId>(symtab::FuncId::kUnknown,
                                                    FuncId_descriptor(), {});
}

TEST(ConvertTest, StopReasonsReachEveryProtoValue) {
  // kNone (still walking) is the proto's unspecified value.
  EXPECT_EQ(ToProto(unwind::StopReason::kNone), STOP_REASON_UNSPECIFIED);
  ExpectOntoEveryProtoValue<unwind::StopReason, StopReason>(
      unwind::StopReason::kUnrecognizedCode, StopReason_descriptor(), {});
}

TEST(ConvertTest, DeferKindsReachEveryProtoValue) {
  ExpectOntoEveryProtoValue<goruntime::DeferKind, DeferKind>(
      goruntime::DeferKind::kOpenCoded, DeferKind_descriptor(),
      {DEFER_KIND_UNSPECIFIED});
}

TEST(ConvertTest, ReportCausesReachEveryProtoValue) {
  ExpectOntoEveryProtoValue<traceback::ReportCause, ReportCause>(
      traceback::ReportCause::kSignal, ReportCause_descriptor(), {});
}

}  // namespace
}  // namespace gentrace
