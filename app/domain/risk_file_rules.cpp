// File tools' effects: what cp/mv/rm/chmod/truncate/dd/tar/zip/find/curl/openssl and their like
// write, move, delete or re-permission, judged by the paths they name (risk_paths.h).
// Not the code-running rules (risk_effect_rules.cpp) and not the danger words (risk_danger_rules.cpp).
#include <string>
#include <vector>

#include "app/domain/risk_classifier_impl.h"
#include "app/domain/risk_paths.h"

namespace sigma::domain::risk_detail {

namespace {

bool harmless_sink(const std::string& path) {
    return path.empty() || path == "-" || path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" ||
           path == "/dev/tty";
}

}  // namespace

void Classifier::write_target(const std::string& path, const std::string& what, const std::string& label) {
    if (harmless_sink(path)) return;
    if (is_device_path(path)) {
        raise(Risk::Destructive, label + " " + path + ": writes straight to a device");
        return;
    }
    if (const std::string why = protected_path_reason(path); !why.empty()) {
        raise(Risk::Destructive, label + " " + path + ": " + what + " in " + why);
        return;
    }
    raise(Risk::ChangesState, label + " " + path + ": " + what);
}

void Classifier::touch_target(const std::string& path, const std::string& what, const std::string& label) {
    if (is_device_path(path)) {
        raise(Risk::Destructive, label + " " + path + ": " + what + " a device");
        return;
    }
    if (const std::string why = protected_path_reason(path); !why.empty())
        raise(Risk::Destructive, label + " " + path + ": " + what + " " + why);
}

bool Classifier::file_rules(const SimpleCommand& cmd, const ShellSpec& tool, const ArgView& av, const std::string& p,
                            const Context& ctx) {
    const std::vector<ShellWord>& args = cmd.args;
    const std::string& n = tool.name;
    const std::vector<std::string>& pos = av.positional;
    if (n == "cp" || n == "mv" || n == "install" || n == "ln" || n == "rsync" || n == "scp") {
        // A dry run copies and deletes nothing.
        if (av.dry_run) return true;
        std::optional<std::string> dest = av.value_of({"-t", "--target-directory"});
        if (!dest && pos.size() >= 2) dest = pos.back();
        // rsync/scp to HOST:PATH writes PATH on that host: judge the path part.
        if (dest && (n == "rsync" || n == "scp")) {
            const size_t colon = dest->find(':');
            if (colon != std::string::npos && dest->find('/') > colon) dest = dest->substr(colon + 1);
        }
        if (n == "install" && av.has({"-d"}))
            for (const std::string& d : pos) write_target(d, "creates this directory", p);
        else if (dest) write_target(*dest, "writes into this destination", p);
        if (n == "mv")
            for (size_t k = 0; k + (dest && !av.value_of({"-t", "--target-directory"}) ? 1 : 0) < pos.size(); ++k)
                touch_target(pos[k], "moves away", p);
        if (ctx.runtime_args && dest) touch_target(*dest, "copies paths read from input into", p);
        if (n == "mv" && dest && dest->rfind("/dev/", 0) == 0)
            raise(Risk::Destructive, p + " " + *dest + ": moves files onto a device node, destroying them");
        return true;
    }
    if (n == "rm" || n == "rmdir" || n == "unlink" || n == "shred") {
        for (const std::string& f : pos) touch_target(f, "deletes", p);
        return true;
    }
    if (n == "chmod" || n == "chown" || n == "chgrp") {
        const size_t first = av.value_of({"--reference"}) ? 0 : 1;
        const char* what = n == "chmod" ? "changes the permissions of" : "changes the ownership of";
        for (size_t k = first; k < pos.size(); ++k) touch_target(pos[k], what, p);
        return true;
    }
    if (n == "chattr" || n == "setfacl") {
        for (const std::string& f : pos)
            if (!f.empty() && f[0] == '/') touch_target(f, "changes the attributes of", p);
        return true;
    }
    if (n == "truncate") {
        const std::string size = av.value_of({"-s", "--size"}).value_or(raw_value(args, {"-s", "--size"}).value_or(""));
        const bool shrinks =
            size == "0" || (!size.empty() && (size[0] == '-' || size[0] == '<' || size[0] == '/' || size[0] == '%'));
        for (const std::string& f : pos) {
            if (shrinks)
                raise(Risk::Destructive,
                      p + " -s " + size + " " + f + ": empties or shrinks the file, losing its data");
            touch_target(f, "truncates", p);
        }
        return true;
    }
    if (n == "touch" || n == "mkdir") {
        // Creating a file or folder destroys nothing: only system trees make it destructive.
        for (const std::string& f : pos) {
            const std::string why = protected_path_reason(f);
            if (why.rfind("system tree", 0) == 0 || why.rfind("the device", 0) == 0 ||
                why == "a login script or SSH key file")
                raise(Risk::Destructive, p + " " + f + ": creates a file or folder in " + why);
        }
        return true;
    }
    if (n == "dd") {
        for (const std::string& a : pos)
            if (a.rfind("of=", 0) == 0) write_target(a.substr(3), "writes raw blocks", p);
        return true;
    }
    if (n == "tar") {
        if (auto dir = raw_value(args, {"-C", "--directory"}); dir && (av.has({"-x"}) || raw_has(args, {"--extract"})))
            write_target(*dir, "extracts files into this folder", p);
        // Creating, appending to or deleting from an archive writes the file named by -f.
        if (av.has({"-c", "--create", "-r", "--append", "-u", "--update", "-A", "--catenate", "--concatenate",
                    "--delete"}))
            if (auto archive = av.value_of({"-f", "--file"})) write_target(*archive, "writes the archive", p);
        // Programs tar runs, even while only listing (tar -tf x.tar -I CMD).
        for (const char* opt : {"-I", "--use-compress-program", "--to-command", "-F", "--info-script",
                                "--new-volume-script", "--rsh-command"})
            if (auto prog = raw_value(args, {opt})) {
                raise(Risk::ChangesState, p + " " + opt + ": runs '" + *prog + "' as a program");
                nested_line(*prog, ctx.inner(p + " " + opt));
            }
        for (const ShellWord& w : args) {
            const std::string& t = w.text;
            if (t.rfind("--checkpoint-action=", 0) != 0) continue;
            const std::string action = t.substr(20);
            if (action.rfind("exec=", 0) == 0) {
                raise(Risk::ChangesState,
                      p + " --checkpoint-action: runs '" + action.substr(5) + "' at each checkpoint");
                nested_line(action.substr(5), ctx.inner(p + " --checkpoint-action"));
            }
        }
        return true;
    }
    if (n == "zip") {
        if (auto prog = raw_value(args, {"-TT", "--unzip-command"})) {
            raise(Risk::ChangesState, p + " -TT: runs '" + *prog + "' to test the archive");
            nested_line(*prog, ctx.inner(p + " -TT"));
        }
        return true;
    }
    if (n == "unzip") {
        if (auto dir = raw_value(args, {"-d"})) write_target(*dir, "extracts files into this folder", p);
        return true;
    }
    if (n == "find") {
        for (const char* opt : {"-fprint", "-fprint0", "-fprintf", "-fls"})
            if (auto f = raw_value(args, {opt})) write_target(*f, "writes the list to this file", p);
        return true;
    }
    if (n == "curl") {
        if (auto f = av.value_of({"-o", "--output"})) write_target(*f, "writes the download to this file", p);
        for (const char* opt :
             {"-D", "--trace", "--trace-ascii", "--stderr", "--libcurl", "--etag-save", "--hsts", "--alt-svc", "-c"})
            if (auto f = av.value_of({opt})) write_target(*f, "writes to this file", p);
        if (auto d = av.value_of({"--output-dir"})) write_target(*d, "writes downloads into this folder", p);
        return true;
    }
    if (n == "openssl") {
        for (const char* opt : {"-out", "-keyout", "-sess_out", "-keylogfile", "-msgfile", "-outdir", "-signature_out"})
            if (auto f = raw_value(args, {opt})) write_target(*f, "writes its output to this file", p);
        // An engine or provider is a shared library: loading it runs its code.
        if (raw_has(args, {"-engine", "-provider", "-provider-path", "-pre", "-post"}) ||
            (!av.ta.subcommand_path.empty() && av.ta.subcommand_path[0] == "engine" && !av.positional.empty()))
            raise(Risk::ChangesState, p + ": loads an engine or provider library, which runs its code");
        return true;
    }
    return false;
}

}  // namespace sigma::domain::risk_detail
