// Telegate browser SDK: a dependency-free ES module for Telegram Mini Apps, served at GET /sdk/telegate.js.
//
//   import { exchange, signInWithClerk, signInWithFirebase, signInWithSupabase, convexAuth }
//     from "https://auth.example.com/sdk/telegate.js";
//
// exchange() turns the Mini App's initData into the credential of the app's identity provider; the helpers hand
// that credential to the provider's own client SDK.

/** An exchange or refresh that Telegate refused: `code` is the stable problem code (docs/errors.md). */
export class TelegateError extends Error {
  constructor(code, message, { status = 0, reason, retryAfter } = {}) {
    super(message || code);
    this.name = "TelegateError";
    this.code = code;
    this.status = status;
    this.reason = reason;
    this.retryAfter = retryAfter;
  }
}

function telegramInitData() {
  const webApp = globalThis.Telegram && globalThis.Telegram.WebApp;
  return (webApp && webApp.initData) || "";
}

function endpoint(baseURL, app, path) {
  if (!baseURL || !app) throw new TelegateError("invalid_request", "baseURL and app are required");
  return `${String(baseURL).replace(/\/+$/, "")}/v1/apps/${encodeURIComponent(app)}/${path}`;
}

async function answer(response) {
  let payload = null;
  try {
    payload = await response.json();
  } catch (_) {
    payload = null;
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get("Retry-After")) || undefined;
    const code = (payload && (payload.code || payload.error)) || `http_${response.status}`;
    const message = payload && (payload.detail || payload.error_description || payload.title);
    throw new TelegateError(code, message, { status: response.status, reason: payload && payload.reason, retryAfter });
  }
  if (payload === null) throw new TelegateError("invalid_response", "Telegate answered with something other than JSON");
  return payload;
}

/**
 * Exchanges the Mini App's initData for a credential. `nonce` is passed to an `oidc` adapter, which puts its
 * SHA-256 hex in the ID token (the form Supabase's `signInWithIdToken` checks).
 * @param {{baseURL: string, app: string, provider?: string, organization?: string, nonce?: string, initData?: string, fetch?: Function}} options
 * @returns {Promise<{user: object, provider: string, credential: {type: string}}>}
 */
export async function exchange({ baseURL, app, provider, organization, nonce, initData, fetch: fetchImpl } = {}) {
  const data = initData || telegramInitData();
  if (!data) {
    throw new TelegateError("missing_init_data", "no initData: open the page as a Telegram Mini App or pass initData");
  }
  const body = { initData: data };
  if (provider) body.provider = provider;
  if (organization) body.organization = organization;
  if (nonce) body.nonce = nonce;
  const response = await (fetchImpl || globalThis.fetch)(endpoint(baseURL, app, "exchange"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "omit",
  });
  return answer(response);
}

/** The credential itself, from a credential or a whole exchange response. */
function unwrapCredential(value) {
  return value && value.credential ? value.credential : value;
}

function clerkTicket(credential) {
  const value = unwrapCredential(credential);
  if (typeof value === "string") return { ticket: value };
  if (!value || value.type !== "clerk_ticket" || !value.ticket) {
    throw new TelegateError("invalid_credential", "signInWithClerk needs a clerk_ticket credential");
  }
  return value;
}

function signInFailed(detail) {
  return new TelegateError("clerk_sign_in_failed", `Clerk did not complete the sign-in: ${detail}`);
}

/**
 * Signs in to Clerk with a `clerk_ticket` credential (or the whole exchange response).
 *
 * Works with Clerk Core 3 (`signIn.ticket()` then `signIn.finalize()`) and Core 2 (`signIn.create({strategy:
 * "ticket"})` then `setActive()`). Pass the Clerk instance (`window.Clerk`, `useClerk()`), or `{signIn, setActive}`
 * from the hooks. A session that is already active for the same Clerk user is kept; one for another user is ended
 * first, because Clerk will not start a sign-in while a session is active.
 * @returns {Promise<{status: "complete", sessionId: string|undefined, alreadyActive: boolean}>}
 */
