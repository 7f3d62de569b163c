// The declarations and the module export the same names: `declared` is telegate.d.ts, `actual` is telegate.js as
// TypeScript infers it (allowJs), copied alone into ./module/.
import type * as declared from "./telegate.js";
import type * as actual from "./module/telegate.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameNames: Same<keyof typeof declared, keyof typeof actual> = true;
void sameNames;
