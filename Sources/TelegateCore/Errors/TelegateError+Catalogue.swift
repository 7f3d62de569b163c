// Every code the core answers with, declared once with its HTTP status. A refused Telegram proof is answered under
// its `TelegramAuthError` code's name, with the status TelegateError+TelegramProof.swift gives it. Adapters and the
// application declare their own the same way, in their own folders; docs/errors.md lists each code once, checked
// against these lists.

// MARK: Requests and the exchange

extension TelegateError.Code {
    /// The request is malformed (bad JSON, missing or conflicting members, an unusable URL).
    public static let invalidRequest = Self("invalid_request", status: 400)
    /// The request body is not JSON.
    public static let unsupportedMediaType = Self("unsupported_media_type", status: 415)
    /// The request body, or a proof in it, is larger than accepted.
    public static let payloadTooLarge = Self("payload_too_large", status: 413)
    /// The HTTP method is not allowed here.
    public static let methodNotAllowed = Self("method_not_allowed", status: 405)
    /// No route matches the path and method.
    public static let notFound = Self("not_found", status: 404)
    /// A CORS preflight from an origin the app does not allow.
    public static let originNotAllowed = Self("origin_not_allowed", status: 403)
    /// No such app.
    public static let appNotFound = Self("app_not_found", status: 404)
    /// No such bot in the app.
    public static let botNotFound = Self("bot_not_found", status: 404)
    /// No such provider adapter in the app.
    public static let providerNotFound = Self("provider_not_found", status: 404)
    /// The bot is not configured for this kind of proof.
    public static let proofNotEnabled = Self("proof_not_enabled", status: 400)
    /// The user has been disabled by an admin.
    public static let userDisabled = Self("user_disabled", status: 403)
    /// The exchange named an organization the adapter's allow-list does not contain.
    public static let organizationNotAllowed = Self("organization_not_allowed", status: 403)
    /// Too many requests.
    public static let rateLimited = Self("rate_limited", status: 429)
    /// The database cannot be reached; retry.
    public static let storageUnavailable = Self("storage_unavailable", status: 503)
    /// Something unexpected failed on our side.
    public static let internalError = Self("internal_error", status: 500)
}

// MARK: Identity providers

extension TelegateError.Code {
    /// The identity provider rate-limits us; retry after `Retry-After`.
    public static let upstreamBusy = Self("upstream_busy", status: 503)
    /// The identity provider is down or timing out; retry.
    public static let upstreamUnavailable = Self("upstream_unavailable", status: 503)
    /// The identity provider answered with something we cannot use.
    public static let upstreamInvalidResponse = Self("upstream_invalid_response", status: 502)
    /// The adapter's configuration or credentials are wrong; an admin must act.
    public static let adapterMisconfigured = Self("adapter_misconfigured", status: 502)
    /// The identity provider answered about a user that is not this local user's.
    public static let providerIdentityMismatch = Self("provider_identity_mismatch", status: 502)
}

// MARK: Configuration and secrets

extension TelegateError.Code {
    /// An adapter's kind is unknown or its configuration fails the kind's schema; or a setting cannot work.
    public static let invalidConfig = Self("invalid_config", status: 422)
    /// A bot token is not in Telegram's shape.
    public static let invalidBotToken = Self("invalid_bot_token", status: 422)
    /// A secret field holds a value instead of a reference.
    public static let literalSecret = Self("literal_secret", status: 422)
    /// A secret reference cannot be resolved.
    public static let secretUnresolved = Self("secret_unresolved", status: 422)
    /// A sealed value cannot be opened although the master key opens others.
    public static let secretUnreadable = Self("secret_unreadable", status: 500)
    /// The master key is not base64 of exactly 32 bytes.
    public static let masterKeyInvalid = Self("master_key_invalid", status: 500)
    /// An outbound URL points at an address the policy refuses.
    public static let unsafeURL = Self("unsafe_url", status: 422)
}

// MARK: Admin API

extension TelegateError.Code {
    /// The admin API needs a valid bearer token.
    public static let adminUnauthorized = Self("admin_unauthorized", status: 401)
    /// The admin token may not do this (read-only, or restricted to one app).
    public static let adminForbidden = Self("admin_forbidden", status: 403)
    /// A request body member is unknown, read-only, missing, of the wrong type or not allowed (the `reason` says
    /// which).
    public static let invalidField = Self("invalid_field", status: 422)
    /// An app with this id exists.
    public static let appExists = Self("app_exists", status: 409)
    /// The app already has this bot.
    public static let botExists = Self("bot_exists", status: 409)
    /// The app already has an adapter with this name.
    public static let adapterExists = Self("adapter_exists", status: 409)
    /// A live admin token has this name.
    public static let adminTokenExists = Self("admin_token_exists", status: 409)
    /// No such user in the app.
    public static let userNotFound = Self("user_not_found", status: 404)
    /// The user has no link for that adapter.
    public static let linkNotFound = Self("link_not_found", status: 404)
    /// No live admin token with this id.
    public static let adminTokenNotFound = Self("admin_token_not_found", status: 404)
}

