// RiskPaths: what a path names for the risk classifier: a device, scratch space, a system tree, or a
// protected root (/, homes, data mounts). Not a file-system check: it reads the text, never the disk.
#pragma once

#include <string>
#include <string_view>

namespace sigma::domain {

// A block or character device other than the harmless ones (null, zero, tty, random, std streams,
// fd/, pts/, shm/).
bool is_device_path(std::string_view path);

// /tmp and /var/tmp and anything below them.
bool is_temp_path(std::string_view path);

// Where a write, move, permission change, truncation or delete is destructive:
// - system trees and everything below them: /etc, /boot, /usr, /bin, /sbin, /lib*, /var/lib,
//   /var/log, /var/spool, /sys, /proc, /dev (non-harmless), /root;
// - protected roots themselves and one level below: /, /home, /var, /opt, /srv and data mounts
//   (/mnt, /media, /data, /scratch, /lustre, /gpfs, /nfs, /raid, /datasets), ~ and $HOME;
// - any of these followed by a glob ("/etc/*").
// Returns an empty string when the path is none of these, else a short phrase naming why
// ("system tree /etc", "home root", "data mount /mnt/data").
std::string protected_path_reason(std::string_view path);

}  // namespace sigma::domain
