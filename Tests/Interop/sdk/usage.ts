// Compiled with `tsc --noEmit --strict` next to telegate.js and telegate.d.ts: every export used as docs/sdk.md shows.
import {
  TelegateError,
  authenticateSocket,
  convexAuth,
  convexFetchAccessToken,
  createTelegate,
  decodeJWT,
  detectStorage,
  exchange,
  graphqlWsConnectionParams,
  memoryStorage,
  sessionStorageStore,
  signInToClerk,
  signInToFirebase,
  signInWithClerk,
  signInWithFirebase,
  signInWithSupabase,
  supabaseAccessToken,
  telegramDeviceStorage,
  telegramSecureStorage,
  trpcConnectionParams,
  type ExchangeResult,
  type TelegateClient,
  type TelegateSession,
  type TelegateStorage,
} from "./telegate.js";

async function usage(): Promise<void> {
  const storage: TelegateStorage = telegramSecureStorage() ?? telegramDeviceStorage() ?? sessionStorageStore() ?? memoryStorage();
  const telegate: TelegateClient = createTelegate({ baseURL: "https://auth.example.com", app: "poll", provider: "convex", storage });
  const result: ExchangeResult = await telegate.signIn();
  if (result.credential.type === "oidc") {
    const expiresIn: unknown = result.credential.expiresIn;
    console.log(expiresIn);
  }
  await telegate.signIn({ widget: { id: 1, first_name: "Ada", auth_date: 1, hash: "h" } });
  await telegate.signIn({ idToken: "eyJ…", nonce: "n" });
  const access: string = await telegate.getToken();
  const id: string = await telegate.getToken({ kind: "id", forceRefresh: true });
  const exp: number | undefined = decodeJWT(access).exp;
  const unsubscribe: () => void = telegate.onTokenChange((session: TelegateSession | null) => console.log(session?.user?.id, id, exp));
  unsubscribe();
  const session = await telegate.getSession();
  console.log(session?.accessToken, telegate.storageKind, detectStorage().kind);
  await telegate.signOut();

  const fetchAccessToken = convexFetchAccessToken(telegate);
  const convexToken: string | null = await fetchAccessToken({ forceRefreshToken: true });
  const legacy = convexAuth({ baseURL: "https://auth.example.com", app: "poll", token: "accessToken" });
  console.log(convexToken, await legacy({}));
  const accessToken: () => Promise<string> = supabaseAccessToken(telegate);
  console.log(await accessToken());

  const clerk = { user: null, session: null, setActive: async (_: { session: string | null }) => {} };
  console.log((await signInToClerk(telegate, clerk)).sessionId, (await signInWithClerk(clerk, result)).alreadyActive);
  await signInToFirebase(telegate, {}, { signInWithCustomToken: async (_auth: unknown, _token: string) => ({}) });
  await signInWithFirebase({}, result.credential);
  const { session: supabaseSession } = await signInWithSupabase({ auth: {} }, result, { provider: "custom:telegate", nonce: "n" });
  console.log(supabaseSession);
  const exchanged = await exchange({ baseURL: "https://auth.example.com", app: "poll", initData: "query_id=…" });
  console.log(exchanged.user.telegramId);

  const params: { token: string } = await trpcConnectionParams(telegate)();
  const graphql = graphqlWsConnectionParams(telegate, { kind: "id" });
  console.log(params.token, await graphql());
  const socket = new WebSocket("wss://api.example.com/trpc");
  const stop = authenticateSocket(telegate, socket);
  const stopReconnecting = authenticateSocket(telegate, () => socket, { inPlace: false, reconnect: () => socket.close() });
  stop();
  stopReconnecting();

  try {
    await telegate.getToken();
  } catch (error) {
    if (error instanceof TelegateError) console.log(error.code, error.status, error.reason, error.retryAfter);
  }
}

void usage;
