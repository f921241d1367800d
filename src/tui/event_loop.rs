//! The only task that touches the terminal: events in, `update`, draw when dirty, effects out.

use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::TuiError;
use super::app::App;
use super::frame;
use super::keymap;
use super::lab_runner::{self as runner, LabRunner};
use super::msg::LabEffect;
use super::msg::{Action, Effect};
use super::saved::Store;
use super::terminal::TerminalGuard;

/// Queued actions handled per wake-up before drawing, so a burst cannot starve input.
const DRAIN: usize = 64;

fn to_action(app: &App, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => keymap::keymap(&app.scopes(), key),
        Event::Mouse(mouse) => keymap::mouse(mouse),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// Runs until the app asks to quit, a signal arrives, or input ends.
///
/// Queued signals are taken before the terminal's events: after SIGHUP the terminal is gone, and
/// crossterm's event reader (behind a global lock its waker thread keeps taking on a hung-up tty)
/// can keep the loop waiting. Seen once in CI under load: the program outlived its closed
/// terminal by the test's 20 s.
pub async fn run(mut app: App, store: &mut Store, guard: &mut TerminalGuard) -> Result<(), TuiError> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let signals = spawn_signal_task(tx.clone());
    let (resume_tx, mut resume_rx) = mpsc::unbounded_channel::<()>();
    let resumes = spawn_resume_task(resume_tx);
    // Lab results and trace events: bounded, so a bursting lab waits instead of growing a queue.
    let (lab_tx, mut lab_rx) = mpsc::channel::<Action>(runner::QUEUE);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let terminal = guard.terminal()?;
    terminal.draw(|f| frame::render(f, &app))?;
    app.dirty = false;
    // Compiling the lab's apps waits until the first frame is on screen: start-up shows the
    // screen first (`lab` opened on its own starts its server a moment later, nothing is lost).
    let apps = std::sync::Arc::new(crate::lab::engine::AppSet::for_content(&app.catalog));
    let mut lab = LabRunner::spawn(lab_tx, apps);
    if let Some(Effect::Lab(serve)) = app.serve() {
        lab.run(serve);
    }
    let result = loop {
        let action = tokio::select! {
            biased;
            // Signals first: a quit after SIGHUP must not wait on a gone terminal (see `run`).
            Some(action) = rx.recv() => Some(action),
            event = events.next() => match event {
                Some(Ok(event)) => to_action(&app, event),
                Some(Err(e)) => break Err(TuiError::Terminal(e)),
                None => break Ok(()),
            },
            Some(()) = resume_rx.recv() => {
                // Back from Ctrl-Z / SIGTSTP (`fg`): the shell put the terminal back in cooked
                // mode on the main screen. Take it over again and repaint everything.
                super::terminal::reenter()?;
                terminal.swap_buffers();
                app.dirty = true;
                Some(Action::Resize(app.size.width, app.size.height))
            },
            Some(action) = lab_rx.recv() => Some(action),
            _ = tick.tick(), if app.animating() => Some(Action::Tick),
        };
        let Some(action) = action else { continue };
        if matches!(action, Action::Resize(..)) {
            // A burst of resizes can end at the size of the last frame drawn: ratatui then sees
            // no change, yet the terminal reflowed the old frame into garbage. Clear the screen
            // and forget the previous frame so the next draw repaints every cell. (An escape,
            // not `Terminal::clear`, which would ask the terminal for the cursor position.)
            let backend = terminal.backend_mut();
            crossterm::queue!(backend, crossterm::terminal::Clear(crossterm::terminal::ClearType::All))?;
            terminal.swap_buffers();
            app.dirty = true;
        }
        // The time is read here, once per event; `update` itself never reads a clock.
        let mut effects = app.update_at(action, (app.clock)());
        for _ in 0..DRAIN {
            match rx.try_recv().or_else(|_| lab_rx.try_recv()) {
                Ok(action) => effects.extend(app.update_at(action, (app.clock)())),
                Err(_) => break,
            }
        }
        // Draw before the effects: the learner sees the change before the disk is touched.
        if app.dirty {
            terminal.draw(|f| frame::render(f, &app))?;
            app.dirty = false;
        }
        let quit = run_effects(effects, &mut app, store, terminal, &mut lab)?;
        if quit {
            break Ok(());
        }
        if app.dirty {
            terminal.draw(|f| frame::render(f, &app))?;
            app.dirty = false;
        }
    };
    for task in [signals, resumes].into_iter().flatten() {
        task.abort();
    }
    lab.shutdown().await;
    result
}

