/**
 * Just enough of WebAssembly's binary format to write the study's kernel (tail-kernel.ts) as code in
 * TypeScript, with no assembler among the dependencies: an expression is the bytes that leave its value
 * on the stack, so `f64x2.add(a, b)` is a's bytes, b's, then the add's opcode.
 */
export type Code = number[];

/** Unsigned LEB128. */
function uleb(value: number): Code {
  const bytes: Code = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(value: number): Code {
  const bytes: Code = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

const F64 = 0x7c;
const I32 = 0x7f;
const V128 = 0x7b;
const types = { f64: F64, i32: I32, v128: V128 } as const;
export type ValueType = keyof typeof types;

const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const unary = (opcode: Code) => (a: Code): Code => [...a, ...opcode];
const binary = (opcode: Code) => (a: Code, b: Code): Code => [...a, ...b, ...opcode];
/** Memory access with an 8-byte alignment hint and no offset. */
const memarg = [3, 0];

/** A double's bytes, little-endian. */
function f64Bytes(value: number): Code {
  return [...new Uint8Array(Float64Array.of(value).buffer)];
}

export const i32 = {
  const: (value: number): Code => [0x41, ...sleb(value)],
  add: binary([0x6a]),
  mul: binary([0x6c]),
  shl: binary([0x74]),
  ltU: binary([0x49]),
  and: binary([0x71]),
};

export const f64 = {
  add: binary([0xa0]),
  mul: binary([0xa2]),
  sqrt: unary([0x9f]),
  load: (address: Code): Code => [...address, 0x2b, ...memarg],
};

export const f64x2 = {
  /** Both lanes `value`. */
  const: (value: number): Code => [0x44, ...f64Bytes(value), ...simd(0x14)],
  /** Both lanes the double whose bits are `high`:`low`. */
  constBits: (high: number, low: number): Code => [0x44, ...new Uint8Array(new Uint32Array([low, high]).buffer), ...simd(0x14)],
  splat: unary(simd(0x14)),
  abs: unary(simd(0xec)),
  neg: unary(simd(0xed)),
  add: binary(simd(0xf0)),
  sub: binary(simd(0xf1)),
  mul: binary(simd(0xf2)),
  div: binary(simd(0xf3)),
  eq: binary(simd(0x47)),
  lt: binary(simd(0x49)),
  gt: binary(simd(0x4a)),
  le: binary(simd(0x4b)),
  /** Lanes truncated to 32-bit integers (in the low two of four), then back to doubles. */
  truncate: (a: Code): Code => [...a, ...simd(0xfc), ...simd(0xfe)],
  /** 2^k in each lane for integer-valued doubles k from −1022 to 1023: k + 1023 as the exponent's bits. */
  powerOfTwo: (k: Code): Code => [...k, ...simd(0xfc), ...simd(0xc7), 0x42, ...sleb(1023), ...simd(0x12), ...simd(0xce), ...i32.const(52), ...simd(0xcb)],
};

export const v128 = {
  load: (address: Code): Code => [...address, ...simd(0x00), ...memarg],
  loadSplat: (address: Code): Code => [...address, ...simd(0x0a), ...memarg],
  store: (address: Code, value: Code): Code => [...address, ...value, ...simd(0x0b), ...memarg],
  /** Stores the first lane only. */
  storeFirst: (address: Code, value: Code): Code => [...address, ...value, ...simd(0x5b), ...memarg, 0],
  and: binary(simd(0x4e)),
  andNot: binary(simd(0x4f)),
  /** `ifSet`'s bits where `mask`'s are set, `otherwise`'s elsewhere. */
  select: (ifSet: Code, otherwise: Code, mask: Code): Code => [...ifSet, ...otherwise, ...mask, ...simd(0x52)],
  anyTrue: unary(simd(0x53)),
};

export const local = {
  get: (index: number): Code => [0x20, ...uleb(index)],
  set: (index: number, value: Code): Code => [...value, 0x21, ...uleb(index)],
};

/** Runs `body` when `condition` (an i32) is not 0. */
export function when(condition: Code, body: Code): Code {
  return [...condition, 0x04, 0x40, ...body, 0x0b];
}

/** Runs `body` while `condition` (an i32, tested before each pass) is not 0. */
export function whileLoop(condition: Code, body: Code): Code {
  // block { loop { br_if 1 (condition == 0); body; br 0 } }
  return [0x02, 0x40, 0x03, 0x40, ...condition, 0x45, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

export interface FunctionCode {
  name: string;
  params: ValueType[];
  result?: ValueType;
  locals: ValueType[];
  body: Code;
}

const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (text: string): Code => vector([...new TextEncoder().encode(text)].map((byte) => [byte]));

/** A module of exported functions and one exported memory, "memory", of one page to start with. */
function moduleBytes(functions: readonly FunctionCode[]): Uint8Array {
  const typeOf = (fn: FunctionCode): Code => [0x60, ...vector(fn.params.map((type) => [types[type]])), ...vector(fn.result ? [[types[fn.result]]] : [])];
  const body = (fn: FunctionCode): Code => {
    const code = [...vector(fn.locals.map((type) => [1, types[type]])), ...fn.body, 0x0b];
    return [...uleb(code.length), ...code];
  };
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(functions.map(typeOf))),
    ...section(3, vector(functions.map((_, index) => uleb(index)))),
    ...section(5, vector([[0x00, 1]])),
    ...section(7, vector([[...name('memory'), 0x02, 0], ...functions.map((fn, index) => [...name(fn.name), 0x00, ...uleb(index)])])),
    ...section(10, vector(functions.map(body))),
  ]);
}

/** What this module uses of the WebAssembly API, which the project's TypeScript libraries (no DOM) do not declare. */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

/** The exports of an instance of `functions`' module. */
export function instantiate(functions: readonly FunctionCode[]): unknown {
  return new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(functions))).exports;
}
