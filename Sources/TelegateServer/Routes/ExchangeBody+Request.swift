import ExchangeSubmission
import Hummingbird
import TelegateCore

extension ExchangeBody {
    /// Collects an exchange request's body and reads it with the request's headers; a refusal is a
    /// ``TelegateError``, rendered as problem+json.
    static func read(_ request: Request, context: TelegateRequestContext) async throws -> ExchangeBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        do {
            return try parse(
                Array(buffer.readableBytesView), contentType: request.headers[.contentType],
                authorization: request.headers[fields: .authorization].map { field in
                    field.withUnsafeBytesOfValue { Array($0) }
                })
        } catch {
            throw TelegateError(error)
        }
    }
}
