// BuildId(): the GNU build-id note of the object that holds this code.
#include "safegate/base/build_id.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "safegate/base/digest.h"

namespace safegate {
namespace {

struct Search {
  uintptr_t address = 0;
  std::string id;  // hex; empty when not found
};

// The build-id in a PT_NOTE segment of `info`, or "".
std::string NoteBuildId(const dl_phdr_info* info, const ElfW(Phdr) & phdr) {
  const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + phdr.p_vaddr);
  size_t left = phdr.p_memsz;
  auto align4 = [](size_t n) { return (n + 3) & ~size_t{3}; };
  while (left >= sizeof(ElfW(Nhdr))) {
    ElfW(Nhdr) note;
    std::memcpy(&note, p, sizeof note);
    const size_t name = align4(note.n_namesz), desc = align4(note.n_descsz);
    if (sizeof note + name + desc > left) break;
    const unsigned char* name_at = p + sizeof note;
    if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
        std::memcmp(name_at, "GNU", 4) == 0 && note.n_descsz > 0) {
      return HexEncode(name_at + name, note.n_descsz);
    }
    p += sizeof note + name + desc;
    left -= sizeof note + name + desc;
  }
  return "";
}

int FindObject(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  bool contains = false;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && search->address >= start && search->address < start + ph.p_memsz)
      contains = true;
  }
  if (!contains) return 0;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type != PT_NOTE) continue;
    search->id = NoteBuildId(info, info->dlpi_phdr[i]);
    if (!search->id.empty()) break;
  }
  return 1;
}

std::string ComputeBuildId() {
  Search search;
  search.address = reinterpret_cast<uintptr_t>(&FindObject);
  dl_iterate_phdr(FindObject, &search);
  if (!search.id.empty()) return search.id;
  Dl_info dl;
  struct stat st;
  if (dladdr(reinterpret_cast<void*>(&FindObject), &dl) != 0 && dl.dli_fname != nullptr &&
      stat(dl.dli_fname, &st) == 0) {
    return std::string("file:") + dl.dli_fname + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return "";
}

}  // namespace

std::string_view BuildId() {
  static const std::string id = ComputeBuildId();
  return id;
}

}  // namespace safegate
