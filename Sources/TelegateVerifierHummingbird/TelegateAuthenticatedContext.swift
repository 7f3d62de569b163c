import Hummingbird
import TelegateVerifier

/// A request context that carries the token ``TelegateBearerMiddleware`` verified. Adopt it in the app's context:
///
/// ```swift
/// struct AppContext: RequestContext, TelegateAuthenticatedContext {
///     var coreContext: CoreRequestContextStorage
///     var telegateToken: VerifiedToken?
///     init(source: Source) { coreContext = .init(source: source) }
/// }
/// ```
public protocol TelegateAuthenticatedContext: RequestContext {
    /// The request's verified token; `nil` before the middleware ran (never `nil` in routes behind it).
    var telegateToken: VerifiedToken? { get set }
}
