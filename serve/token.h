#ifndef GENTRACE_SERVE_TOKEN_H_
#define GENTRACE_SERVE_TOKEN_H_

#include "absl/strings/string_view.h"

namespace gentrace::serve {

// Whether an Authorization value (an HTTP header, gRPC metadata) is
// "Bearer <token>"; always true when no token is asked for (empty). The
// time taken does not depend on where the two first differ.
bool BearerTokenMatches(absl::string_view authorization,
                        absl::string_view token);

}  // namespace gentrace::serve

#endif  // GENTRACE_SERVE_TOKEN_H_
