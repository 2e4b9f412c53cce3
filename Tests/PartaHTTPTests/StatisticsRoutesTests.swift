import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// Statistics pages over HTTP: drill down region → municipality → school, who sees what (another
/// municipality's officer: 403), a past week, the school's page with its municipality's total.
@Suite("Statistics over HTTP")
struct StatisticsRoutesTests {
    @Test("drill-down, weeks, and who reads which page", arguments: TestEngine.all)
    func pages(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let p = world.parta
            let s = try await world.chatSchool()
            let twin = try await world.registerSchool("МБОУ «Гимназия № 2»", shortName: "Гимназия № 2", adminPhone: "+79990000011")
            let far = try await world.registerSchool("МБОУ «Школа № 7»", shortName: "Школа № 7", municipality: "Калининский район", adminPhone: "+79990000012")
            let org = try #require(try await world.database.read { try await $0.organization(s.id) })
            let farOrg = far.summary.organization
            _ = try await p.addOfficer(world.system, name: "Лебедева Елена Павловна", phone: "+79990000003", scope: .municipality(org.municipalityID))
            _ = try await p.addOfficer(world.system, name: "Орлова Анна Сергеевна", phone: "+79990000004", scope: .municipality(farOrg.municipalityID))
            _ = try await p.addOfficer(world.system, name: "Зуева Ирина Петровна", phone: "+79990000005", scope: .region(org.regionID))
            let officer = try await world.signIn("+79990000003").token
            let farOfficer = try await world.signIn("+79990000004").token
            let regional = try await world.signIn("+79990000005").token

            let base = "/api/v1/statistics"
            let none = try await client.call(.get, "\(base)/municipalities/\(org.municipalityID)", token: officer)
            #expect(none.status == .notFound && none.error == "no_snapshot")
            #expect(try await p.takeDueSnapshot()?.description == "2026-W35")
            _ = try await p.sendMessage(s.principals["s1"]!, chat: try #require(try await p.myChats(s.principals["s1"]!).first).entry.chat.id,
                                        clientID: "stat-1", text: "Привет")
            world.clock.set(ISO8601DateFormatter().date(from: "2026-09-04T16:00:00+03:00")!)
            #expect(try await p.takeDueSnapshot()?.description == "2026-W36")

            // The region: a row per municipality, sums beside them.
            let region = try await client.call(.get, "\(base)/regions/\(org.regionID)", token: regional)
            #expect(region.status == .ok && region["week"] as? String == "2026-W36" && region["weeks"] as? [String] == ["2026-W36", "2026-W35"])
            let rows = try #require(region["rows"] as? [[String: Any]])
            #expect(rows.map { $0["name"] as? String } == ["г. Тверь", "Калининский район"])
            let total = try #require(region["total"] as? [String: Any])
            #expect(total["organizations"] as? Int == 3 && total["messages"] as? Int == 1 && total["students"] as? Int == 4)
            #expect((rows[0]["figures"] as? [String: Any])?["organizations"] as? Int == 2)

            // The municipality: a row per school; its officer reads it, another municipality's does not.
            let city = try await client.call(.get, "\(base)/municipalities/\(org.municipalityID)", token: officer)
            #expect(city.status == .ok)
            #expect((city["rows"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Гимназия № 2", org.profile.shortName])
            for (path, token) in [("municipalities/\(org.municipalityID)", farOfficer), ("organizations/\(s.id)", farOfficer),
                                  ("regions/\(org.regionID)", officer), ("", officer), ("organizations/\(s.id)", s.tokens["ivanova"]!)] {
                let refused = try await client.call(.get, "\(base)/\(path)", token: token)
                #expect(refused.status == .forbidden, "\(path)")
            }
            #expect(try await client.call(.get, "\(base)/municipalities/\(farOrg.municipalityID)", token: farOfficer).status == .ok)
            #expect(try await client.call(.get, "\(base)/organizations/999999", token: officer).status == .notFound)

            // The school's administrator: their page with the municipality's total, no other school's name.
            let school = try await client.call(.get, "\(base)/organizations/\(s.id)", token: s.tokens["admin"]!)
            #expect(school.status == .ok && school["name"] as? String == org.profile.shortName && (school["rows"] as? [Any])?.isEmpty == true)
            #expect((school["total"] as? [String: Any])?["messages"] as? Int == 1)
            #expect((school["municipality_total"] as? [String: Any])?["organizations"] as? Int == 2)
            #expect(!school.text.contains("Гимназия"))
            let twinAdmin = try await world.signIn("+79990000011").token
            #expect(try await client.call(.get, "\(base)/organizations/\(s.id)", token: twinAdmin).status == .forbidden)
            _ = twin

            // A past week, and weeks that are not.
            let past = try await client.call(.get, "\(base)/organizations/\(s.id)?week=2026-W35", token: s.tokens["admin"]!)
            #expect(past["week"] as? String == "2026-W35" && (past["total"] as? [String: Any])?["messages"] as? Int == 0)
            let missing = try await client.call(.get, "\(base)/organizations/\(s.id)?week=2026-W30", token: s.tokens["admin"]!)
            #expect(missing.status == .notFound)
            let bad = try await client.call(.get, "\(base)/organizations/\(s.id)?week=allweeks", token: s.tokens["admin"]!)
            #expect(bad.status == .badRequest && bad.error == "invalid_week")

            // CSV for Russian Excel: the same numbers as the JSON, a row per municipality and the total.
            let csv = try await client.call(.get, "\(base)/regions/\(org.regionID)?format=csv", token: regional)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"statistics-2026-W36-region-\(org.regionID).csv\"")
            #expect(csv.text.hasPrefix("\u{FEFF}Неделя;Название;Организаций;"))
            let lines = csv.text.dropFirst().split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            let columns = lines[0]
            func cell(_ line: [String], _ title: String) -> String? { columns.firstIndex(of: title).map { line[$0] } }
            #expect(lines.count == 4 && lines.dropFirst().map { $0[1] } == ["г. Тверь", "Калининский район", "Тверская область"])
            #expect(cell(lines[3], "Организаций") == "\(total["organizations"] as? Int ?? -1)" && cell(lines[3], "Сообщений за неделю") == "1")
            #expect(cell(lines[1], "Организаций") == "2")
            #expect(try await client.call(.get, "\(base)/regions/\(org.regionID)?format=pdf", token: regional).error == "invalid_format")
            #expect(try await client.call(.get, "\(base)/municipalities/\(org.municipalityID)?format=csv", token: farOfficer).status == .forbidden)

