import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaTesting
import Testing

@Suite("Joining over HTTP")
struct JoiningRoutesTests {
    @Test("invite → apply → queue → accept → verified teacher in /me; the queue is for administrators only", arguments: TestEngine.all)
    func teacherJoins(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let school = try await world.rosterSchool()
            let org = school.id.rawValue
            world.clock.advance(by: 61)
            let admin = try await client.signIn(world, "+79990000010")

            // Bad invites are refused and nothing is created.
            for (body, code) in [
                (["role": "teacher", "class_id": 1] as [String: Any], "class_not_allowed"),
                (["role": "student"], "class_required"),
                (["role": "teacher", "max_uses": 0], "invalid_max_uses"),
                (["role": "teacher", "expires_in_days": 91], "invalid_expiry"),
                (["role": "teacher", "expires_in_days": 3, "expires_at": "2030-01-01T00:00:00Z"], "invalid_expiry"),
                (["role": "administrator"], "invalid_body"),
            ] {
                let refused = try await client.call(.post, "/api/v1/organizations/\(org)/invites", json: body, token: admin)
                #expect(refused.status == .badRequest && refused.error == code, "\(body) → \(refused.text)")
            }
            #expect(try await client.call(.get, "/api/v1/organizations/\(org)/invites", token: admin)["total"] as? Int == 0)

            let created = try await client.call(
                .post, "/api/v1/organizations/\(org)/invites", json: ["role": "teacher", "note": "Новые учителя", "max_uses": NSNull()], token: admin)
            #expect(created.status == .created)
            let token = try #require(created["token"] as? String)
            #expect((created["url"] as? String)?.hasSuffix("/join/\(token)") == true)
            #expect((created["qr_svg"] as? String)?.hasPrefix("<svg") == true)
            #expect(Data(base64Encoded: created["qr_png_base64"] as? String ?? "")?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            let invite = try #require(created["invite"] as? [String: Any])
            #expect(invite["max_uses"] == nil && invite["status"] as? String == "active" && invite["link_kept"] as? Bool == true)

            // Its administrators get the same link and QR code again, as often as they ask.
            let inviteID = try #require(invite["id"] as? Int)
            let shown = try await client.call(.get, "/api/v1/organizations/\(org)/invites/\(inviteID)/link", token: admin)
            #expect(shown.status == .ok)
            #expect(Set(shown.json.keys) == ["invite", "token", "url", "qr_svg", "qr_png_base64"])
            #expect(shown["token"] as? String == token && shown["url"] as? String == created["url"] as? String)
            #expect(shown["qr_svg"] as? String == created["qr_svg"] as? String)
            #expect(NSDictionary(dictionary: shown["invite"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: invite))
            #expect(try await client.call(.get, "/api/v1/organizations/\(org)/invites/\(inviteID + 1000)/link", token: admin).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/organizations/\(org)/invites/x/link", token: admin).status == .notFound)

            // Anyone holding the link sees where it leads, without signing in.
            let preview = try await client.call(.get, "/api/v1/invites/\(token)")
            #expect(preview.status == .ok && preview["role"] as? String == "teacher")
            #expect((preview["organization"] as? [String: Any])?["id"] as? Int == Int(org))
            #expect(try await client.call(.get, "/api/v1/invites/nonsense").status == .notFound)

            let teacher = try await client.signIn(world, "+79991230001")
            #expect(try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: ["invite_token": token]).status == .unauthorized)
            let noName = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: ["invite_token": token], token: teacher)
            #expect(noName.status == .badRequest && noName.error == "name_required")
            let applied = try await client.call(
                .post, "/api/v1/organizations/\(org)/join-requests",
                json: ["invite_token": token, "surname": "Иванова", "given_name": "Мария", "message": "Веду историю"], token: teacher)
            #expect(applied.status == .created, "\(applied.text)")
            #expect(applied["status"] as? String == "pending" && applied["invite_note"] as? String == "Новые учителя")
            let requestID = try #require(applied["id"] as? Int)
            let again = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: ["invite_token": token], token: teacher)
            #expect(again.status == .conflict && again.error == "request_pending")

            // Only administrators see the queue and decide.
            for path in ["/api/v1/organizations/\(org)/join-requests", "/api/v1/organizations/\(org)/join-requests/\(requestID)",
                         "/api/v1/organizations/\(org)/invites", "/api/v1/organizations/\(org)/members"] {
                let refused = try await client.call(.get, path, token: teacher)
                #expect(refused.status == .forbidden, "\(path)")
                #expect(refused.message?.contains("administrators") == true)
            }
            #expect(try await client.call(.post, "/api/v1/organizations/\(org)/join-requests/\(requestID)/accept", token: teacher).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/organizations/\(org)/join-requests?status=maybe", token: admin).status == .badRequest)

            let queue = try await client.call(.get, "/api/v1/organizations/\(org)/join-requests?status=pending&role=teacher", token: admin)
            #expect(queue.items.map { $0["id"] as? Int } == [requestID])
            #expect(queue.items.first?["message"] as? String == "Веду историю")
            let details = try await client.call(.get, "/api/v1/organizations/\(org)/join-requests/\(requestID)", token: admin)
            #expect(details.status == .ok && (details["matches"] as? [Any])?.isEmpty == true)

            let accepted = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests/\(requestID)/accept", token: admin)
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted["created_person"] as? Bool == true)
            let me = try await client.call(.get, "/api/v1/me", token: teacher)
            let mine = try #require((me["organizations"] as? [[String: Any]])?.first)
            #expect(mine["roles"] as? [String] == ["teacher"] && mine["verified"] as? Bool == true && mine["teacher_count"] as? Int == 1)
            #expect((me["join_requests"] as? [[String: Any]])?.first?["status"] as? String == "accepted")
            let card = try await client.call(.get, "/api/v1/organizations/\(org)", token: teacher)
            let activity = try #require(card["activity"] as? [String: Any])
            #expect(activity["active"] as? Bool == false && activity["verified_teachers"] as? Int == 1)
            #expect((activity["missing"] as? [String])?.contains("three_verified_teachers") == true)

            // The unlimited invite (max_uses: null) stays usable; a one-use invite is gone after one use: 410 naming why.
            #expect(try await client.call(.get, "/api/v1/invites/\(token)").status == .ok)
            let single = try await client.call(.post, "/api/v1/organizations/\(org)/invites", json: ["role": "employee"], token: admin)
            let singleToken = try #require(single["token"] as? String)
            let employee = try await client.signIn(world, "+79991230002")
            #expect(try await client.call(.post, "/api/v1/organizations/\(org)/join-requests",
                                          json: ["invite_token": singleToken, "surname": "Петров", "given_name": "Олег"], token: employee).status == .created)
            let gone = try await client.call(.get, "/api/v1/invites/\(singleToken)")
            #expect(gone.status == .gone && gone.error == "invite_used_up")

            // Members and administrator rights.
            let members = try await client.call(.get, "/api/v1/organizations/\(org)/members?role=teacher", token: admin)
            let teacherAccount = try #require(members.items.first?["account_id"] as? Int)
            #expect(members.items.first?["phone"] == nil)
            let granted = try await client.call(.put, "/api/v1/organizations/\(org)/administrators/\(teacherAccount)", token: admin)
            #expect(granted.items.count == 2)
            let employeeMe = try await client.call(.get, "/api/v1/me", token: employee)
            let employeeAccount = try #require((employeeMe["account"] as? [String: Any])?["id"] as? Int)
            let notMember = try await client.call(.put, "/api/v1/organizations/\(org)/administrators/\(employeeAccount)", token: admin)
            #expect(notMember.status == .conflict && notMember.error == "not_a_member")
        }
    }

    @Test("reject with a reason, withdraw, revoke and revoke-unused", arguments: TestEngine.all)
    func decisions(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let school = try await world.rosterSchool()
            let org = school.id.rawValue
            world.clock.advance(by: 61)
            let admin = try await client.signIn(world, "+79990000010")
            let year = try await world.parta.createSchoolYear(school.admin, organization: school.id, name: "2026/2027")
            let tenA = try await world.parta.createClass(school.admin, organization: school.id, schoolYear: year.id,
                                                        label: ClassLabel(grade: 10, letter: "А")).schoolClass.id.rawValue
            let parent = try await client.signIn(world, "+79991230003")
            let body: [String: Any] = ["role": "parent", "class_id": tenA, "surname": "Орлова", "given_name": "Анна",
                                       "child_surname": "Орлов", "child_given_name": "Иван"]
            let first = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: body, token: parent)
            #expect(first.status == .created && first["class_name"] as? String == "10А")
            let firstID = try #require(first["id"] as? Int)
            let rejected = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests/\(firstID)/reject",
                                                 json: ["reason": "Ребёнка нет в списке 10А"], token: admin)
            #expect(rejected.status == .ok && rejected["status"] as? String == "rejected")
            let mine = try await client.call(.get, "/api/v1/me/join-requests", token: parent)
            #expect(mine.items.first?["reason"] as? String == "Ребёнка нет в списке 10А")
            let twice = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests/\(firstID)/reject", token: admin)
            #expect(twice.status == .conflict && twice.error == "request_decided")

            let second = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: body, token: parent)
            let secondID = try #require(second["id"] as? Int)
            let withdrawn = try await client.call(.post, "/api/v1/me/join-requests/\(secondID)/withdraw", token: parent)
            #expect(withdrawn["status"] as? String == "withdrawn")
            #expect(try await client.call(.post, "/api/v1/me/join-requests/\(secondID)/withdraw", token: admin).status == .notFound)

            let a = try await client.call(.post, "/api/v1/organizations/\(org)/invites", json: ["role": "student", "class_id": tenA], token: admin)
            let b = try await client.call(.post, "/api/v1/organizations/\(org)/invites", json: ["role": "teacher", "expires_in_days": 2], token: admin)
            let aID = try #require((a["invite"] as? [String: Any])?["id"] as? Int)
            let revoked = try await client.call(.delete, "/api/v1/organizations/\(org)/invites/\(aID)", token: admin)
            #expect(revoked["status"] as? String == "revoked")
            let gone = try await client.call(.get, "/api/v1/invites/\(a["token"] as? String ?? "")")
            #expect(gone.status == .gone && gone.error == "invite_revoked")
            let notShown = try await client.call(.get, "/api/v1/organizations/\(org)/invites/\(aID)/link", token: admin)
            #expect(notShown.status == .gone && notShown.error == "invite_revoked")
            let bulk = try await client.call(.post, "/api/v1/organizations/\(org)/invites/revoke-unused", token: admin)
            #expect(bulk["revoked"] as? Int == 1)
            #expect(try await client.call(.get, "/api/v1/invites/\(b["token"] as? String ?? "")").error == "invite_revoked")
            #expect(try await client.call(.get, "/api/v1/organizations/\(org)/invites?usable=true", token: admin)["total"] as? Int == 0)

            // Bulk accept answers per id.
            let third = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests", json: body, token: parent)
            let thirdID = try #require(third["id"] as? Int)
            let many = try await client.call(.post, "/api/v1/organizations/\(org)/join-requests/accept", json: ["ids": [thirdID, firstID]], token: admin)
            #expect(many.status == .ok)
            // A new parent needs a chosen child: the only Орлов Иван is not in the roster, so it fails on its own.
            #expect(many.items.map { $0["error"] as? String } == ["child_required", "request_decided"])
            let audit = try await client.call(.get, "/api/v1/organizations/\(org)/audit?action=joining.request_rejected", token: admin)
            #expect(audit.items.count == 1)
        }
    }
}
