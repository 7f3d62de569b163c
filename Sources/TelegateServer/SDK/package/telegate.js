// @telegate/sdk: Telegate's browser SDK, a dependency-free ES module for Telegram Mini Apps and web pages, served at
// GET /sdk/telegate.js (and, never changing, /sdk/<version>/telegate.js); its types are telegate.d.ts next to it.
//
//   import { createTelegate } from "https://auth.example.com/sdk/telegate.js";
//   const telegate = createTelegate({ baseURL: "https://auth.example.com", app: "poll", provider: "convex" });
//   await telegate.signIn();
//   const token = await telegate.getToken();
//
// createTelegate() keeps a session of the built-in issuer (an `oidc` adapter) alive: it signs in with whatever proof
// the page has, refreshes ahead of expiry with one refresh for all tabs, and signs out. exchange() and the
// signInWith… helpers hand a one-time credential (Clerk, Firebase, Supabase) to the provider's own client SDK.

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

/** The one proof of an exchange request: the one passed, else the Mini App's initData. */
function proofOf({ initData, widget, idToken }) {
  const given = [["initData", initData], ["widget", widget], ["idToken", idToken]].filter(([, value]) => value);
  if (given.length > 1) throw new TelegateError("invalid_request", "pass one proof: initData, widget or idToken");
  if (given.length === 1) return { [given[0][0]]: given[0][1] };
  const data = telegramInitData();
  if (!data) {
    throw new TelegateError("missing_init_data", "no initData: open the page as a Telegram Mini App or pass a proof");
  }
  return { initData: data };
}

/**
 * Exchanges one Telegram proof for a credential: `initData` (by default the Mini App's own), Login Widget data
 * (`widget`: the callback's object, the redirect's query string or a `tgAuthResult` value) or a Telegram Login
 * `idToken`. `nonce` is passed to an `oidc` adapter, which puts its SHA-256 hex in the ID token (the form Supabase's
 * `signInWithIdToken` checks); with `idToken` it is the nonce the Telegram login started with.
 * @returns {Promise<{user: object, provider: string, credential: {type: string}}>}
 */
