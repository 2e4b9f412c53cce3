import Logging
import Foundation
import Hummingbird
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
        ListDTO(items: messages())
    }

    /// GET /dev/codes — the same as a page that refreshes itself (demo mode).
    @Sendable func page(_ request: Request, context: PartaRequestContext) async throws -> Response {
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
