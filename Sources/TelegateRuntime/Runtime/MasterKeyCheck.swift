import TelegateCore
import TelegateIssuer

/// Finds out, before anything is written, whether a master key is the one a database's secrets were sealed with.
///
/// A wrong master key opens none of the stored sealed values (bot keys, adapter secrets, signing keys), while a
/// value altered in the database fails alone: so the first stored value that opens proves the key, and a key that
/// opens none of them is another key. A database holding nothing sealed accepts any key.
public enum MasterKeyCheck {
    /// Whether `box` opens the secrets stored in `storage` (signing keys as of `now`); reads only.
    public static func opens(_ box: SecretBox, storage: any TelegateStorage, now: Int64) async throws -> Bool {
        let apps = try await storage.configuration.apps()
        var sealedValues = 0
        for app in apps {
            for (sealed, context) in sealed(in: app) {
                if (try? box.open(sealed, context: context)) != nil { return true }
                sealedValues += 1
            }
        }
        for app in apps {
            let appID = app.settings.id
            for key in try await storage.signingKeys.keys(appID: appID, now: now) {
                if (try? box.open(key.sealedPrivateKey, context: KeyRing.sealContext(appID, key.kid))) != nil { return true }
                sealedValues += 1
            }
        }
        return sealedValues == 0
    }

    /// The sealed values of an app's rows, each with the context it was sealed for.
    private static func sealed(in app: StoredApp) -> [(sealed: String, context: String)] {
        let appID = app.settings.id
        var values: [(sealed: String, context: String)] = []
        for bot in app.bots {
            if case .token(let keys, _, _, _) = bot.mode { values.append((keys, RuntimeBuilder.botKeyContext(appID, bot.botID))) }
        }
        for adapter in app.adapters {
            if let secrets = adapter.sealedSecrets {
                values.append((secrets, RuntimeBuilder.adapterSecretContext(appID, adapter.name)))
            }
        }
        return values
    }
}
