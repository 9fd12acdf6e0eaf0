#include "safegate/project/profile.h"

#include <filesystem>

namespace safegate::project {

std::string ProfileName(const std::optional<Project>& project, const std::string& flag) {
  if (!flag.empty()) return flag;
  if (!project || project->profile.empty()) return "";
  const std::string& name = project->profile;
  const bool file =
      name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml");
  namespace fs = std::filesystem;
  if (!file || project->base_dir.empty() || fs::path(name).is_absolute()) return name;
  return (fs::path(project->base_dir) / name).lexically_normal().string();
}

}  // namespace safegate::project
