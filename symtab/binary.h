#ifndef GENTRACE_SYMTAB_BINARY_H_
#define GENTRACE_SYMTAB_BINARY_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "arch/arch.h"
#include "symtab/build_info.h"
#include "symtab/elf_file.h"
#include "symtab/mapped_file.h"
#include "symtab/pclntab.h"

namespace gentrace::symtab {

struct ModuledataWords;  // binary.cc

// How the pclntab was found.
enum class PclntabSource {
  kSection,    // .gopclntab or .data.rel.ro.gopclntab
  kSymbols,    // runtime.pclntab .. runtime.epclntab
  kMagicScan,  // validated scan of the loadable segments for the magic
};
absl::string_view PclntabSourceName(PclntabSource source);

// A Go binary opened for symbolization: the file, its ELF structure, its
// pclntab and build metadata. Opening reads headers only (no table is
// decoded in full), so it is cheap even for large binaries.
//
// Thread-safe after Open. Not async-signal-safe.
class Binary {
 public:
  // ELF, Mach-O (64-bit; a fat file's slice for `goarch`, or its only
  // one) and PE files.
  static absl::StatusOr<std::unique_ptr<Binary>> Open(
      absl::string_view path, absl::string_view goarch = "");
  // For tests and fuzzers: a binary image held in memory.
  static absl::StatusOr<std::unique_ptr<Binary>> FromBytes(
      std::string bytes, absl::string_view goarch = "");

  const std::string& path() const { return path_; }
  // Its structure: an ELF file's, or the container model of a Mach-O or PE
  // file (see ElfFile).
  const ElfFile& elf() const { return *elf_; }
  const Pclntab& pclntab() const { return *pclntab_; }
  // The architecture row for the ELF file's machine; nullptr when no Go
  // port builds such files.
  const arch::ArchInfo* arch() const { return arch_; }
  // Its GOARCH ("amd64"), "" without one.
  absl::string_view goarch() const {
    return arch_ != nullptr ? arch_->goarch : absl::string_view();
  }
  PclntabSource pclntab_source() const { return pclntab_source_; }
  uint64_t pclntab_address() const { return pclntab_address_; }
  const std::optional<BuildInfo>& build_info() const { return build_info_; }
  const std::string& go_build_id() const { return go_build_id_; }
  const std::string& gnu_build_id() const { return gnu_build_id_; }
  // "ELF", "Mach-O" or "PE".
  absl::string_view format() const { return elf_->format(); }
  // The file's own ID besides its build IDs (ReadFileId): LC_UUID, CodeView
  // GUID and age, or Breakpad's for an ELF file without a GNU build ID
  // (its text read the first time it is asked for).
  const std::string& file_id() const;
  // The Go release that built it, when buildinfo or runtime.buildVersion says.
  const std::optional<GoVersion>& go_version() const { return go_version_; }

  // The same binary where a program loaded it, `load_bias` above its link
  // addresses (a PIE): its pclntab() and Symbolize take and give the
  // program's addresses, as the runtime's own tables do there; elf() stays
  // at link addresses. Shares the file and its ELF structure with this one.
  absl::StatusOr<std::unique_ptr<Binary>> LoadedAt(uint64_t load_bias) const;
  // 0 for a binary as opened; LoadedAt's argument.
  uint64_t load_bias() const { return pclntab_->load_bias(); }
  // Its loadable segments at the addresses its tables use (link addresses
  // plus the load bias): where funcdata and code are read.
  const AddressSpace& image() const { return *pclntab_->memory(); }

  // Appends the logical frames at `pc` (innermost first, the physical
  // function last). NotFoundError when `pc` is in no Go function.
  absl::Status Symbolize(uint64_t pc, std::vector<SourceFrame>* frames) const;

  // 1.18+: moduledata.gofunc, found through symbols or, in stripped
  // binaries, through the moduledata that points at the pclntab. Looked up
  // once, on first call.
  std::optional<uint64_t> FindGoFunc() const;
  // moduledata.types, the base of the type descriptors' name and type
  // offsets (runtime.types), at link addresses: from the symbol or, in
  // stripped binaries of 1.16+, from the moduledata. Looked up once.
  std::optional<uint64_t> FindGoTypes() const;

 private:
  Binary() = default;
  static absl::StatusOr<std::unique_ptr<Binary>> FromFile(
      std::unique_ptr<MappedFile> file, std::string path,
      absl::string_view goarch);
  absl::Status LocatePclntab();
  // Parses the table at `address`, trying each plausible start of text for
  // 1.18+ tables until one validates.
  absl::StatusOr<std::unique_ptr<Pclntab>> TryParse(ByteReader data,
                                                    uint64_t address) const;
  absl::StatusOr<std::unique_ptr<Pclntab>> ParseAndValidate(
      ByteReader data, const Pclntab::Options& options) const;
  std::optional<uint64_t> FindSymbol(absl::string_view name) const;
  std::optional<uint64_t> TextSection() const;
  std::optional<uint64_t> ModuledataText(uint64_t table_address,
                                         uint64_t table_size) const;
  std::optional<uint64_t> LocateGoFunc() const;
  std::optional<uint64_t> LocateGoTypes() const;
  // What `read` finds in the moduledata by the first of the release's
  // layouts it accepts (nullopt: the words are not what that layout says).
  std::optional<uint64_t> ReadModuledataWords(
      absl::FunctionRef<std::optional<uint64_t>(uint64_t moduledata,
                                                uint64_t pointer_size,
                                                const ModuledataWords& words)>
          read) const;
  std::optional<uint64_t> FindModuledata(uint64_t table_address,
                                         uint64_t table_size) const;

  std::string path_;
  std::shared_ptr<const MappedFile> file_;
  std::shared_ptr<const ElfFile> elf_;
  // LoadedAt's: the ELF's segments at the program's addresses.
  std::unique_ptr<ShiftedAddressSpace> loaded_memory_;
  std::unique_ptr<Pclntab> pclntab_;
  const arch::ArchInfo* arch_ = nullptr;
  PclntabSource pclntab_source_ = PclntabSource::kSection;
  uint64_t pclntab_address_ = 0;
  std::optional<BuildInfo> build_info_;
  std::optional<GoVersion> go_version_;
  std::string go_build_id_;
  std::string gnu_build_id_;
  mutable std::once_flag file_id_once_;
  mutable std::string file_id_;
  mutable std::once_flag gofunc_once_;
  mutable std::optional<uint64_t> gofunc_;
  mutable std::once_flag types_once_;
  mutable std::optional<uint64_t> types_;
};

}  // namespace gentrace::symtab

#endif  // GENTRACE_SYMTAB_BINARY_H_
