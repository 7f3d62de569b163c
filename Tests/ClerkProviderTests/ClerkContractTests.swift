import ClerkSimulator
import Foundation
import SimulatorKit
import StrictJSON
import TelegateCore
import Testing
import Yams

/// Every request the adapter sends is one Clerk's own OpenAPI file (clerk-bapi.yml, the pinned version) allows.
@Suite("Clerk contract")
struct ClerkContractTests {
    /// The Backend API spec, copied into the repository beside the provider.
    static let spec: JSONValue = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Providers/Clerk/Spec/clerk-bapi.yml")
        do {
            return json(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as Any)
        } catch {
            preconditionFailure("cannot read \(url.path): \(error)")
        }
    }()

    private static func json(_ value: Any) -> JSONValue {
        switch value {
        case let object as [String: Any]: .object(object.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        case let array as [Any]: .array(array.map(json))
        case let text as String: .string(text)
        case let flag as Bool: .bool(flag)
        case let number as Int: .integer(number)
        case let number as Double: .number(String(number))
        default: .null
        }
    }

    /// The spec's operation for a request path (`/v1/users/user_1/metadata` → `/users/{user_id}/metadata`).
    private func operation(_ method: String, _ path: String) -> JSONValue? {
        let segments = path.dropFirst(3).split(separator: "/")
        for (template, item) in Self.spec["paths"]?.objectMembers ?? [] {
            let parts = template.split(separator: "/")
            guard parts.count == segments.count,
                zip(parts, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 })
            else { continue }
            return item[method.lowercased()]
        }
        return nil
    }

    private func parameter(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue else { return value }
        return reference.split(separator: "/").dropFirst().reduce(Self.spec) { $0[String($1)] ?? .null }
    }

    @Test("H1: creation, duplicate lookup, profile sync and sign-in tokens all validate against clerk-bapi.yml")
    func everyRequestValidates() async throws {
        let faults = FaultInjector()
        faults.arm(.afterProviderBeforeResponse, action: .fail, times: 1)
        try await ClerkHarness.run(faults: faults) { harness in
            _ = try await harness.exchange()  // creates, then fails before linking
            _ = try await harness.exchange()  // finds by external_id
            var renamed = ClerkHarness.user
            renamed.lastName = nil
            _ = try await harness.exchange(renamed)  // syncs metadata and names
            let requests = harness.simulator.recordedRequests
            #expect(Set(requests.map(\.operation)) == ["create_user", "list_users", "update_metadata", "update_user", "sign_in_token"])
            for request in requests {
                #expect(request.apiVersion == "2026-05-12")
                let specOperation = try #require(operation(request.method, request.path), "\(request.method) \(request.path)")
                if let body = request.body {
                    let schema = try #require(specOperation["requestBody"]?["content"]?["application/json"]?["schema"])
                    let violations = OpenAPISchemaValidator(schema: schema, document: Self.spec).violations(of: body)
                    #expect(violations.isEmpty, "\(request.operation): \(violations)")
                }
                let known = (specOperation["parameters"]?.arrayElements ?? []).map(parameter).compactMap { $0["name"]?.stringValue }
                for item in request.query { #expect(known.contains(item.name), "\(request.operation) sends \(item.name)") }
            }
            let token = try #require(requests.last { $0.operation == "sign_in_token" }?.body)
            #expect(token["expires_in_seconds"]?.integerValue == ClerkHarness.ticketTTL)
        }
    }

    @Test("The simulator's embedded schemas are those of the spec file")
    func embeddedSchemasMatch() {
        #expect(ClerkSimulator.apiVersion == Self.spec["info"]?["version"]?.stringValue)
        let schema = Self.spec["paths"]?["/users"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
        #expect(schema?["additionalProperties"] == .bool(false))
        #expect(schema?["properties"]?["skip_user_requirement"] != nil)
    }
}
