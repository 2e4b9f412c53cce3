import PartaApp
import PartaDomain
import Testing

@Suite("Upload meter")
struct UploadMeterTests {
    @Test("hashes what streams through and refuses the chunk that crosses the limit")
    func meter() throws {
        let meter = UploadMeter(limit: 4096)
        try meter.add(Array("a".utf8))
        try meter.add(Array("bc".utf8))
        #expect(meter.finish() == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3))

        let streamed = UploadMeter(limit: 4096)
        try streamed.add([UInt8](repeating: 1, count: 2000))
        try streamed.add([UInt8](repeating: 1, count: 2000))
        #expect(throws: UploadMeter.tooLarge(4096)) { try streamed.add([UInt8](repeating: 1, count: 97)) }
        #expect(UploadMeter.tooLarge(4096).kind == .payloadTooLarge)
    }

    @Test("names and types are cleaned before they are stored or sent back in headers")
    func cleaning() {
        #expect(AttachmentRules.cleanName("../../etc/passwd") == "passwd")
        #expect(AttachmentRules.cleanName("C:\\Users\\Мария\\План.docx") == "План.docx")
        #expect(AttachmentRules.cleanName("a\"b\r\nc.txt") == "abc.txt")
        #expect(AttachmentRules.cleanName("") == "file" && AttachmentRules.cleanName(nil) == "file" && AttachmentRules.cleanName("..") == "file")
        #expect(AttachmentRules.cleanName(String(repeating: "я", count: 300) + ".pdf").count == 200)
        #expect(AttachmentRules.cleanName(String(repeating: "я", count: 300) + ".pdf").hasSuffix(".pdf"))
        #expect(AttachmentRules.cleanContentType("Image/PNG; charset=binary") == "image/png")
        #expect(AttachmentRules.cleanContentType("text/html\r\nX-Evil: 1") == "application/octet-stream")
        #expect(AttachmentRules.cleanContentType(nil) == "application/octet-stream")
        #expect(AttachmentRules.cleanContentType("nonsense") == "application/octet-stream")
        #expect(AttachmentRules.isInline("image/jpeg") && AttachmentRules.isInline("application/pdf"))
        #expect(!AttachmentRules.isInline("image/svg+xml") && !AttachmentRules.isInline("text/html"))
    }
}