// MARK: OAuth clients

extension TelegateError.Code {
    /// The app already has an OAuth client with this id.
    public static let clientExists = Self("client_exists", status: 409)
    /// No such OAuth client in the app.
    public static let clientNotFound = Self("client_not_found", status: 404)

    /// The codes of OAuth client configuration.
    static let oauthClientCodes: [Self] = [.clientExists, .clientNotFound]
}

// MARK: The OpenID Provider's authorization endpoint (shown on its error page, never redirected)

extension TelegateError.Code {
    /// The authorization request names no client of the app.
    public static let unknownClient = Self("unknown_client", status: 400)
    /// The authorization request's redirect URI is not one the client registered.
    public static let redirectURINotRegistered = Self("redirect_uri_not_registered", status: 400)
    /// A login or consent form's `csrf` field does not match the browser's `telegate_csrf` cookie.
    public static let csrfMismatch = Self("csrf_mismatch", status: 403)
}

extension TelegateError.Code {
    /// Every code declared above, each once.
    public static let catalogue: [Self] =
        [
            .invalidRequest, .unsupportedMediaType, .payloadTooLarge, .methodNotAllowed, .notFound, .originNotAllowed,
            .appNotFound, .botNotFound, .providerNotFound, .proofNotEnabled, .userDisabled, .organizationNotAllowed,
            .rateLimited, .storageUnavailable, .internalError,
            .upstreamBusy, .upstreamUnavailable, .upstreamInvalidResponse, .adapterMisconfigured,
            .providerIdentityMismatch,
        ]
        + telegramProofCodes.filter { $0 != .payloadTooLarge }
        + [
            .invalidConfig, .invalidBotToken, .literalSecret, .secretUnresolved, .secretUnreadable, .masterKeyInvalid,
            .unsafeURL,
            .adminUnauthorized, .adminForbidden, .invalidField, .appExists, .botExists, .adapterExists,
            .adminTokenExists, .userNotFound, .linkNotFound, .adminTokenNotFound,
        ]
        + oauthClientCodes
        + [.unknownClient, .redirectURINotRegistered, .csrfMismatch]
        + telegramLoginCodes
        + webhookCodes
        + [.webhookDeliveryNotFound]
        + messageCodes
        + signingKeyCodes
}

// MARK: Telegram Login through Telegram's OpenID Provider (the hosted login page)

extension TelegateError.Code {
    /// The bot chosen for Telegram Login has no Telegram-issued client secret configured.
    public static let telegramLoginNotConfigured = Self("telegram_login_not_configured", status: 400)
    /// Telegram's answer does not belong to a login started in this browser, or came too late.
    public static let telegramLoginStateInvalid = Self("telegram_login_state_invalid", status: 400)
    /// Telegram ended the login with an error (the user declined, or the request was refused).
    public static let telegramLoginDenied = Self("telegram_login_denied", status: 403)
    /// Telegram refused to exchange the login's code: the client secret or the code.
    public static let telegramLoginRejected = Self("telegram_login_rejected", status: 502)

    /// The codes of Telegram Login through Telegram's OpenID Provider.
    static let telegramLoginCodes: [Self] = [
        .telegramLoginNotConfigured, .telegramLoginStateInvalid, .telegramLoginDenied, .telegramLoginRejected,
    ]
}

// MARK: Webhooks

extension TelegateError.Code {
    /// No such webhook endpoint in the app.
    public static let webhookNotFound = Self("webhook_not_found", status: 404)

    /// The codes of webhook configuration.
    static let webhookCodes: [Self] = [.webhookNotFound]
}

// MARK: Webhook deliveries

extension TelegateError.Code {
    /// The endpoint has no delivery of the event named (a replay).
    public static let webhookDeliveryNotFound = Self("webhook_delivery_not_found", status: 404)
}

// MARK: Bot messages

extension TelegateError.Code {
    /// No such message in the app.
    public static let messageNotFound = Self("message_not_found", status: 404)
    /// Telegram refused to deliver to the user before (they blocked the bot, or never started it); no message is
    /// queued until they log in again.
    public static let userUnreachable = Self("user_unreachable", status: 409)
    /// The app has no bot that can send: every bot is configured by id only, or its token was stored before tokens
    /// were kept (give the token again).
    public static let noSendingBot = Self("no_sending_bot", status: 409)

    /// The codes of bot messages.
    static let messageCodes: [Self] = [.messageNotFound, .userUnreachable, .noSendingBot]
}

// MARK: Signing keys

extension TelegateError.Code {
    /// The app has no published signing key with this kid.
    public static let signingKeyNotFound = Self("signing_key_not_found", status: 404)
    /// The key still signs (active) or is about to (next): only a retired key can be retired now; rotate first.
    public static let signingKeyInUse = Self("signing_key_in_use", status: 409)

    /// The codes of the built-in issuer's signing keys.
    static let signingKeyCodes: [Self] = [.signingKeyNotFound, .signingKeyInUse]
}
