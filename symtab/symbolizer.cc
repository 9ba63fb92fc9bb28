#include "symtab/symbolizer.h"

#include <algorithm>
#include <utility>

namespace gentrace::symtab {

absl::Status Symbolizer::Symbolize(uint64_t pc,
                                   std::vector<SourceFrame>* frames) const {
  if (index_ != nullptr &&
      index_->Symbolize(pc - binary_.load_bias(), frames)) {
    return absl::OkStatus();
  }
  return binary_.Symbolize(pc, frames);
}

void Symbolizer::SymbolizeBatch(absl::Span<const uint64_t> pcs,
                                std::vector<BatchResult>* results,
                                std::vector<SourceFrame>* frames) const {
  results->assign(pcs.size(), BatchResult());
  frames->clear();
  // The index answers in any order at the same cost; the rest is left to
  // the pclntab in PC order, where nearby PCs reuse its decoded tables.
  std::vector<std::pair<uint64_t, uint32_t>> rest;  // (pc, its index)
  for (uint32_t i = 0; i < pcs.size(); ++i) {
    const size_t first = frames->size();
    if (index_ != nullptr &&
        index_->Symbolize(pcs[i] - binary_.load_bias(), frames)) {
      (*results)[i].first = static_cast<uint32_t>(first);
      (*results)[i].count = static_cast<uint32_t>(frames->size() - first);
    } else {
      rest.emplace_back(pcs[i], i);
    }
  }
  std::sort(rest.begin(), rest.end());
  for (size_t k = 0; k < rest.size(); ++k) {
    const auto [pc, i] = rest[k];
    BatchResult& result = (*results)[i];
    if (k > 0 && pc == rest[k - 1].first) {
      result = (*results)[rest[k - 1].second];
      continue;
    }
    const size_t first = frames->size();
    result.status = binary_.Symbolize(pc, frames);
    if (!result.status.ok()) frames->resize(first);
    result.first = static_cast<uint32_t>(first);
    result.count = static_cast<uint32_t>(frames->size() - first);
  }
}

}  // namespace gentrace::symtab
