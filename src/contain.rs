//! Containing panics: a stage that panics on hostile input yields an error, not a dead
//! worker or a stray stderr message (design.md: "No input makes the process panic").
//!
//! `catch_unwind` stops the unwinding, but the panic hook prints before that; so a hook,
//! installed once, stays silent for panics on threads inside [`contain`] and passes every
//! other panic to the hook that was there before.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// True while this thread runs code under [`contain`]: its panics are expected and
    /// reported as errors, so the panic hook stays quiet for them.
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
    /// Where the contained panic happened, recorded by the hook for the error message.
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per process, a panic hook that stays silent for panics on threads inside
/// [`contain`] and passes every other panic to the hook that was there before. Whether to be
/// silent is decided per thread, so concurrent loads and unrelated panics elsewhere do not
/// race on the hook; the hook itself is swapped only once. (If the application installs its
/// own hook later, contained panics are merely printed again.)
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // `try_with`: during thread teardown the thread-locals may be gone.
            let contained = CONTAINING.try_with(Cell::get).unwrap_or(false);
            if contained {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                let _ = PANIC_LOCATION.try_with(|slot| *slot.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// Resets [`CONTAINING`] when a contained call ends, however it ends.
struct ContainGuard {
    was: bool,
}

impl ContainGuard {
    fn enter() -> Self {
        Self {
            was: CONTAINING.with(|c| c.replace(true)),
        }
    }
}

impl Drop for ContainGuard {
    fn drop(&mut self) {
        CONTAINING.with(|c| c.set(self.was));
    }
}

/// A panic that [`contain`] caught: its message and, when known, where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    /// The panic message, with the source location appended when the hook saw it.
    pub message: String,
}

/// Runs `work` and turns a panic into [`Panic`].
pub fn contain<T>(work: impl FnOnce() -> T) -> Result<T, Panic> {
    install_quiet_hook();
    let _guard = ContainGuard::enter();
    PANIC_LOCATION.with(|slot| slot.borrow_mut().take());
    // AssertUnwindSafe: `work` only reads its inputs and returns what it builds; after a panic
    // nothing it touched is used again, so no broken invariant can be observed.
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let location = PANIC_LOCATION.with(|slot| slot.borrow_mut().take());
        let mut message = panic_message(payload.as_ref());
        if let Some(location) = location {
            message = format!("{message} (at {location})");
        }
        Panic { message }
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_its_message_with_location() {
        let r: Result<(), Panic> = contain(|| panic!("boom at object 7"));
        let message = r.unwrap_err().message;
        assert!(
            message.starts_with("boom at object 7 (at src/contain.rs:"),
            "{message}"
        );
        assert!(!CONTAINING.with(Cell::get), "flag is reset after a panic");
    }

    #[test]
    fn value_passes_through() {
        assert_eq!(contain(|| 41 + 1), Ok(42));
    }
}