export async function exchange({ baseURL, app, provider, organization, nonce, initData, widget, idToken, fetch: fetchImpl } = {}) {
  const body = proofOf({ initData, widget, idToken });
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

// ---------------------------------------------------------------------------------------------------------------
// Storage: where a client keeps its session. Each has async get/set/remove of strings; `shared` says whether every
// tab of the page reads the same values (Telegram's storages do; sessionStorage is per tab, so tabs share through
// a BroadcastChannel). The session holds a refresh token: it is never put in localStorage, a cookie or a URL.

function telegramWebApp() {
  return globalThis.Telegram && globalThis.Telegram.WebApp;
}

/** Telegram's callback storages (`setItem(key, value, callback(error, ok))`, …) as promises. */
function callbackStorage(kind, target) {
  const call = (method, ...args) =>
    new Promise((resolve, reject) => {
      try {
        target[method](...args, (error, value) => (error ? reject(new TelegateError("storage_failed", String(error))) : resolve(value)));
      } catch (error) {
        reject(error);
      }
    });
  return {
    kind,
    shared: true,
    async get(key) {
      const value = await call("getItem", key);
      return value === undefined || value === null || value === "" ? null : String(value);
    },
    async set(key, value) {
      await call("setItem", key, value);
    },
    async remove(key) {
      await call("removeItem", key);
    },
  };
}

/** A Telegram storage of the running Mini App when its client is recent enough (Bot API 9.0) to have it. */
function telegramStorage(kind, member) {
  const webApp = telegramWebApp();
  const target = webApp && webApp[member];
  if (!target || typeof target.getItem !== "function") return null;
  if (typeof webApp.isVersionAtLeast === "function" && !webApp.isVersionAtLeast("9.0")) return null;
  return callbackStorage(kind, target);
}

/** `Telegram.WebApp.SecureStorage` (the device's keychain or keystore), or `null` outside a Mini App that has it. */
export function telegramSecureStorage() {
  return telegramStorage("secureStorage", "SecureStorage");
}

/** `Telegram.WebApp.DeviceStorage` (the Telegram client's own storage), or `null` outside a Mini App that has it. */
export function telegramDeviceStorage() {
  return telegramStorage("deviceStorage", "DeviceStorage");
}

/** The tab's `sessionStorage`, or `null` where the page may not use it. */
export function sessionStorageStore() {
  let store = null;
  try {
    store = globalThis.sessionStorage || null;
    if (store) store.getItem("telegate");
  } catch (_) {
    store = null;
  }
  if (!store) return null;
  return {
    kind: "sessionStorage",
    shared: false,
    async get(key) {
      return store.getItem(key);
    },
    async set(key, value) {
      store.setItem(key, value);
    },
    async remove(key) {
      store.removeItem(key);
    },
  };
}

/** A storage that lives as long as the page. */
export function memoryStorage() {
  const values = new Map();
  return {
    kind: "memory",
    shared: false,
    async get(key) {
      return values.has(key) ? values.get(key) : null;
    },
    async set(key, value) {
      values.set(key, value);
    },
    async remove(key) {
      values.delete(key);
    },
  };
}

/**
 * The best storage the page has: Telegram `SecureStorage`, then `DeviceStorage`, then `sessionStorage`, then memory.
 * A storage that fails (SecureStorage is missing on some Telegram clients) is left for the next one.
 */
export function detectStorage() {
  const candidates = [telegramSecureStorage(), telegramDeviceStorage(), sessionStorageStore(), memoryStorage()].filter(Boolean);
  let index = 0;
  async function attempt(operation) {
    for (;;) {
      try {
        return await operation(candidates[index]);
      } catch (error) {
        if (index >= candidates.length - 1) throw error;
        index += 1;
      }
    }
  }
  return {
    get kind() {
      return candidates[index].kind;
    },
    get shared() {
      return candidates[index].shared;
    },
    get: (key) => attempt((storage) => storage.get(key)),
    set: (key, value) => attempt((storage) => storage.set(key, value)),
    remove: (key) => attempt((storage) => storage.remove(key)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

/** The claims of a JWT, or `{}` for anything that is not one. Nothing is verified: the page only reads the times. */
export function decodeJWT(jwt) {
  try {
    const part = String(jwt).split(".")[1];
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((part.length + 3) % 4);
    const binary = atob(base64);
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) || {};
  } catch (_) {
    return {};
  }
}

function tokenOf(session, kind) {
  return session && (kind === "id" ? session.idToken : session.accessToken);
}

/**
 * A session from a credential or a token response. `offset` is the server's clock minus this device's, in
 * milliseconds, read from the tokens' `iat` (the server's time at issue, rounded down: one second is added so the
 * estimate errs towards expiring early).
 */
function sessionFrom(values, previous) {
  const accessToken = values.accessToken || values.access_token;
  const idToken = values.idToken || values.id_token;
  const refreshToken = values.refreshToken || values.refresh_token || (previous && previous.refreshToken);
  const now = Date.now();
  const issued = [accessToken, idToken].map((token) => token && Number(decodeJWT(token).iat)).filter(Number.isFinite);
  const offset = issued.length ? Math.max(...issued) * 1000 + 1000 - now : 0;
  return {
    version: 1,
    accessToken,
    idToken,
    refreshToken,
    offset,
    issuedAt: now + offset,
    user: values.user || (previous && previous.user) || null,
    scope: values.scope,
  };
}

/**
 * Local time (ms) at which `token` is due for refresh: its own `exp` on the server's clock, less a margin of a
 * quarter of its lifetime (at most a minute, at least half a second).
 */
function refreshDueAt(session, token) {
  const { exp, iat } = decodeJWT(token);
  if (!Number.isFinite(exp)) return -Infinity;
  const lifetime = Number.isFinite(iat) ? (exp - iat) * 1000 : 60000;
  const margin = Math.min(60000, Math.max(500, lifetime / 4));
  return exp * 1000 - session.offset - margin;
}

/** Whether the session's `kind` token (both tokens for `null`) is good for a while yet. */
function isFresh(session, kind) {
  const tokens = kind ? [tokenOf(session, kind)] : [session.accessToken, session.idToken].filter(Boolean);
  return tokens.length > 0 && tokens.every((token) => token && Date.now() < refreshDueAt(session, token));
}

function isTransient(error) {
  if (!(error instanceof TelegateError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500 || error.code === "temporarily_unavailable";
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `operation`, retrying network errors, 429 and 5xx with jittered exponential backoff (or `Retry-After`). */
async function withRetries(operation, retries) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= retries || !isTransient(error)) throw error;
      const wait = error && error.retryAfter ? error.retryAfter * 1000 : Math.min(8000, 400 * 2 ** attempt);
      await delay(wait * (0.5 + Math.random() / 2));
    }
  }
}

/** The `tgAuthResult` the Login Widget's redirect left in the URL fragment, removed from the URL as it is read. */
function takeTgAuthResult() {
  const location = globalThis.location;
  if (!location || !location.hash || location.hash.indexOf("tgAuthResult=") < 0) return null;
  const parameters = new URLSearchParams(location.hash.slice(1));
  const value = parameters.get("tgAuthResult");
  if (!value) return null;
  parameters.delete("tgAuthResult");
  const rest = parameters.toString();
  const history = globalThis.history;
  if (history && typeof history.replaceState === "function") {
    history.replaceState(history.state, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  return value;
}

/**
 * A session client for an app's built-in issuer (an `oidc` adapter). See docs/sdk.md.
 * @param {{baseURL: string, app: string, provider?: string, organization?: string, storage?: object,
 *   fetch?: Function, initData?: string, retries?: number, autoRefresh?: boolean}} options
 */
export function createTelegate({
  baseURL,
  app,
  provider,
  organization,
  storage = detectStorage(),
  fetch: fetchImpl,
  initData,
  retries = 4,
  autoRefresh = true,
} = {}) {
  if (!baseURL || !app) throw new TelegateError("invalid_request", "baseURL and app are required");
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args));
  const name = `telegate_${app}_${provider || "default"}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const listeners = new Set();
  const channel = typeof globalThis.BroadcastChannel === "function" ? new globalThis.BroadcastChannel(name) : null;
  let session = null;
  let inflight = null;
  let timer = null;
  let peerAnswer = null;
  let peerSeen = false;
  const peerClaims = new Map();
  const peerLockReleased = new Set();

  function publicSession(value) {
    return value ? { accessToken: value.accessToken, idToken: value.idToken, user: value.user } : null;
  }

  function notify() {
    const value = publicSession(session);
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (_) {
        // A listener's failure is its own.
      }
    }
  }

  function schedule(afterFailure = false) {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!autoRefresh || !session || listeners.size === 0) return;
    const due = afterFailure
      ? Date.now() + 5000
      : Math.min(...[session.accessToken, session.idToken].filter(Boolean).map((token) => refreshDueAt(session, token)));
    timer = setTimeout(() => {
      timer = null;
      update(null, null).catch(() => schedule(true));
    }, Math.max(0, due - Date.now()));
  }

  async function persist() {
    try {
      if (session) await storage.set(name, JSON.stringify(session));
      else await storage.remove(name);
    } catch (_) {
      // The session stays in memory for this page when no storage takes it.
    }
  }

  /** Takes `next` when it is newer than the session held (from storage or another tab). */
  function adopt(next) {
    if (!next || next.version !== 1 || (session && next.issuedAt <= session.issuedAt)) return false;
    session = next;
    schedule();
    notify();
    return true;
  }

  async function install(next) {
    session = next;
    await persist();
    if (channel) channel.postMessage({ type: "session", session });
    schedule();
    notify();
  }

  async function clear() {
    session = null;
    await persist();
    if (channel) channel.postMessage({ type: "signed-out" });
    schedule();
    notify();
  }

  if (channel) {
    channel.onmessage = (event) => {
      const message = event.data || {};
      peerSeen = true;
      if (message.type === "session") {
        if (message.session && adopt(message.session) && !storage.shared) persist();
        if (peerAnswer) peerAnswer(message.session);
      } else if (message.type === "signed-out") {
        if (session) {
          session = null;
          if (!storage.shared) persist();
          schedule();
          notify();
        }
      } else if (message.type === "ask") {
        channel.postMessage({ type: "session", session });
      } else if (message.type === "lock") {
        peerClaims.set(message.id, Date.now());
      } else if (message.type === "unlock" && peerClaims.delete(message.id)) {
        for (const resolve of peerLockReleased) resolve();
        peerLockReleased.clear();
      }
    };
  }

  /**
   * The other tabs' session, when the storage is per tab: the first answer to an `ask` (or `null` after 250 ms
   * without one). A tab's messages arrive in order, so its answer comes after any session it announced before.
   */
  async function askPeers() {
    if (storage.shared || !channel) return null;
    const answer = await new Promise((resolve) => {
      peerAnswer = resolve;
      channel.postMessage({ type: "ask" });
      setTimeout(() => resolve(null), 250);
    });
    peerAnswer = null;
    return answer;
  }

  /** The stored session; a tab whose storage is its own asks the other tabs when it has none. */
  async function readStored() {
    let stored = null;
    try {
      const text = await storage.get(name);
      stored = text ? JSON.parse(text) : null;
    } catch (_) {
      stored = null;
    }
    return stored || session ? stored : askPeers();
  }

  const loaded = readStored().then((stored) => {
    if (adopt(stored) && !storage.shared) persist();
  });

  /**
   * Runs `operation` while no other call, in this tab or another, holds the session's lock. A lock not granted
   * within 10 s (a tab stuck holding it, a WebView whose lock manager never answers) is given up and `operation`
   * runs without it: two tabs refreshing at once are still answered alike by the token endpoint's grace window.
   */
  async function withLock(operation) {
    const locks = globalThis.navigator && globalThis.navigator.locks;
    if (locks && typeof locks.request === "function" && typeof AbortController === "function") {
      const controller = new AbortController();
      let granted = false;
      const timeout = setTimeout(() => controller.abort(), 10000);
      try {
        return await locks.request(name, { signal: controller.signal }, () => {
          granted = true;
          clearTimeout(timeout);
          return operation();
        });
      } catch (error) {
        if (granted || !error || error.name !== "AbortError") throw error;
        return operation();
      }
    }
    if (!channel) return operation();
    return withChannelLock(operation);
  }

  /** The other tabs' claims on the channel lock; a claim held longer than 10 s (its tab gone) is dropped. */
  function livePeerClaims() {
    for (const [id, since] of peerClaims) if (Date.now() - since > 10000) peerClaims.delete(id);
    return [...peerClaims.keys()];
  }

  /**
   * The lock without Web Locks: a tab claims it on the channel, then waits 200 ms for claims crossing its own
   * (tabs whose timers fire at the same instant; long enough for a busy device to pass the message on, and a
   * refresh ahead of expiry loses nothing by it). Of crossing claims the least id goes first; the others withdraw and
   * wait for its release, then find the session it renewed (announced before the release). A tab waits at most 10 s.
   */
  async function withChannelLock(operation) {
    const deadline = Date.now() + 10000;
    for (;;) {
      while (livePeerClaims().length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => {
          peerLockReleased.add(resolve);
          setTimeout(resolve, Math.min(1000, deadline - Date.now()));
        });
      }
      const id = Math.random().toString(36).slice(2);
      channel.postMessage({ type: "lock", id });
      await delay(200);
      if (Date.now() >= deadline || !livePeerClaims().some((peer) => peer < id)) {
        try {
          return await operation();
        } finally {
          channel.postMessage({ type: "unlock", id });
        }
      }
      channel.postMessage({ type: "unlock", id });
    }
  }

  async function postToken(refreshToken) {
    const response = await doFetch(endpoint(baseURL, app, "token"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }).toString(),
      credentials: "omit",
    });
    return answer(response);
  }

  let lastProof = null;

  async function signInLocked(options) {
    const { nonce } = options;
    let proof = null;
    if (options.initData || options.widget || options.idToken) {
      proof = { initData: options.initData, widget: options.widget, idToken: options.idToken };
    } else if (initData || (telegramWebApp() && telegramWebApp().initData)) {
      proof = { initData: initData || telegramWebApp().initData };
    } else {
      const tgAuthResult = takeTgAuthResult();
      if (tgAuthResult) proof = { widget: tgAuthResult };
      else if (lastProof) proof = lastProof;
    }
    if (!proof) {
      throw new TelegateError(
        "missing_proof",
        "no Telegram proof: open the page as a Mini App, return from the Login Widget, or pass widget or idToken",
      );
    }
    const result = await withRetries(
      () => exchange({ baseURL, app, provider, organization, nonce, ...proof, fetch: doFetch }),
      retries,
    );
    if (!proof.idToken) lastProof = proof;
    if (result.credential && result.credential.type === "oidc") {
      await install(sessionFrom({ ...result.credential, user: result.user }, null));
    }
    return result;
  }

  /** Renews the session under the lock, unless another call or tab already did (`seen`: the token to replace). */
  async function renew(seen, kind) {
    const renewed = () => session && (seen ? tokenOf(session, kind) !== seen : isFresh(session, kind));
    adopt(await readStored());
    // The tab that held the lock before may have renewed: its announcement can still be on its way. (A tab that
    // never heard from another, as in a Mini App's single webview, has nobody to ask.)
    if (!renewed() && session && peerSeen) adopt(await askPeers());
    if (session) {
      if (renewed()) return;
      if (session.refreshToken) {
        try {
          const answered = await withRetries(() => postToken(session.refreshToken), retries);
          await install(sessionFrom(answered, session));
          return;
        } catch (error) {
          if (!(error instanceof TelegateError) || error.code !== "invalid_grant") throw error;
          await clear();
        }
      }
    }
    await signInLocked({});
  }

  function update(seen, kind) {
    if (!inflight) {
      inflight = withLock(() => renew(seen, kind)).finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  return {
    /** Exchanges a Telegram proof (picked by itself when none is given) and keeps the session it opens. */
    async signIn(options = {}) {
      await loaded;
      return withLock(() => signInLocked(options));
    },

    /** A valid token of `kind` ("access" or "id"), refreshed (or signed in again) when it is about to expire. */
    async getToken({ forceRefresh = false, kind = "access" } = {}) {
      await loaded;
      if (!forceRefresh && session && tokenOf(session, kind) && isFresh(session, kind)) return tokenOf(session, kind);
      await update(forceRefresh ? tokenOf(session, kind) : null, kind);
      const token = tokenOf(session, kind);
      if (!token) throw new TelegateError("no_session", `there is no ${kind} token: sign in with an oidc adapter first`);
      return token;
    },

    /** The session's tokens and user, or `null` when signed out. */
    async getSession() {
      await loaded;
      return publicSession(session);
    },

    /** Calls `listener` with the new session (or `null`) whenever it changes, in this tab or another. */
    onTokenChange(listener) {
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        schedule();
      };
    },

    /** Ends the session everywhere: forgets it in every tab and revokes its refresh family at Telegate. */
    async signOut() {
      await loaded;
      return withLock(async () => {
        adopt(await readStored());
        const refreshToken = session && session.refreshToken;
        lastProof = null;
        await clear();
        if (!refreshToken) return;
        await withRetries(async () => {
          const response = await doFetch(endpoint(baseURL, app, "revoke"), {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString(),
            credentials: "omit",
          });
          if (!response.ok) await answer(response);
        }, retries);
      });
    },

    /** The kind of storage holding the session. */
    get storageKind() {
      return storage.kind;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Provider glue on a client

/**
 * Convex's `fetchAccessToken({forceRefreshToken})` (for `ConvexProviderWithAuth`): the session's ID token (or the
 * access token with `kind: "access"`), each timed by its own `exp`; `null` when none can be had, as Convex expects.
 */
export function convexFetchAccessToken(client, { kind = "id" } = {}) {
  return async function fetchAccessToken({ forceRefreshToken = false } = {}) {
    try {
      return await client.getToken({ kind, forceRefresh: forceRefreshToken });
    } catch (_) {
      return null;
    }
  };
}

/** supabase-js's `accessToken` option (`createClient(url, key, { accessToken })`): the session's access token. */
export function supabaseAccessToken(client) {
  return () => client.getToken({ kind: "access" });
}

/** Signs in with the client (a `clerk` adapter) and hands the ticket to Clerk (see signInWithClerk). */
export async function signInToClerk(client, clerk, options = {}) {
  return signInWithClerk(clerk, await client.signIn(options));
}

/** Signs in with the client (a `firebase` adapter) and hands the custom token to Firebase (see signInWithFirebase). */
export async function signInToFirebase(client, auth, firebaseOptions = {}, options = {}) {
  return signInWithFirebase(auth, await client.signIn(options), firebaseOptions);
}

/**
 * The `fetchAccessToken({forceRefreshToken})` function Convex's `ConvexProviderWithAuth` expects, for pages that
 * do not keep a client: a client with memory storage behind convexFetchAccessToken.
 * @param {{baseURL: string, app: string, provider?: string, token?: "idToken"|"accessToken", initData?: string, fetch?: Function}} options
 */
export function convexAuth({ baseURL, app, provider, token = "idToken", initData, fetch: fetchImpl } = {}) {
  const client = createTelegate({ baseURL, app, provider, initData, fetch: fetchImpl, storage: memoryStorage() });
  return convexFetchAccessToken(client, { kind: token === "accessToken" ? "access" : "id" });
}

// ---------------------------------------------------------------------------------------------------------------
// WebSockets: first-message auth, refreshed in place (docs/sdk.md#websockets)

/**
 * `connectionParams` for tRPC's `createWSClient` and graphql-ws' `createClient` (Apollo's `GraphQLWsLink`): an async
 * function answering `{token}` with a valid token, read again at each (re)connection.
 */
export function trpcConnectionParams(client, { kind = "access" } = {}) {
  return async () => ({ token: await client.getToken({ kind }) });
}

/** graphql-ws' `connectionParams`: the same as trpcConnectionParams. */
export const graphqlWsConnectionParams = trpcConnectionParams;

/**
 * Keeps an open socket's identity current: on every token change sends `{"type":"auth","token"}` over it. With
 * `inPlace: false` (a server that cannot swap a connection's identity) it calls `reconnect()` instead, or closes
 * the socket with code 4000 so that the library reconnects with fresh `connectionParams`. `socket` is the
 * WebSocket or a function returning the current one. Returns the unsubscribe function.
 */
export function authenticateSocket(client, socket, { kind = "access", inPlace = true, reconnect } = {}) {
  return client.onTokenChange((value) => {
    const token = value && (kind === "id" ? value.idToken : value.accessToken);
    const open = typeof socket === "function" ? socket() : socket;
    if (!token || !open || open.readyState !== 1) return;
    if (inPlace) open.send(JSON.stringify({ type: "auth", token }));
    else if (typeof reconnect === "function") reconnect();
    else open.close(4000, "token refreshed");
  });
}
