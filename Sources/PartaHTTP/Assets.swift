import Logging
public import Foundation

/// Files the server serves besides the API: the web client in `Public/` and the API
/// description in `docs/openapi.yaml`. Found next to the working directory, the executable
/// (a source checkout's `.build/…/parta`) or in `/usr/share/parta`, unless configured.
public struct Assets: Sendable {
    public let root: URL

    public var publicDirectory: URL { root.appendingPathComponent("Public") }
    public var openAPIFile: URL { root.appendingPathComponent("docs/openapi.yaml") }

    public init(root: URL) {
        self.root = root
    }

    public static func locate(explicit: String?, executablePath: String = CommandLine.arguments.first ?? "") -> Assets? {
        let fm = FileManager.default
        func holdsAssets(_ url: URL) -> Bool {
            fm.fileExists(atPath: url.appendingPathComponent("docs/openapi.yaml").path)
        }
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            return holdsAssets(url) ? Assets(root: url) : nil
        }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        var executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(executable)
            executable.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/usr/share/parta"))
        candidates.append(URL(fileURLWithPath: "/usr/local/share/parta"))
        return candidates.first(where: holdsAssets).map(Assets.init(root:))
    }
}
