//! The search: depth-first over scheduling choices, re-running the model from its start for
//! each new branch (a coroutine cannot be copied), and cutting every branch that reaches a
//! state it has already explored.

use super::execution::{self, Pending};
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult};
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// Room for a model thread's stack; only the pages it touches are ever committed.
const STACK_SIZE: usize = 1 << 20;

type Thread = Coroutine<(), (), (), DefaultStack>;

/// How a search went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Enumeration {
    /// Executions run (each from the start).
    pub executions: u64,
    /// Executions that ran to their end (the others reached an explored state).
    pub completed: u64,
    /// Distinct states met at scheduling points.
    pub states: u64,
    /// Whether the search was stopped (by `keep_going`) before it had explored everything.
    pub stopped: bool,
}

/// A scheduling point the search has passed: the threads that could run there, in the order
/// they are tried, and which is being tried.
struct Choice {
    threads: Vec<usize>,
    taken: usize,
    /// The hash of the world there (the search replays the prefix without hashing it).
    world: u128,
}

/// Runs `model` as the main thread of every execution until every schedule is explored (up
/// to the states already seen), or until `keep_going` says stop (asked before each execution).
pub(crate) fn explore(
    model: impl Fn() + Clone + 'static,
    mut keep_going: impl FnMut() -> bool,
) -> Enumeration {
    let mut visited: HashSet<u128> = HashSet::new();
    let mut path: Vec<Choice> = Vec::new();
    let mut stacks: Vec<DefaultStack> = Vec::new();
    let mut result = Enumeration::default();
    loop {
        if !keep_going() {
            result.stopped = true;
            break;
        }
        result.executions += 1;
        let body = model.clone();
        execution::install(Box::new(body));
        let run = catch_unwind(AssertUnwindSafe(|| {
            run_one(&mut path, &mut visited, &mut stacks)
        }));
        execution::uninstall();
        match run {
            Ok(true) => result.completed += 1,
            Ok(false) => {}
            Err(panic) => resume_unwind(panic),
        }
        // The next branch: the deepest choice with a thread left to try.
        while let Some(choice) = path.last_mut() {
            choice.taken += 1;
            if choice.taken < choice.threads.len() {
                break;
            }
            path.pop();
        }
        if path.is_empty() {
            break;
        }
    }
    result.states = visited.len() as u64;
    result
}

/// One execution: follows `path`, then extends it with first choices, until the execution
/// ends (true) or reaches a state already explored (false). Every coroutine is gone when it
/// returns, its stack back in `stacks`.
fn run_one(
    path: &mut Vec<Choice>,
    visited: &mut HashSet<u128>,
    stacks: &mut Vec<DefaultStack>,
) -> bool {
    let mut threads: Vec<Option<Thread>> = Vec::new();
    let finish = |threads: &mut Vec<Option<Thread>>, stacks: &mut Vec<DefaultStack>| {
        // Unwind every suspended thread (its guards let go without scheduling: they see a
        // panic in progress), newest first, and keep the stacks; drop the bodies of threads
        // that never ran, outside the execution's borrow.
        for thread in threads.iter_mut().rev() {
            if let Some(mut coroutine) = thread.take() {
                coroutine.force_unwind();
                stacks.push(coroutine.into_stack());
            }
        }
        let unstarted: Vec<_> =
            execution::with(|e| e.threads.iter_mut().filter_map(|t| t.body.take()).collect());
        drop(unstarted);
    };
    let mut depth = 0;
    let mut panic = None;
    let completed = loop {
        let enabled = execution::with(|e| {
            let current = e.current;
            let mut enabled: Vec<usize> = (0..e.threads.len()).filter(|&t| e.enabled(t)).collect();
            // The running thread first: fewer switches, and the same choices otherwise.
            if let Some(at) = enabled.iter().position(|&t| t == current) {
                enabled[..=at].rotate_right(1);
            }
            enabled
        });
        if enabled.is_empty() {
            let all_done = execution::with(|e| e.threads.iter().all(|t| t.finished));
            assert!(
                all_done,
                "the enumerating backend found a deadlock: the model's hang detector should \
                 have declared it (a bug in drainproof)"
            );
            break true;
        }
        let chosen = if depth < path.len() {
            let choice = &path[depth];
            debug_assert_eq!(
                choice.threads, enabled,
                "a deterministic model replays alike"
            );
            if depth + 1 == path.len() {
                // The last choice replayed: its step leads to the first state keyed, and
                // starts from the world as it was hashed when the choice was first met.
                execution::with(|e| e.world = choice.world);
            }
            choice.threads[choice.taken]
        } else {
            let (key, world) = execution::with(|e| (e.key(), e.world));
            if !visited.insert(key) {
                break false;
            }
            let first = enabled[0];
            path.push(Choice {
                threads: enabled,
                taken: 0,
                world,
            });
            first
        };
        depth += 1;
        // Hash the world after each access from the step that leads to the first state keyed.
        execution::with(|e| e.keying = depth >= path.len());
        // A model thread's panic (a bug) ends the search, once the other threads are gone.
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| step(chosen, &mut threads, stacks)))
        {
            panic = Some(payload);
            break false;
        }
    };
    finish(&mut threads, stacks);
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    completed
}

/// Runs thread `t` up to its next scheduling point, or to its end.
fn step(t: usize, threads: &mut Vec<Option<Thread>>, stacks: &mut Vec<DefaultStack>) {
    let body = execution::with(|e| {
        e.current = t;
        let thread = &mut e.threads[t];
        (thread.pending == Pending::Start).then(|| thread.body.take().expect("a body to start"))
    });
    if threads.len() <= t {
        threads.resize_with(t + 1, || None);
    }
    if let Some(body) = body {
        let stack = stacks
            .pop()
            .unwrap_or_else(|| DefaultStack::new(STACK_SIZE).expect("a coroutine stack"));
        threads[t] = Some(Coroutine::with_stack(stack, move |yielder, ()| {
            execution::started(yielder);
            body();
        }));
    }
    let coroutine = threads[t].as_mut().expect("a started thread");
    if let CoroutineResult::Return(()) = coroutine.resume(()) {
        execution::with(|e| e.threads[t].finished = true);
        let done = threads[t].take().expect("the thread that returned");
        stacks.push(done.into_stack());
    }
}
