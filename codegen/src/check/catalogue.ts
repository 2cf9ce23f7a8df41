// The numbered diagnostics of FwTS. Codes are stable: tests and docs/fwts.md refer to them.
// FW1xxx syntax outside the subset, FW2xxx the integer model, FW3xxx allocation and buffers,
// FW4xxx calls, functions and classes, FW5xxx modules and C names, FW9xxx internal.
// Each entry says what is wrong ({0} is filled in), why JS and C would differ, and the fix.

export interface Entry {
  readonly message: string;
  readonly why: string;
  readonly fix: string;
}

export const CATALOGUE = {
  1001: { message: "'{0}' is not part of FwTS", why: 'Only constructs whose JavaScript meaning can be reproduced exactly in C99 are allowed.', fix: 'rewrite it with the constructs listed in docs/fwts.md' },
  1002: { message: "'var' is not allowed", why: 'var is function-scoped and hoisted in JS; C blocks scope their variables.', fix: "use 'let' or 'const'" },
  1003: { message: 'destructuring is not allowed', why: 'it allocates and copies objects in JS.', fix: 'read each field into its own variable' },
  1004: { message: 'spread and rest are not allowed', why: 'they build arrays at run time; C has no variable-length argument lists here.', fix: 'pass a Bytes view and a length instead' },
  1005: { message: 'optional and default parameters are not allowed', why: 'a missing argument is undefined in JS; C has no such value.', fix: 'declare every parameter and pass it at every call' },
  1006: { message: "'{0}' loops are not allowed", why: 'they iterate with iterator objects in JS.', fix: 'use an index loop: for (let i = u32(0); i < b.length; i++)' },
  1007: { message: "'{0}' is not allowed", why: 'C99 has no exceptions.', fix: 'return an error code, or panic(code) for a fatal error' },
  1009: { message: "the '{0}' operator is not allowed", why: 'it inspects JS run-time types or objects that do not exist in C.', fix: 'use a field or an enum value to tell cases apart' },
  1010: { message: "'{0}' is not allowed", why: 'FwTS has no null or undefined values.', fix: 'every object reference is always set; use an explicit flag or an enum' },
  1011: { message: 'string values are not allowed here', why: 'C has no string type; only a constant message of log() or panic() is kept.', fix: 'work with Bytes, or pass a constant message to log()' },
  1012: { message: "'{0}' is not allowed", why: 'loose equality coerces types in JS; C compares raw values.', fix: "use '===' or '!=='" },
  1013: { message: 'assignment inside an expression is not allowed', why: 'C leaves the order of side effects inside one expression unspecified; JS goes left to right.', fix: 'make the assignment a statement of its own' },
  1014: { message: "compound assignment '{0}' is not allowed", why: 'it hides a read and a write in one expression (and on integers TS already rejects it: 255 + 1 is 256 in JS, 0 in C).', fix: 'write the assignment out: x = x || y, or x = u8(x + y)' },
  1015: { message: "'extends' is not allowed", why: 'classes lower to plain structs with no inheritance.', fix: "compose: hold the other object in a field, or share behaviour through an interface with 'implements'" },
  1016: { message: '{0} are not allowed', why: 'a C function pointer cannot capture variables; closures need a heap in JS.', fix: 'declare a top-level function and pass state through an explicit ctx parameter' },
  1017: { message: 'one declarator per declaration', why: 'keeps the lowering of initialisers in JS order simple and readable.', fix: 'split it: one const/let per variable' },
  1018: { message: 'only declarations may stand at module top level', why: 'module initialisation in C runs only variable initialisers, in import order.', fix: 'move the statement into a function' },
  1020: { message: 'this import is not allowed', why: "only FwTS modules (relative .ts paths, or 'urpc/fwts') can be lowered to C.", fix: "import named bindings from 'urpc/fwts' or a relative FwTS module, e.g. import { u8, Tensor } from 'urpc/fwts'" },
  1021: { message: '{0} are not allowed', why: 'classes lower to plain structs and functions; these need run-time machinery.', fix: 'use a plain field, a method, or a module-level function or const' },
  1022: { message: 'generics are not allowed', why: 'C99 has no templates; every type must be known.', fix: 'write the function for the concrete type' },
  1023: { message: '{0} are not allowed here', why: 'object and array values would need a heap.', fix: "use a class, an 'as const' enum object, or a readonly table at module top level (read the table itself rather than passing it; pass bytes as Bytes)" },
  1024: { message: 'a table of {0} is not allowed', why: 'a table becomes a static const C array, which holds only integers or function pointers.', fix: 'declare each one as its own top-level const (const uart0 = new Uart()) and choose between them with if or switch; or make a table of functions' },
  1025: { message: "overloads of '{0}' are not allowed", why: 'C has one function per name; JS overloads are one implementation that inspects its arguments at run time.', fix: 'give each variant its own name (sendU8, sendU32), or keep one signature with the widest parameter type' },
  1026: { message: "label '{0}' is on a statement that is not a loop", why: 'labelled blocks lower to nothing in C: only loops get the break flag.', fix: 'put the label on a loop (outer: for (...) { ... break outer; }), or leave the block with if/else or an early return' },
  1027: { message: "case '{0}' repeats the value {1} of the earlier case '{2}'", why: 'JS takes the first case that matches, so this one never runs; C rejects a duplicate case value.', fix: "merge the bodies under the earlier case (or list both labels on one body with different values), or delete this case: it can never run" },
  2001: { message: "'{0}' is not a FwTS type", why: 'a JS number is a double and a bigint has no bound; C needs a fixed width.', fix: 'use u8, u16, u32, i8, i16 or i32 (a 64-bit value as two u32 halves)' },
  2002: { message: 'literal {0} is not a 32-bit integer', why: 'only integers from -2^31 to 2^32-1 have the same value in both worlds.', fix: 'use an integer literal in range (no bigint n suffix), wrapped where a width is needed: u32(0xffffffff)' },
  2003: { message: "'{0}' is observed without a wrap", why: 'Node keeps the exact value of the intermediate result while C has already wrapped it.', fix: 'wrap it to a declared width first, e.g. u8(...), u16(...), u32(...), i32(...)' },
  2004: { message: 'comparison of {0} with {1} mixes signedness', why: 'in C, -1 === 4294967295u after the usual arithmetic conversions.', fix: 'convert one side so both have the same signedness, e.g. i32(x) or u32(x)' },
  2005: { message: "operator '{0}' is not allowed on integers", why: 'JS divides in floating point and division by zero is undefined behaviour in C.', fix: 'use divu/modu (u32) or divi/modi (i32) from the prelude' },
  2006: { message: "'>>' on the unsigned value '{0}'", why: 'JS >> makes the result negative when bit 31 is set; C shifts an unsigned value logically.', fix: "i32({0}) >> n shifts as Node does now (arithmetically, the sign taken from bit 31); write {1} >>> n if you mean a logical shift" },
  2007: { message: "product '{0}' can exceed 2^53", why: 'Node loses the low bits of a product past 2^53; C keeps them.', fix: 'use mul32(a, b) (or imul32 for i32)' },
  2008: { message: "'{0}' is only allowed as the update of a bounded for loop", why: 'on a narrow integer JS goes past the range (255 + 1 is 256) while C wraps.', fix: 'write x = u8(x + 1), or use it in for (...; x < N; x++) with x not assigned in the body' },
  2009: { message: 'condition of type {0} is not a boolean', why: 'JS truthiness differs from C (e.g. NaN, objects).', fix: 'compare explicitly, e.g. n !== 0' },
  2010: { message: "'{0}' needs boolean operands", why: 'JS && and || return an operand, C returns 0 or 1.', fix: 'compare explicitly, e.g. (a !== 0) && (b !== 0)' },
  2011: { message: "'{0}' is not available in FwTS", why: 'floating-point Math functions have no exact integer equivalent in C.', fix: 'Math.imul(a, b) is imul32(a, b) (mul32 for u32), Math.clz32(x) is clz32(x); Math.max(a, b) is a > b ? a : b, Math.min(a, b) is a < b ? a : b' },
  2012: { message: "intermediate '{0}' can exceed 2^53", why: 'Node loses precision past 2^53; C keeps the low 32 bits exactly.', fix: 'wrap a sub-expression to 32 bits first, e.g. u32(a + b) + c' },
  2013: { message: 'a value of type {0} is used where an integer is needed', why: 'only wrapped integers have one meaning in both worlds.', fix: 'use an integer expression or convert it with u8(...)/u32(...)' },
  2014: { message: "operator '**' is not allowed", why: 'JS computes ** in floating point: past 2^53 the result loses the low bits that C keeps.', fix: 'for a power of two shift: u32(1 << n); otherwise multiply in a loop with mul32' },
  2015: { message: 'case label {0} is outside the range of {1}', why: 'Node compares the label with ===, so it never matches a {1}; C converts the label to the type of the switch, where it matches another value (or fails to compile).', fix: 'write the label as a value of {1} (for an i32, -1 rather than 0xffffffff), or drop the case: it can never run' },
  2016: { message: 'enum value {0} is negative', why: 'an enum lowers to an unsigned C integer type.', fix: 'use values from 0 to 2^32-1, or a named constant (const MINUS_ONE = -1) for a signed value' },
  3001: { message: '{0} is only allowed at module top level or in a field initialiser or constructor', why: 'FwTS allocates nothing after start-up: all memory is static in C.', fix: 'allocate once at top level (or as a field) and reuse it' },
  3002: { message: 'buffer size must be a constant integer', why: 'a static C array needs its size at compile time.', fix: 'use a literal or a top-level const' },
  3003: { message: "index '{0}' is not proven to be inside '{1}'", why: 'out of range, JS reads undefined and ignores writes while C would corrupt memory.', fix: 'use rd8({1}, {0}) / wr8({1}, {0}, v) (they panic out of range in both worlds), or guard it: if ({0} < {1}.length) { ... }, or index inside for (...; i < {1}.length; i++)' },
  3004: { message: "'{0}' is not available on Bytes", why: 'these Uint8Array methods clamp or allocate in JS.', fix: 'use view(b, begin, end), copy(dst, at, src) or fill(b, v, begin, end) from the prelude' },
  3005: { message: "buffer field '{0}' cannot be reassigned", why: 'it is a static array in C, not a view.', fix: 'copy into it with copy(), or declare a separate Bytes field for views' },
  3006: { message: '{0} must be constant here', why: 'C initialises static tables and sizes at compile time.', fix: 'use literals (or wraps of literals) and top-level constants' },
  3007: { message: "table index '{0}' is not proven to be inside '{1}'", why: 'out of range, JS reads undefined while C reads past the end of the table.', fix: 'guard it: if ({0} < {1}.length) { ... {1}[{0}] ... }, or index inside for (...; i < {1}.length; i++), or with a type that cannot reach the length (a u8 into 256 entries)' },
  4001: { message: "recursion: '{0}' can call itself", why: 'recursion makes the stack unbounded; the device stack must be bounded statically.', fix: 'rewrite it as a loop with an explicit fixed-size stack' },
  4002: { message: "method '{0}' is used as a value", why: "a method needs 'this'; a C function pointer has no receiver.", fix: "call it with '()', or use a top-level function with a ctx parameter" },
  4004: { message: "'{0}' cannot be called from FwTS", why: 'only FwTS functions, methods and the prelude exist in C.', fix: 'declare a platform hook with /** @extern */ or use the prelude' },
  4005: { message: 'a do…while condition may not call a function', why: "the call's side effects would be reordered with respect to 'continue'.", fix: 'compute the condition into a variable at the end of the body' },
  4006: { message: "class '{0}' is used as '{1}' but does not declare 'implements {1}'", why: 'the C vtable is generated from the implements clause.', fix: "add 'implements {1}' to the class" },
  4007: { message: "'{0}' of type '{1}' is used as '{2}', a function type with other parameters or another result", why: 'JavaScript ignores extra arguments and unused results, but a C function pointer must have exactly the type of the function it points to (the C would not compile).', fix: "give the function exactly the parameters and result of '{2}' (name a parameter it does not use with a leading underscore), or declare a function type of its own signature" },
  5001: { message: "C name '{0}' is declared by two modules", why: 'exported C types share one global namespace.', fix: 'rename one of them' },
  5002: { message: "the initialiser of '{0}' reads '{1}' before its declaration has run (through {2})", why: 'Node throws a ReferenceError (the temporal dead zone) while C reads the static before it is set.', fix: "declare '{1}' above '{0}' (initialisers run in source order, a module's imports first); across an import cycle, move '{1}' to a module that does not import this one" },
  9001: { message: 'internal checker error: {0}', why: 'this is a bug in codegen, not in your code.', fix: 'report it with the file that triggered it' },
} as const satisfies Record<number, Entry>;

export type Code = keyof typeof CATALOGUE;
