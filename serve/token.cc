#include "serve/token.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace gentrace::serve {

bool BearerTokenMatches(absl::string_view authorization,
                        absl::string_view token) {
  if (token.empty()) return true;
  const std::string wanted = absl::StrCat("Bearer ", token);
  unsigned char differ = authorization.size() == wanted.size() ? 0 : 1;
  for (size_t i = 0; i < wanted.size(); ++i) {
    differ |= static_cast<unsigned char>(
        (i < authorization.size() ? authorization[i] : 0) ^ wanted[i]);
  }
  return differ == 0;
}

}  // namespace gentrace::serve