/// Runs what one round of updates asked for: one save at most, the lab's work, the terminal's
/// clipboard escape. Returns whether the app asked to quit.
fn run_effects(
    effects: Vec<Effect>,
    app: &mut App,
    store: &mut Store,
    terminal: &mut super::terminal::Term,
    lab: &mut LabRunner,
) -> Result<bool, TuiError> {
    let mut quit = false;
    let mut saved = false;
    for effect in effects {
        match effect {
            Effect::SaveProgress if !saved => {
                saved = true;
                let outcome = store.save(&app.progress).err().map(|e| e.to_string());
                if outcome.is_some() || app.save_error.is_some() {
                    app.update_at(Action::SaveResult(outcome), app.now_ms);
                }
                for notice in store.take_notices() {
                    app.update_at(Action::Notice(notice), app.now_ms);
                }
            }
            Effect::SaveProgress => {}
            Effect::Quit => quit = true,
            Effect::Lab(LabEffect::Osc52(text)) => {
                // Best effort: a terminal without OSC 52 ignores it (the file was written).
                let seq = super::clipboard::osc52(&text);
                let backend = terminal.backend_mut();
                let _ = std::io::Write::write_all(backend, seq.as_bytes())
                    .and_then(|()| std::io::Write::flush(backend));
            }
            Effect::Lab(effect) => lab.run(effect),
            // Navigation is the router's; it never leaves `update`.
            Effect::Go(_) => {}
        }
    }
    Ok(quit)
}

/// SIGTERM, SIGHUP and a SIGINT sent from outside (Ctrl-C itself is a key in raw mode) become
/// a quit that does not ask: whoever sent them wants the program gone, terminal restored.
#[cfg(unix)]
fn spawn_signal_task(tx: mpsc::UnboundedSender<Action>) -> Option<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).ok()?;
    let mut hup = signal(SignalKind::hangup()).ok()?;
    let mut int = signal(SignalKind::interrupt()).ok()?;
    hang_up_watchdog();
    Some(tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
        let _ = tx.send(Action::ConfirmQuit);
    }))
}

/// A closed window must end the program even if the event loop cannot get to the quit: an OS
/// thread, outside the runtime, that exits with 128 + SIGHUP a few seconds after a hang-up
/// unless the program has ended by then. (In CI under load the program twice outlived its
/// closed terminal by 20 s; the cause was not found. Progress is saved answer by answer, so
/// nothing is lost.)
#[cfg(unix)]
#[allow(clippy::disallowed_methods)] // the one exit that cannot return through `main`: it is stuck
fn hang_up_watchdog() {
    const GRACE: Duration = Duration::from_secs(3);
    let Ok(mut signals) = signal_hook::iterator::Signals::new([libc::SIGHUP]) else { return };
    let _ = std::thread::Builder::new().name("hang-up watchdog".into()).spawn(move || {
        if signals.forever().next().is_some() {
            std::thread::sleep(GRACE);
            std::process::exit(128 + libc::SIGHUP);
        }
    });
}

/// SIGCONT: the process was stopped (Ctrl-Z, SIGTSTP) and has been resumed.
#[cfg(unix)]
fn spawn_resume_task(tx: mpsc::UnboundedSender<()>) -> Option<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut cont = signal(SignalKind::from_raw(libc::SIGCONT)).ok()?;
    Some(tokio::spawn(async move {
        while cont.recv().await.is_some() {
            if tx.send(()).is_err() {
                return;
            }
        }
    }))
}

#[cfg(not(unix))]
fn spawn_resume_task(_tx: mpsc::UnboundedSender<()>) -> Option<tokio::task::JoinHandle<()>> {
    None
}

#[cfg(not(unix))]
fn spawn_signal_task(_tx: mpsc::UnboundedSender<Action>) -> Option<tokio::task::JoinHandle<()>> {
    None
}
