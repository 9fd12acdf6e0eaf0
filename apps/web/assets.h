// The reviewer page's files (web/), embedded at build time by
// cmake/EmbedAssets.cmake into a generated assets.cc.
#pragma once

#include <string_view>

namespace safegate::web {

struct Asset {
  std::string_view name;  // path under web/, e.g. "app.js"
  std::string_view content_type;
  std::string_view body;
};
extern const Asset kAssets[];
extern const int kAssetCount;

}  // namespace safegate::web
