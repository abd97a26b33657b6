// RiskPaths: prefix tables for system trees and protected roots. Lexical only: "..", symlinks and
// relative paths are not resolved (a relative path is judged by the command's other rules).
#include "app/domain/risk_paths.h"

#include <algorithm>
#include <array>

namespace sigma::domain {

namespace {

// Collapses repeated slashes, drops "/." segments and trailing slashes: "//etc/./ssh/" -> "/etc/ssh".
std::string lexical(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            while (i < path.size() && path[i] == '/') ++i;
            if (i + 1 <= path.size() && path.substr(i, 1) == "." && (i + 1 == path.size() || path[i + 1] == '/')) {
                ++i;
                continue;
            }
            out += '/';
            continue;
        }
        out += path[i++];
    }
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

bool below(std::string_view p, std::string_view root) {
    return p == root || (p.size() > root.size() && p.substr(0, root.size()) == root && p[root.size()] == '/');
}

// The directory part of a trailing glob: "/etc/*" -> "/etc", "/var/lib/docker/*.db" -> "/var/lib/docker".
std::string strip_glob_tail(const std::string& p) {
    const size_t g = p.find_first_of("*?[");
    if (g == std::string::npos) return p;
    const size_t slash = p.rfind('/', g);
    if (slash == std::string::npos) return "";
    return slash == 0 ? "/" : p.substr(0, slash);
}

}  // namespace

bool is_device_path(std::string_view path) {
    const std::string p = lexical(path);
    if (!below(p, "/dev") || p == "/dev") return false;
    static constexpr std::array<std::string_view, 9> kHarmless = {"/dev/null",   "/dev/zero",    "/dev/stdout",
                                                                  "/dev/stderr", "/dev/stdin",   "/dev/tty",
                                                                  "/dev/random", "/dev/urandom", "/dev/full"};
    if (std::find(kHarmless.begin(), kHarmless.end(), p) != kHarmless.end()) return false;
    return !below(p, "/dev/fd") && !below(p, "/dev/pts") && !below(p, "/dev/shm");
}

bool is_temp_path(std::string_view path) {
    const std::string p = lexical(path);
    return below(p, "/tmp") || below(p, "/var/tmp");
}

std::string protected_path_reason(std::string_view path) {
    if (path.empty()) return "";
    if (path == "~" || path == "~/" || path == "$HOME" || path == "${HOME}" || path == "~/*" || path == "$HOME/*")
        return "the home directory";
    if (path[0] == '~' && path.find('/') == std::string_view::npos) return "a user's home directory";
    // Login scripts and SSH keys: writing them runs code at the next login or grants access.
    {
        const size_t slash = path.rfind('/');
        const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
        if (path.find("/.ssh/") != std::string_view::npos || base == ".ssh" || base == ".bashrc" ||
            base == ".profile" || base == ".bash_profile" || base == ".bash_login" || base == ".zshrc" ||
            base == ".zprofile" || base == "authorized_keys")
            return "a login script or SSH key file";
        if (path.rfind("~root", 0) == 0) return "root's home directory";
    }
    if (path[0] != '/') return "";
    std::string p = lexical(path);
    const bool globbed = p.find_first_of("*?[") != std::string::npos;
    if (globbed) p = strip_glob_tail(p);
    if (p.empty()) return "";
    if (p == "/") return "the root file system";
    if (p == "/dev") return "the device tree /dev";
    if (below(p, "/dev")) return is_device_path(p) ? "the device " + p : "";
    static constexpr std::array<std::string_view, 16> kTrees = {
        "/etc",    "/boot",    "/usr",     "/bin",       "/sbin", "/lib",  "/lib32", "/lib64",
        "/libx32", "/var/lib", "/var/log", "/var/spool", "/sys",  "/proc", "/root",  "/var/cache/apt"};
    for (std::string_view t : kTrees)
        if (below(p, t)) return "system tree " + std::string(t);
    static constexpr std::array<std::string_view, 15> kRoots = {"/home",  "/var",  "/opt",      "/srv",    "/mnt",
                                                                "/media", "/data", "/scratch",  "/lustre", "/gpfs",
                                                                "/nfs",   "/raid", "/datasets", "/run",    "/snap"};
    for (std::string_view r : kRoots) {
        if (!below(p, r)) continue;
        // The root itself, or one level below it (/home/alice, /mnt/data).
        const std::string_view rest = std::string_view(p).substr(r.size());
        const size_t slashes = static_cast<size_t>(std::count(rest.begin(), rest.end(), '/'));
        if (slashes <= 1) return (r == "/home" ? "home root " : "protected root ") + p;
        if (globbed && slashes <= 2) return "everything under " + p;
    }
    return "";
}

}  // namespace sigma::domain
