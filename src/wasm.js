// JS helpers for src/wasm.rs: what js-sys has no binding for, or binds
// at a cost. wasm-bindgen copies this file beside its glue (`module =`).

// A value's kind in one call: its index in `KINDS` (src/wasm.rs), where
// wasm-bindgen's `as_f64`/`is_string`/... chain took up to eight, and its
// `as_f64` writes through the glue's DataView, whose freshness check reads
// `memory.buffer` (~70 ns on Node 20) on every call. Array.isArray throws
// on a revoked proxy: then it is an object whose every read fails.
export function kindOf(v) {
    switch (typeof v) {
        case 'undefined': return 0;
        case 'boolean': return 2;
        case 'number': return 3;
        case 'bigint': return 4;
        case 'string': return 5;
        case 'object':
            if (v === null) return 1;
            try { return Array.isArray(v) ? 6 : 7; } catch (_) { return 7; }
        default: return 8;
    }
}
// Object spread (`{...o}`) copies own enumerable properties as data, so a
// `__proto__` key stays a key; js-sys has no binding for it.
export function spread(o) { return { ...o }; }
// wasm-bindgen's own `debugString` (what its `Debug` for `JsValue` writes
// inside `JsValue(...)`), copied from its glue so that no `core::fmt` is
// needed to describe a thrown value that is neither an Error nor a string.
export function describeValue(val) {
    switch (typeof val) {
        case 'number':
        case 'boolean':
        case 'undefined':
        return `${val}`;
        case 'string':
        return JSON.stringify(val);
        case 'bigint':
        return `${val}n`;
        case 'symbol':
        return val.description !== undefined
            ? `Symbol(${val.description})`
            : 'Symbol';
        case 'function':
        return typeof val.name === 'string' && val.name !== ''
            ? `Function(${val.name})`
            : 'Function';
        case 'object': {
            if (val === null) {
                return 'null';
            }
            if (Array.isArray(val)) {
                return '[' + Array.from(val, describeValue).join(', ') + ']';
            }
            if (val instanceof Error) {
                return `${val.name}: ${val.message}\n${val.stack}`;
            }
            const toStringOutput = toString.call(val);
            const className = /\[object ([^\]]+)\]/.exec(toStringOutput)?.[1];
            if (className === undefined) {
                return toStringOutput;
            }
            if (className === 'Object') {
                try {
                    return 'Object(' + JSON.stringify(val) + ')';
                } catch (_) {
                    return 'Object';
                }
            }
            return className;
        }
    }
}