export async function signInWithClerk(clerk, credential) {
  const { ticket, clerkUserId } = clerkTicket(credential);
  const activeUser = clerk.user && clerk.user.id;
  if (activeUser || clerk.session) {
    if (clerkUserId && activeUser === clerkUserId) {
      return { status: "complete", sessionId: clerk.session && clerk.session.id, alreadyActive: true };
    }
    if (typeof clerk.signOut === "function") await clerk.signOut();
  }
  const signIn = clerk.signIn || (clerk.client && clerk.client.signIn);
  if (!signIn) throw signInFailed("no signIn resource on the object passed");

  if (typeof signIn.ticket === "function" && typeof signIn.finalize === "function") {
    const result = (await signIn.ticket({ ticket })) || {};
    if (result.error) throw signInFailed(result.error.message || String(result.error));
    if (signIn.status !== "complete") throw signInFailed(`status ${signIn.status}`);
    await signIn.finalize();
    return { status: "complete", sessionId: signIn.createdSessionId, alreadyActive: false };
  }

  const attempt = await signIn.create({ strategy: "ticket", ticket });
  if (!attempt || attempt.status !== "complete") throw signInFailed(`status ${attempt && attempt.status}`);
  const setActive = clerk.setActive || (clerk.clerk && clerk.clerk.setActive);
  if (typeof setActive !== "function") throw signInFailed("no setActive on the object passed");
  await setActive.call(clerk, { session: attempt.createdSessionId });
  return { status: "complete", sessionId: attempt.createdSessionId, alreadyActive: false };
}

/** The credential itself (see unwrapCredential) when it has the `type` expected. */
function credentialOf(value, type, helper) {
  const credential = unwrapCredential(value);
  if (!credential || credential.type !== type) {
    throw new TelegateError("invalid_credential", `${helper} needs a ${type} credential`);
  }
  return credential;
}

/**
 * Signs in to Firebase Authentication with a `firebase_custom_token` credential (or the whole exchange response)
 * and returns Firebase's own `UserCredential`.
 *
 * With the modular SDK (v9+) pass its function: `signInWithFirebase(getAuth(app), credential,
 * { signInWithCustomToken })` with `signInWithCustomToken` from `firebase/auth`. With the compat SDK (v8,
 * `firebase.auth()`) pass the Auth instance alone; its `signInWithCustomToken(token)` is used.
 * @param {object} auth the Firebase Auth instance
 * @param {object} credential
 * @param {{signInWithCustomToken?: Function}} [options]
 * @returns {Promise<object>} the `UserCredential`
 */
export async function signInWithFirebase(auth, credential, { signInWithCustomToken } = {}) {
  const { customToken } = credentialOf(credential, "firebase_custom_token", "signInWithFirebase");
  if (!customToken) throw new TelegateError("invalid_credential", "the firebase_custom_token credential has no customToken");
  if (typeof signInWithCustomToken === "function") return signInWithCustomToken(auth, customToken);
  if (auth && typeof auth.signInWithCustomToken === "function") return auth.signInWithCustomToken(customToken);
  throw new TelegateError(
    "firebase_sdk_missing",
    "pass { signInWithCustomToken } from firebase/auth (v9+), or a compat Auth instance (firebase.auth())",
  );
}

function supabaseFailed(error) {
  return new TelegateError(error.code || "supabase_sign_in_failed", `Supabase did not open a session: ${error.message || error}`, {
    status: error.status || 0,
  });
}

/**
 * Opens a Supabase session (supabase-js v2) from the exchange's credential (or the whole exchange response) and
 * returns Supabase's own `{session, user}`; supabase-js stores the session as for any sign-in.
 *
 * A `supabase_otp` credential (the `supabase` adapter) is verified once with `supabase.auth.verifyOtp({token_hash,
 * type})`. An `oidc` credential (Supabase's custom OIDC provider route) goes to `supabase.auth.signInWithIdToken`
 * with `options.provider` (the provider's name in Supabase, e.g. `custom:telegate`) and the raw `options.nonce`
 * whose SHA-256 the exchange put in the ID token. A refusal throws a TelegateError whose `code` is Supabase's
 * error code.
 * @param {object} supabase the client from `createClient`
 * @param {object} credential
 * @param {{provider?: string, nonce?: string}} [options]
 * @returns {Promise<{session: object, user: object}>}
 */
