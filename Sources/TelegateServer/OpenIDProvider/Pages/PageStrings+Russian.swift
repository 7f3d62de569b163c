extension PageStrings {
    /// Russian.
    static let russian = PageStrings(
        loginTitle: "Вход через Telegram",
        loginLead: "Подтвердите аккаунт Telegram, чтобы продолжить.",
        signingIn: "Выполняем вход…",
        telegramRedirectButton: "Войти через Telegram",
        telegramOIDCButton: "Продолжить с Telegram",
        openInTelegram: "Откройте эту страницу в приложении Telegram, чтобы войти.",
        cancelled: "Вход отменён. Можно попробовать ещё раз.",
        privacyNote: "Сайт получит ваше имя, имя пользователя и фото из Telegram. Номер телефона — никогда.",
        needsJavaScript: "Включите JavaScript, чтобы воспользоваться кнопкой входа Telegram.",
        consentTitle: "Разрешить доступ?",
        consentUser: "Продолжить как {name}",
        consentLead: "{client} запрашивает:",
        allow: "Разрешить",
        deny: "Отказать",
        scopes: [
            "openid": "Узнать, кто вы (постоянный идентификатор аккаунта)",
            "profile": "Видеть ваше имя, имя пользователя и фото профиля",
            "telegram": "Видеть ваш Telegram ID и может ли бот писать вам",
            "offline_access": "Не выходить из аккаунта, пока вас нет",
        ],
        errorTitle: "Не удалось войти",
        errorCode: "Код ошибки",
        errorHint: "Вернитесь на сайт, с которого пришли, и попробуйте ещё раз.",
        signedOutTitle: "Вы вышли",
        signedOutLead: "Вы вышли из аккаунта. При следующем входе нужно будет снова подтвердить аккаунт Telegram.")
}
