extension PageStrings {
    /// English.
    static let english = PageStrings(
        loginTitle: "Log in with Telegram",
        loginLead: "Confirm your Telegram account to continue.",
        signingIn: "Signing you in…",
        telegramRedirectButton: "Log in with Telegram",
        telegramOIDCButton: "Continue with Telegram",
        openInTelegram: "Open this page from the Telegram app to log in.",
        cancelled: "The login was cancelled. You can try again.",
        privacyNote: "The site receives your Telegram name, username and photo. Never your phone number.",
        needsJavaScript: "Turn on JavaScript to use the Telegram login button.",
        consentTitle: "Allow access?",
        consentUser: "Continue as {name}",
        consentLead: "{client} asks to:",
        allow: "Allow",
        deny: "Deny",
        scopes: [
            "openid": "Know who you are (a stable account ID)",
            "profile": "See your name, username and profile photo",
            "telegram": "See your Telegram ID and whether the bot may message you",
            "offline_access": "Keep you logged in while you are away",
        ],
        errorTitle: "Login failed",
        errorCode: "Error code",
        errorHint: "Go back to the site you came from and try again.",
        signedOutTitle: "Signed out",
        signedOutLead: "You are signed out. The next login asks for your Telegram account again.")
}
