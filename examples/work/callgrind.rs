//! Callgrind's client requests (`valgrind/callgrind.h`), so that the
//! setup runs uninstrumented (`--instr-atstart=no`: several times faster
//! under valgrind). Outside valgrind each request is a no-op instruction
//! sequence.

/// `VG_USERREQ_TOOL_BASE('C', 'T')`
const BASE: u64 = (b'C' as u64) << 24 | (b'T' as u64) << 16;
const START_INSTRUMENTATION: u64 = BASE + 4;
const STOP_INSTRUMENTATION: u64 = BASE + 5;

/// Runs `f` instrumented (what is collected inside is up to
/// `--toggle-collect`).
pub fn instrumented(f: impl FnOnce()) {
    request(START_INSTRUMENTATION);
    f();
    request(STOP_INSTRUMENTATION);
}

/// `VALGRIND_DO_CLIENT_REQUEST_STMT(code, 0, 0, 0, 0, 0)`: the "special
/// instruction" preamble (rotations that add up to a full turn), then the
/// marker instruction that asks valgrind to run the request at `args`.
#[inline(always)]
fn request(code: u64) {
    let args = [code, 0u64, 0, 0, 0, 0];
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the rotations leave rdi as it was and `xchg rbx, rbx` is a
    // no-op; valgrind only reads `args` and writes the result to rdx.
    unsafe {
        std::arch::asm!(
            "rol rdi, 3", "rol rdi, 13", "rol rdi, 61", "rol rdi, 51",
            "xchg rbx, rbx",
            inout("rdx") 0u64 => _,
            in("rax") args.as_ptr(),
            options(nostack),
        );
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above, with x12 turned a full turn and `orr x10, x10, x10`.
    unsafe {
        std::arch::asm!(
            "ror x12, x12, #3", "ror x12, x12, #13", "ror x12, x12, #51", "ror x12, x12, #61",
            "orr x10, x10, x10",
            inout("x3") 0u64 => _,
            in("x4") args.as_ptr(),
            options(nostack),
        );
    }
    // Elsewhere (wasm32, for clippy) nothing is instrumented: every count
    // is 0 and tests/work/run.mjs says so.
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    let _ = args;
}
