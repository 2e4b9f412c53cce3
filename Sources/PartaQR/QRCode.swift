import CQRencode

/// A QR code's module matrix from Debian's libqrencode, rendered as SVG or PNG.
public struct QRCode: Sendable, Equatable {
    /// Modules per side.
    public let size: Int
    /// Row-major; `true` is dark.
    public let modules: [Bool]

    public struct EncodingFailed: Error {}

    /// Encodes `text` (a URL) with medium error correction.
    public init(_ text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { throw EncodingFailed() }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for i in 0..<(width * width) { modules[i] = code.pointee.data[i] & 1 == 1 }
        self.size = width
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Quiet zone around the code, in modules (the standard asks for four).
    public static let border = 4

    /// A scalable SVG: one path of unit squares, crisp edges, black on white.
    public func svg() -> String {
        let total = size + 2 * Self.border
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) {
                path += "M\(x + Self.border) \(y + Self.border)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(total * 8)" height="\(total * 8)" viewBox="0 0 \(total) \(total)" shape-rendering="crispEdges">\
            <rect width="\(total)" height="\(total)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    /// A PNG, `scale` pixels per module, 1-bit grayscale.
    public func png(scale: Int = 8) -> [UInt8] {
        let side = (size + 2 * Self.border) * scale
        let rowBytes = (side + 7) / 8
        var raw = [UInt8]()
        raw.reserveCapacity((rowBytes + 1) * side)
        for py in 0..<side {
            raw.append(0)  // filter: none
            var row = [UInt8](repeating: 0xFF, count: rowBytes)
            let my = py / scale - Self.border
            for px in 0..<side {
                let mx = px / scale - Self.border
                if mx >= 0, my >= 0, mx < size, my < size, isDark(x: mx, y: my) {
                    row[px / 8] &= ~(0x80 >> UInt8(px % 8))
                }
            }
            raw.append(contentsOf: row)
        }
        var ihdr = [UInt8]()
        ihdr += PNG.bigEndian(UInt32(side)) + PNG.bigEndian(UInt32(side))
        ihdr += [1, 0, 0, 0, 0]  // bit depth 1, grayscale, deflate, no filter, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + PNG.chunk("IHDR", ihdr) + PNG.chunk("IDAT", PNG.zlibStored(raw)) + PNG.chunk("IEND", [])
    }
}

/// Just enough PNG: chunks with CRC-32 and a zlib stream of stored (uncompressed) blocks.
enum PNG {
    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let final: UInt8 = offset + length >= data.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian(b << 16 | a)
    }
}

extension QRCode {
    /// The code drawn with Unicode half blocks, two module rows per line, dark on light, with
    /// the quiet zone: scannable from a terminal.
    public func terminalText() -> String {
        let border = Self.border
        let side = size + 2 * border
        func dark(_ x: Int, _ y: Int) -> Bool {
            let mx = x - border, my = y - border
            return mx >= 0 && my >= 0 && mx < size && my < size && isDark(x: mx, y: my)
        }
        var lines: [String] = []
        for y in stride(from: 0, to: side, by: 2) {
            var line = ""
            for x in 0..<side {
                switch (dark(x, y), y + 1 < side && dark(x, y + 1)) {
                case (false, false): line.append("█")
                case (true, false): line.append("▄")
                case (false, true): line.append("▀")
                case (true, true): line.append(" ")
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