export async function signInWithSupabase(supabase, credential, { provider, nonce } = {}) {
  const value = unwrapCredential(credential);
  const auth = supabase && supabase.auth;
  if (!auth) throw new TelegateError("supabase_sdk_missing", "pass the client from supabase-js createClient()");
  let result;
  if (value && value.type === "oidc") {
    if (!provider) throw new TelegateError("invalid_request", "the OIDC route needs options.provider (e.g. custom:telegate)");
    if (!value.idToken) throw new TelegateError("invalid_credential", "the oidc credential has no idToken");
    const request = { provider, token: value.idToken };
    if (nonce) request.nonce = nonce;
    result = await auth.signInWithIdToken(request);
  } else {
    const { tokenHash, verificationType } = credentialOf(value, "supabase_otp", "signInWithSupabase");
    if (!tokenHash) throw new TelegateError("invalid_credential", "the supabase_otp credential has no tokenHash");
    result = await auth.verifyOtp({ token_hash: tokenHash, type: verificationType || "magiclink" });
  }
  const { data, error } = result || {};
  if (error) throw supabaseFailed(error);
  if (!data || !data.session) throw supabaseFailed({ message: "no session in the answer" });
  return data;
}

/**
 * The `fetchAccessToken({forceRefreshToken})` function Convex's `ConvexProviderWithAuth` expects, backed by the
 * built-in issuer (an `oidc` adapter): the first call exchanges initData; later calls reuse the token until it is
 * about to expire, then use the refresh endpoint (rotating refresh tokens), and exchange again only when the
 * refresh family has ended. Concurrent calls share one request. Resolves to `null` when no token can be had, as
 * Convex expects.
 * @param {{baseURL: string, app: string, provider?: string, token?: "idToken"|"accessToken", initData?: string, fetch?: Function}} options
 */
export function convexAuth({ baseURL, app, provider, token = "idToken", initData, fetch: fetchImpl } = {}) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  let session = null;
  let pending = null;

  function remember(values) {
    const jwt = values[token] || values[token === "idToken" ? "id_token" : "access_token"];
    if (!jwt) throw new TelegateError("invalid_credential", `the credential carries no ${token}`);
    const expiresIn = Number(values.expiresIn || values.expires_in || 0);
    session = {
      jwt,
      refreshToken: values.refreshToken || values.refresh_token || (session && session.refreshToken),
      expiresAt: Date.now() + expiresIn * 1000,
    };
    return jwt;
  }

  async function refresh() {
    const response = await doFetch(endpoint(baseURL, app, "token"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: session.refreshToken }).toString(),
      credentials: "omit",
    });
    return remember(await answer(response));
  }

  async function obtain() {
    if (session && session.refreshToken) {
      try {
        return await refresh();
      } catch (error) {
        if (!(error instanceof TelegateError) || error.code !== "invalid_grant") throw error;
        session = null;
      }
    }
    const result = await exchange({ baseURL, app, provider, initData, fetch: doFetch });
    if (!result.credential || result.credential.type !== "oidc") {
      throw new TelegateError("invalid_credential", "convexAuth needs an oidc adapter (the built-in issuer)");
    }
    return remember(result.credential);
  }

  return async function fetchAccessToken({ forceRefreshToken = false } = {}) {
    if (!forceRefreshToken && session && session.expiresAt - 30000 > Date.now()) return session.jwt;
    if (!pending) {
      // A failure keeps the refresh token (a network error is not the end of the session) and answers null.
      pending = obtain()
        .catch(() => null)
        .finally(() => {
          pending = null;
        });
    }
    return pending;
  };
}