            // The way back up and the trend: the page's total in each week, oldest first.
            let trail = try #require(school["trail"] as? [[String: Any]])
            #expect(trail.map { $0["level"] as? String } == ["platform", "region", "municipality"])
            #expect(trail.map { $0["name"] as? String } == ["Российская Федерация", "Тверская область", "г. Тверь"])
            #expect((trail.last?["id"] as? NSNumber)?.int64Value == org.municipalityID.rawValue)
            let trend = try #require(region["trend"] as? [[String: Any]])
            #expect(trend.map { $0["week"] as? String } == ["2026-W35", "2026-W36"])
            #expect(trend.map { ($0["figures"] as? [String: Any])?["messages"] as? Int } == [0, 1])
            #expect((trend.last?["figures"] as? [String: Any])?["organizations"] as? Int == 3)
            #expect((past["trend"] as? [[String: Any]])?.map { $0["week"] as? String } == ["2026-W35"], "a past week's trend ends with it")

            // A provisional page counted now: this week so far, marked, with the trend ending in it;
            // rate-limited per account (2 a minute), and refused before counting anything.
            world.clock.set(ISO8601DateFormatter().date(from: "2026-09-08T10:00:00+03:00")!)
            _ = try await p.sendMessage(s.principals["s1"]!, chat: try #require(try await p.myChats(s.principals["s1"]!).first).entry.chat.id,
                                        clientID: "stat-2", text: "Новая неделя")
            world.clock.advance(by: 60)
            let now = try await client.call(.get, "\(base)/municipalities/\(org.municipalityID)?week=now", token: officer)
            #expect(now.status == .ok && now["provisional"] as? Bool == true && now["week"] as? String == "2026-W37")
            #expect((now["total"] as? [String: Any])?["messages"] as? Int == 1 && now["weeks"] as? [String] == ["2026-W36", "2026-W35"])
            #expect((now["trend"] as? [[String: Any]])?.map { $0["week"] as? String } == ["2026-W35", "2026-W36", "2026-W37"])
            let live = try await p.organizationFigures(s.id, week: try StatisticsWeek.parse("2026-W37"), asOf: world.clock.now())
            let nowRow = try #require((now["rows"] as? [[String: Any]])?.first { ($0["id"] as? NSNumber)?.int64Value == s.id.rawValue })
            #expect((nowRow["figures"] as? [String: Any])?["messages"] as? Int == live.messages)
            #expect(try await client.call(.get, "\(base)/municipalities/\(org.municipalityID)?week=now", token: officer).status == .ok)
            let third = try await client.call(.get, "\(base)/organizations/\(s.id)?week=now", token: officer)
            #expect(third.status == .tooManyRequests && third.error == "too_many_requests" && third.headers[.retryAfter] != nil)
            #expect(try await client.call(.get, "\(base)/municipalities/\(farOrg.municipalityID)?week=now", token: officer).status == .forbidden,
                    "another territory is refused before the limit is spent")
            #expect(try await client.call(.get, "\(base)/organizations/\(s.id)?week=now", token: s.tokens["admin"]!).status == .ok)

            // XLSX: a workbook (a zip) for Excel, named like the CSV; for the region a sheet of
            // municipalities and one of schools (the e2e tests open it with openpyxl).
            let xlsx = try await client.call(.get, "\(base)/regions/\(org.regionID)?format=xlsx&week=2026-W36", token: regional)
            #expect(xlsx.status == .ok && xlsx.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(xlsx.headers[.contentDisposition] == "attachment; filename=\"statistics-2026-W36-region-\(org.regionID).xlsx\"")
            #expect(xlsx.text.hasPrefix("PK") && xlsx.headers[.cacheControl] == "private, no-store")
            #expect(try await client.call(.get, "\(base)/regions/\(org.regionID)?format=xlsx", token: officer).status == .forbidden)
        }
    }
}
