import StrictJSON
import TelegateCore

/// The OpenAPI 3.1 description of the admin API, built from the routes themselves so that it cannot drift from
/// what is served.
enum AdminOpenAPI {
    static func document(_ routes: [AdminRoute]) -> JSONValue {
        var paths: [(key: String, value: JSONValue)] = []
        for route in routes {
            let path = "/admin/v1" + route.path
            let operation = (route.method.rawValue.lowercased(), self.operation(route))
            if let index = paths.firstIndex(where: { $0.key == path }) {
                paths[index].value = .object((paths[index].value.objectMembers ?? []) + [operation])
            } else {
                paths.append((path, .object([operation])))
            }
        }
        return .object([
            ("openapi", .string("3.1.0")),
            (
                "info",
                .object([
                    ("title", .string("Telegate admin API")), ("version", .string("1")),
                    (
                        "description",
                        .string(
                            "Configure apps, bots and provider adapters, manage users and signing keys, read the audit log. Every call needs an admin token: Authorization: Bearer tga_…"
                        )
                    ),
                ])
            ),
            ("security", .array([.object([("adminToken", .array([]))])])),
            ("paths", .object(paths)),
            (
                "components",
                .object([
                    (
                        "securitySchemes",
                        .object([("adminToken", .object([("type", .string("http")), ("scheme", .string("bearer"))]))])
                    ),
                    ("schemas", .object([("Problem", problemSchema)])),
                    (
                        "responses",
                        .object([
                            (
                                "Problem",
                                .object([
                                    ("description", .string("An RFC 9457 problem document with a stable code.")),
                                    (
                                        "content",
                                        .object([
                                            (
                                                "application/problem+json",
                                                .object([("schema", .object([("$ref", .string("#/components/schemas/Problem"))]))])
                                            )
                                        ])
                                    ),
                                ])
                            )
                        ])
                    ),
                ])
            ),
        ])
    }

    private static func operation(_ route: AdminRoute) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("operationId", .string(route.operationID)), ("summary", .string(route.summary)),
        ]
        var parameters: [JSONValue] = route.segments.filter { $0.hasPrefix("{") }.map { segment in
            .object([
                ("name", .string(String(segment.dropFirst().dropLast()))), ("in", .string("path")), ("required", .bool(true)),
                ("schema", .object([("type", .string("string"))])),
            ])
        }
        parameters += route.query.map { name in
            .object([
                ("name", .string(name)), ("in", .string("query")), ("required", .bool(false)),
                ("schema", .object([("type", .string("string"))])),
            ])
        }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body = route.body {
            members.append(
                (
                    "requestBody",
                    .object([
                        ("required", .bool(body.members.contains(where: \.required))),
                        ("content", .object([("application/json", .object([("schema", body.json)]))])),
                    ])
                ))
        }
        var success: [(key: String, value: JSONValue)] = [("description", .string(route.summary))]
        if route.successStatus != 204 {
            success.append(
                ("content", .object([("application/json", .object([("schema", route.response ?? .object([("type", .string("object"))]))]))])))
        }
        members.append(
            (
                "responses",
                .object([
                    (String(route.successStatus), .object(success)),
                    ("default", .object([("$ref", .string("#/components/responses/Problem"))])),
                ])
            ))
        return .object(members)
    }

    private static let problemSchema: JSONValue = .object([
        ("type", .string("object")),
        ("required", .array([.string("type"), .string("status"), .string("code")])),
        (
            "properties",
            .object([
                ("type", .object([("type", .string("string"))])), ("title", .object([("type", .string("string"))])),
                ("status", .object([("type", .string("integer"))])), ("code", .object([("type", .string("string"))])),
                ("reason", .object([("type", .string("string"))])), ("detail", .object([("type", .string("string"))])),
                ("requestId", .object([("type", .string("string"))])),
            ])
        ),
    ])
}
