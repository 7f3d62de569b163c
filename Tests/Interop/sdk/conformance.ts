// The declarations describe the module: `declared` is telegate.d.ts, `actual` is telegate.js as TypeScript infers it
// (allowJs, reading its JSDoc), copied alone into ./module/. Both export the same names, and every function and
// class of the module keeps its declaration's signature: as many parameters, the same option names in each options
// object, and it can be called (or constructed) as declared and answers what the declaration promises.
import type * as declared from "./telegate.js";
import type * as actual from "./module/telegate.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The parameters of a function, or of a class's constructor. */
type ParametersOf<T> = T extends abstract new (...args: infer P) => unknown ? P : T extends (...args: infer P) => unknown ? P : [];

/** An options object's names; `never` for other parameters (and for what the JavaScript leaves `any`). */
type OptionNames<T> = IsAny<T> extends true
  ? never
  : NonNullable<T> extends (...args: never[]) => unknown
    ? never
    : NonNullable<T> extends object
      ? keyof NonNullable<T>
      : never;

/** Whether each options object of `A` takes the option names of `D`'s parameter at the same position. */
type SameOptions<A extends unknown[], D extends unknown[]> = false extends {
  [I in keyof A]: [OptionNames<A[I]>] extends [never] ? true : Same<OptionNames<A[I]>, OptionNames<I extends keyof D ? D[I] : never>>;
}[number]
  ? false
  : true;

/**
 * A parameter as the JavaScript means it: TypeScript infers a destructured option without a default as required,
 * where the module treats every option as optional.
 */
type Lenient<T> = IsAny<T> extends true
  ? T
  : NonNullable<T> extends (...args: never[]) => unknown
    ? T
    : NonNullable<T> extends object
      ? Partial<NonNullable<T>> | Extract<T, undefined>
      : T;
type LenientAll<P extends unknown[]> = { [I in keyof P]: Lenient<P[I]> };

/** What a function answers, or a class constructs (`never` for anything else). */
type Answer<T> = T extends abstract new (...args: never[]) => infer R ? R : T extends (...args: never[]) => infer R ? Awaited<R> : never;

/** The module's export with lenient parameters, and the declaration's parameters, each as a function. */
type Accepts<A> = A extends abstract new (...args: infer P) => unknown ? (...args: LenientAll<P>) => void : A extends (...args: infer P) => unknown ? (...args: LenientAll<P>) => void : A;
type Passes<D> = D extends abstract new (...args: infer P) => unknown ? (...args: P) => void : D extends (...args: infer P) => unknown ? (...args: P) => void : D;

/**
 * What the module answers is what the declaration promises, or, where its JSDoc says less (`user: object`), an
 * object with the same members.
 */
type SameAnswer<A, D> = [Answer<A>] extends [Answer<D>] ? true : Same<keyof Answer<A>, keyof Answer<D>>;

type Conforms<A, D> = [A] extends [never]
  ? false
  : [D] extends [never]
    ? false
    : [Accepts<A>] extends [Passes<D>]
      ? [
          Same<Required<ParametersOf<A>>["length"], Required<ParametersOf<D>>["length"]>,
          SameOptions<Required<ParametersOf<A>>, Required<ParametersOf<D>>>,
          SameAnswer<A, D>,
        ] extends [true, true, true]
        ? true
        : false
      : false;

type Exports = keyof typeof declared | keyof typeof actual;
type Export<M, K> = K extends keyof M ? M[K] : never;

/** The exports missing on one side, or whose declaration does not match the module. */
type Drifting = { [K in Exports]: Conforms<Export<typeof actual, K>, Export<typeof declared, K>> extends true ? never : K }[Exports];

// tsc names each drifting export: "Type '{}' is missing the following properties …: <export>".
const drifting: Record<Drifting, "telegate.js and telegate.d.ts disagree"> = {};
void drifting;
