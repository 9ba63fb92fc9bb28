#include "render/goroutine_profile.h"

#include "absl/status/status.h"
#include "render/pprof_file.h"
#include "render/runtime_text.h"

namespace gentrace::render {

namespace {

constexpr uint64_t kExecutableMapping = 1;

}  // namespace

GoroutineProfile::GoroutineProfile(const Module& module, Samples samples)
    : samples_(samples),
      text_start_(module.text_start()),
      text_end_(module.text_end()),
      tables_(*ProfileTables::Index(&profile_)) {  // empty: cannot fail
  pprof::ValueType* type = profile_.add_sample_type();
  type->set_type(tables_.String("goroutine"));
  type->set_unit(tables_.String("count"));
  *profile_.mutable_period_type() = *type;
  profile_.set_period(1);
  pprof::Mapping* mapping = profile_.add_mapping();
  mapping->set_id(kExecutableMapping);
  mapping->set_memory_start(module.text_start());
  mapping->set_memory_limit(module.text_end());
  mapping->set_file_offset(module.text_file_offset());
  mapping->set_filename(tables_.String(module.path()));
  mapping->set_build_id(tables_.String(module.gnu_build_id().empty()
                                           ? module.go_build_id()
                                           : module.gnu_build_id()));
  mapping->set_has_functions(true);
  mapping->set_has_filenames(true);
  mapping->set_has_line_numbers(true);
  mapping->set_has_inline_frames(true);
}

uint64_t GoroutineProfile::LocationId(const Frame& frame) {
  auto [it, added] = locations_.try_emplace({frame.pc(), frame.trap()},
                                            profile_.location_size() + 1);
  if (!added) return it->second;
  // Not a reference into profile_: tables_ may add functions first.
  pprof::Location location;
  location.set_id(it->second);
  if (frame.pc() >= text_start_ && frame.pc() < text_end_) {
    location.set_mapping_id(kExecutableMapping);
  }
  // As runtime/pprof writes it: a call's own address (within the call
  // instruction) for a return address, the interrupted instruction's.
  const bool return_address = !frame.trap() && frame.pc() != frame.entry();
  location.set_address(return_address ? frame.pc() - 1 : frame.pc());
  for (const Location& call : frame.locations()) {
    pprof::Line* line = location.add_line();
    line->set_function_id(
        tables_.Function(call.function(), call.file(), call.start_line()));
    line->set_line(call.line());
  }
  *profile_.add_location() = std::move(location);
  return it->second;
}

void GoroutineProfile::Add(const Goroutine& goroutine) {
  std::vector<uint64_t> stack;
  stack.reserve(goroutine.frames_size());
  for (const Frame& frame : goroutine.frames()) {
    stack.push_back(LocationId(frame));
  }
  std::vector<pprof::Label> labels;
  auto text = [&](absl::string_view key, absl::string_view value) {
    if (value.empty()) return;
    pprof::Label& label = labels.emplace_back();
    label.set_key(tables_.String(key));
    label.set_str(tables_.String(value));
  };
  auto number = [&](absl::string_view key, int64_t value,
                    absl::string_view unit) {
    pprof::Label& label = labels.emplace_back();
    label.set_key(tables_.String(key));
    label.set_num(value);
    if (!unit.empty()) label.set_num_unit(tables_.String(unit));
  };
  text("state", goroutine.status());
  text("wait_reason", goroutine.wait_reason());
  if (const Location* creator = ShownCreator(goroutine)) {
    text("created_by", creator->function());
  }
  number("goroutine", goroutine.id(), "");
  if (goroutine.wait_minutes() > 0) {
    number("wait_minutes", goroutine.wait_minutes(), "minutes");
  }

  if (samples_ == Samples::kPerStack) {
    auto [it, added] = stacks_.try_emplace(stack, profile_.sample_size());
    if (!added) {
      pprof::Sample* sample = profile_.mutable_sample(it->second);
      sample->set_value(0, sample->value(0) + 1);
      KeepCommonLabels(labels, sample);
      return;
    }
  }
  pprof::Sample* sample = profile_.add_sample();
  sample->mutable_location_id()->Add(stack.begin(), stack.end());
  sample->add_value(1);
  for (pprof::Label& label : labels) *sample->add_label() = std::move(label);
}

void GoroutineProfile::AddComment(absl::string_view comment) {
  profile_.add_comment(tables_.String(comment));
}

void GoroutineProfile::KeepCommonLabels(const std::vector<pprof::Label>& labels,
                                        pprof::Sample* sample) {
  auto* kept = sample->mutable_label();
  auto same = [](const pprof::Label& a, const pprof::Label& b) {
    return a.key() == b.key() && a.str() == b.str() && a.num() == b.num() &&
           a.num_unit() == b.num_unit();
  };
  for (int i = kept->size() - 1; i >= 0; --i) {
    bool common = false;
    for (const pprof::Label& label : labels) {
      common |= same(kept->Get(i), label);
    }
    if (!common) kept->DeleteSubrange(i, 1);
  }
}

absl::StatusOr<std::string> GoroutineProfile::Encode() const {
  return EncodePprofFile(profile_);
}

}  // namespace gentrace::render
