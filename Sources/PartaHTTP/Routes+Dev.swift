import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PartaApp
import PartaDomain

/// Demo mode only: the sign-in codes the development SMS sender "sent", so a person trying the
/// demo can sign in as anyone. These routes do not exist outside demo mode.
struct DevRoutes {
    let inbox: DevInbox
    let policy: SignInPolicy
    let timeZone: TimeZone

    func register(on router: Router<PartaRequestContext>) {
        router.get("dev/codes", use: page)
        router.get("dev/codes.json", use: json)
    }

    /// The codes are for the person at this machine: a client connected straight from loopback,
    /// with no sign of a proxy in between (a demo behind nginx would otherwise show everyone's
    /// codes to the internet). Anyone else finds nothing here.
    static func checkLocal(_ request: Request, context: PartaRequestContext) throws(PartaError) {
        let loopback = context.peerAddress.map { $0 == "127.0.0.1" || $0 == "::1" || $0.hasPrefix("127.") || $0 == "::ffff:127.0.0.1" } ?? false
        let proxied = [HTTPField.Name.xForwardedFor, .forwarded, .xRealIP].contains { request.headers[$0] != nil }
        guard loopback, !proxied else { throw PartaError.notFound("This page") }
    }

    struct Message: ResponseCodable {
        var at: Date
        var phone: String
        var text: String
        var code: String?
    }

    func messages() -> [Message] {
        inbox.recent().map { Message(at: $0.at, phone: $0.phone.e164, text: $0.text, code: policy.code(inSMS: $0.text)) }
    }

    /// GET /dev/codes.json — recent development SMS, newest first (demo mode).
    @Sendable func json(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<Message> {
        try Self.checkLocal(request, context: context)
        return ListDTO(items: messages())
    }

    /// GET /dev/codes — the same as a page that refreshes itself (demo mode).
    @Sendable func page(_ request: Request, context: PartaRequestContext) async throws -> Response {
        try Self.checkLocal(request, context: context)
        let formatter = DateFormatter()
        formatter.dateFormat = "dd.MM.yyyy HH:mm:ss"
        formatter.timeZone = timeZone
        var rows = ""
        for message in messages() {
            rows += "<tr><td>\(Self.escape(formatter.string(from: message.at)))</td><td>\(Self.escape(message.phone))</td>"
            rows += "<td><strong>\(Self.escape(message.code ?? "—"))</strong></td><td>\(Self.escape(message.text))</td></tr>\n"
        }
        if rows.isEmpty {
            rows = "<tr><td colspan=\"4\">Кодов пока нет. Запросите код на странице входа.</td></tr>"
        }
        let html = """
            <!doctype html>
            <html lang="ru">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="5">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Parta — коды входа (демо)</title>
            </head>
            <body>
            <h1>Коды входа (демонстрационный режим)</h1>
            <p>Сервер запущен в демонстрационном режиме: SMS не отправляются, коды показаны здесь.
            Страница обновляется каждые 5 секунд.</p>
            <table>
            <thead><tr><th>Время</th><th>Телефон</th><th>Код</th><th>Текст SMS</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            </body>
            </html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
