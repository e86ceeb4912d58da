import BlurdMedia
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds the clips under the PATH arguments of `blurd triage`: files, folders searched
/// recursively (symbolic links followed, hidden folders and the output folder left out, a link
/// back to a folder being walked detected as a loop), and globs. Every regular file is probed by
/// content (`MediaProbe`); what is no video is skipped and counted, not failed.
public enum ClipDiscovery {
    /// What the walk found, in argument order, each folder's entries sorted by name.
    public struct Inventory: Sendable, Equatable {
        public var clips: [TriageClip] = []
        public var skipped: [SkippedFile] = []
    }

    /// Walks `paths`, leaving out the folder `excluding` (the output folder) wherever it appears.
    /// Throws `TriageError.pathNotFound` for an argument that names nothing.
    public static func discover(_ paths: [String], excluding outputDirectory: String? = nil) throws -> Inventory {
        var walk = Walk(excluded: outputDirectory.flatMap(FileIdentity.init(path:)))
        for argument in paths {
            let matches: [String]
            if FileIdentity.exists(argument) {
                matches = [argument]
            } else {
                matches = Glob.expand(argument)
                guard !matches.isEmpty else { throw TriageError.pathNotFound(argument) }
            }
            for match in matches { walk.visit(argument: match) }
        }
        return walk.inventory
    }

    /// The state of one walk: the roots named so far and what was found.
    private struct Walk {
        let excluded: FileIdentity?
        var inventory = Inventory()
        /// Root folder (absolute, standardized) → its unique name.
        var rootNames: [String: String] = [:]

        init(excluded: FileIdentity?) {
            self.excluded = excluded
        }

        mutating func visit(argument: String) {
            let absolute = URL(fileURLWithPath: argument).standardizedFileURL
            if FileIdentity.isDirectory(absolute.path) {
                let root = rootName(for: absolute)
                guard let identity = FileIdentity(path: absolute.path), identity != excluded else { return }
                walkDirectory(absolute, root: root, relative: "", ancestors: [identity])
            } else {
                let root = rootName(for: absolute.deletingLastPathComponent())
                consider(absolute, root: root, relative: absolute.lastPathComponent)
            }
        }

        /// The folder's name, with `-2`, `-3`… when another folder of that name came first.
        mutating func rootName(for folder: URL) -> String {
            if let known = rootNames[folder.path] { return known }
            var base = folder.lastPathComponent
            if base.isEmpty || base == "/" { base = "root" }
            var name = base, number = 2
            let taken = Set(rootNames.values)
            while taken.contains(name) {
                name = "\(base)-\(number)"
                number += 1
            }
            rootNames[folder.path] = name
            return name
        }

        /// `ancestors`: the folders on the way down (by device and inode), to detect a link that
        /// leads back into one of them.
        mutating func walkDirectory(_ folder: URL, root: String, relative: String, ancestors: [FileIdentity]) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            } catch {
                let file = TriageClip(path: folder.path, root: root, relativePath: relative, size: 0)
                inventory.skipped.append(SkippedFile(file: file, reason: .unreadable("cannot list the folder")))
                return
            }
            for name in names {
                let entry = folder.appendingPathComponent(name)
                let entryRelative = relative.isEmpty ? name : relative + "/" + name
                guard FileIdentity.isDirectory(entry.path) else {
                    consider(entry, root: root, relative: entryRelative)
                    continue
                }
                // Hidden folders (.git, .Trashes, .thumbnails) hold no footage to triage.
                if name.hasPrefix(".") { continue }
                guard let identity = FileIdentity(path: entry.path), identity != excluded else { continue }
                if ancestors.contains(identity) {
                    let file = TriageClip(path: entry.path, root: root, relativePath: entryRelative, size: 0)
                    inventory.skipped.append(SkippedFile(file: file, reason: .unreadable("a symbolic link loop")))
                    continue
                }
                walkDirectory(entry, root: root, relative: entryRelative, ancestors: ancestors + [identity])
            }
        }

        /// Probes one non-folder entry and files it as a clip or a skipped file.
        mutating func consider(_ url: URL, root: String, relative: String) {
            var status = stat()
            var file = TriageClip(path: url.path, root: root, relativePath: relative, size: 0)
            guard stat(url.path, &status) == 0 else {
                let reason = errno == ELOOP ? "a symbolic link loop" : "unreadable: \(String(cString: strerror(errno)))"
                inventory.skipped.append(SkippedFile(file: file, reason: .unreadable(reason)))
                return
            }
            // FIFOs, sockets and devices are not footage, and reading them could block.
            guard (status.st_mode & S_IFMT) == S_IFREG else {
                inventory.skipped.append(SkippedFile(file: file, reason: .unreadable("not a regular file")))
                return
            }
            file.size = Int64(status.st_size)
            do {
                switch try MediaProbe.kind(ofFileAt: url.path) {
                case .media: inventory.clips.append(file)
                case .image(let format): inventory.skipped.append(SkippedFile(file: file, reason: .stillImage(format: format)))
                case .notMedia: inventory.skipped.append(SkippedFile(file: file, reason: .notMedia))
                }
            } catch {
                inventory.skipped.append(SkippedFile(file: file, reason: .unreadable("unreadable: \(error)")))
            }
        }
    }
}
