#include "render/pprof_file.h"

#include <zlib.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/gzip_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace gentrace::render {

namespace io = google::protobuf::io;

absl::StatusOr<std::string> EncodePprofFile(const pprof::Profile& profile) {
  std::string out;
  {
    io::StringOutputStream sink(&out);
    io::GzipOutputStream::Options options;
    options.format = io::GzipOutputStream::GZIP;
    io::GzipOutputStream gzip(&sink, options);
    if (!profile.SerializeToZeroCopyStream(&gzip) || !gzip.Close()) {
      return absl::InternalError("compressing the profile failed");
    }
  }
  return out;
}

namespace {

// The bytes of a whole gzip stream, at most `max_bytes` of them.
absl::StatusOr<std::string> Gunzip(absl::string_view file, int64_t max_bytes) {
  z_stream stream = {};
  // 16: a gzip header and trailer around the deflate data.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("zlib would not start");
  }
  std::string out;
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(file.data()));  // NOLINT
  stream.avail_in = static_cast<uInt>(file.size());
  int result = Z_OK;
  while (result == Z_OK) {
    constexpr size_t kChunk = size_t{1} << 20;
    if (static_cast<int64_t>(out.size()) >= max_bytes) break;
    const size_t used = out.size();
    out.resize(used + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(kChunk);
    result = inflate(&stream, Z_NO_FLUSH);
    out.resize(used + (kChunk - stream.avail_out));
  }
  inflateEnd(&stream);
  if (result != Z_STREAM_END) {
    return absl::InvalidArgumentError(
        static_cast<int64_t>(out.size()) >= max_bytes
            ? absl::StrCat("the profile is over ", max_bytes,
                           " bytes uncompressed")
            : "not a pprof profile (its gzip stream is cut short or corrupt)");
  }
  return out;
}

}  // namespace

absl::StatusOr<pprof::Profile> DecodePprofFile(absl::string_view file,
                                               int64_t max_bytes) {
  if (file.size() > INT32_MAX) {
    return absl::InvalidArgumentError("the profile file is over 2 GiB");
  }
  // protobuf reads at most INT_MAX bytes of one message.
  max_bytes = std::min<int64_t>(max_bytes, INT32_MAX);
  std::string gunzipped;
  if (absl::StartsWith(file, "\x1f\x8b")) {
    absl::StatusOr<std::string> bytes = Gunzip(file, max_bytes);
    if (!bytes.ok()) return bytes.status();
    gunzipped = *std::move(bytes);
    file = gunzipped;
  }
  pprof::Profile profile;
  if (static_cast<int64_t>(file.size()) > max_bytes ||
      !profile.ParseFromArray(file.data(), static_cast<int>(file.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a pprof profile, or over ", max_bytes, " bytes"));
  }
  return profile;
}

absl::StatusOr<ProfileTables> ProfileTables::Index(pprof::Profile* profile) {
  ProfileTables tables(profile);
  if (profile->string_table_size() == 0) profile->add_string_table("");
  for (int i = 0; i < profile->string_table_size(); ++i) {
    tables.strings_.try_emplace(profile->string_table(i), i);
  }
  for (const pprof::Function& function : profile->function()) {
    if (!tables.ValidString(function.name()) ||
        !tables.ValidString(function.system_name()) ||
        !tables.ValidString(function.filename())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "corrupt profile: function ", function.id(), "'s strings"));
    }
    tables.functions_.try_emplace({function.name(), function.system_name(),
                                   function.filename(), function.start_line()},
                                  function.id());
    tables.next_function_id_ =
        std::max(tables.next_function_id_, function.id() + 1);
  }
  return tables;
}

int64_t ProfileTables::String(absl::string_view text) {
  auto [it, added] = strings_.try_emplace(text, profile_->string_table_size());
  if (added) profile_->add_string_table(std::string(text));
  return it->second;
}

uint64_t ProfileTables::Function(absl::string_view name, absl::string_view file,
                                 int64_t start_line) {
  const int64_t name_index = String(name);
  const int64_t file_index = String(file);
  auto [it, added] = functions_.try_emplace(
      {name_index, name_index, file_index, start_line}, next_function_id_);
  if (added) {
    pprof::Function* function = profile_->add_function();
    function->set_id(next_function_id_++);
    function->set_name(name_index);
    function->set_system_name(name_index);
    function->set_filename(file_index);
    function->set_start_line(start_line);
  }
  return it->second;
}

}  // namespace gentrace::render
