/*
 * queue.pml -- Promela model of CPython 3.11 multiprocessing.Queue as used
 * by the seed post's drain experiment (independent cross-check for
 * drainproof).  Line numbers refer to
 *   /root/.pyenv/versions/3.11.7/lib/python3.11/multiprocessing/queues.py
 *
 * Parameters (pass to spin as -DNAME=value):
 *   W         number of worker processes            (default 1)
 *   J         number of jobs the producer puts      (default 1)
 *   C         pipe capacity in ITEMS                 (default 1)
 *   PROTOCOL  EMPTY_POLL | SENTINEL | EMPTY_CHECK    (default SENTINEL)
 *
 * Optional: -DCHECK_SEED_CRITERION replaces the property by "the seed's
 * criterion (jobs.empty() after join) implies every job was received once".
 *
 * Property: when the producer has joined every worker, every job was
 * received exactly once (assertion).  Afterwards the producer process exits,
 * which joins its feeder thread; if that blocks forever (feeder stuck on a
 * full pipe) or a worker blocks forever in get(), spin reports an invalid
 * end state (= a hang).
 *
 * Abstractions (see README.md):
 *   - one item = one pipe slot; a pickled message is written/read atomically
 *     (the real pipe is 64 KiB of bytes; poll() can see a partially written
 *     message and recv_bytes() then blocks until the rest arrives -- that
 *     only delays a reader that holds _rlock, it cannot lose or duplicate);
 *   - _sem (maxsize = SEM_VALUE_MAX) never blocks put(), so it is omitted;
 *   - _wlock is omitted: only the producer's single feeder thread writes;
 *   - pickling/unpickling are local computation and are omitted.
 */

#ifndef W
#define W 1
#endif
#ifndef J
#define J 1
#endif
#ifndef C
#define C 1
#endif

#define EMPTY_POLL  1
#define SENTINEL    2
#define EMPTY_CHECK 3
#ifndef PROTOCOL
#define PROTOCOL SENTINEL
#endif

#define NONE     255   /* the job sentinel None put by the seed's main()   */
#define CLOSE    254   /* queues.py's private _sentinel (line 284), appended
                          by _finalize_close (lines 204-209)                */

/* Queue.__init__ (line 42): self._reader, self._writer = Pipe(...) --
 * an OS pipe of bounded capacity.  Shared by all processes.              */
chan pipe = [C] of { byte };

/* Queue._reset (line 76): self._buffer = collections.deque() -- private to
 * the producer process; unbounded in CPython, J+W+1 slots suffice here.   */
chan buffer = [J + W + 1] of { byte };

/* self._rlock = ctx.Lock() (line 43): 0 = free, else holder's _pid + 1.  */
byte rlock = 0;

bool feeder_started = false;   /* self._thread is not None (line 93)      */
bool feeder_done = false;      /* feeder thread returned                  */
byte finished = 0;             /* workers that have exited               */
byte received[J];              /* times job j was received by any worker  */

/* ---------------------------------------------------------------------
 * Feeder thread: Queue._feed (lines 211-272).
 * --------------------------------------------------------------------- */
proctype Feeder()
{
    byte obj;
    do
    :: buffer?obj ->              /* 228-233 wait on _notempty while the
                                     buffer is empty; 236 bpopleft()       */
       if
       :: obj == CLOSE -> break   /* 237-241 got _sentinel: close, return */
       :: else -> pipe!obj        /* 243-252 send_bytes(obj) under _wlock:
                                     BLOCKS while the pipe is full         */
       fi
    od;
    feeder_done = true
}

/* Queue.put (lines 86-96): append to the buffer and notify; the first put
 * starts the feeder thread (lines 93-94, _start_thread 161-192).
 * Non-blocking for the caller.                                           */
inline put(x)
{
    atomic {
        if
        :: !feeder_started -> feeder_started = true; run Feeder()
        :: else -> skip
        fi;
        buffer!x
    }
}

/* Queue.get() blocking, no timeout (lines 101-104).                      */
inline get(x)
{
    atomic { rlock == 0 -> rlock = _pid + 1 };  /* 102 with self._rlock:   */
    pipe?x;                                     /* 103 _recv_bytes(): blocks
                                                   until data arrives      */
    rlock = 0                                   /* 102 leave with-block    */
}

/* Queue.get(block=False) (lines 105-120).  ok = false means queue.Empty.  */
inline get_nowait(x, ok)
{
    atomic {
        if
        :: rlock == 0 -> rlock = _pid + 1; ok = true  /* 108 acquire(False) */
        :: else -> ok = false                 /* 108-109 (b) lock held by
                                                 another reader -> Empty   */
        fi
    };
    if
    :: ok ->
       if
       :: len(pipe) > 0 -> pipe?x              /* 115 poll() true; 117 recv */
       :: len(pipe) == 0 -> ok = false         /* 115-116 (a) poll() false:
                                                  nothing readable -> Empty */
       fi;
       rlock = 0                               /* 119-120 finally: release  */
    :: else -> skip
    fi
}

/* ---------------------------------------------------------------------
 * Workers (child processes).  They never put(), so they never start a
 * feeder thread and their exit never blocks on _finalize_join.
 * --------------------------------------------------------------------- */
proctype Worker(byte id)
{
    byte x;
    bool ok;
#if PROTOCOL == EMPTY_POLL
    /* seed's worker_bad: loop jobs.get(block=False) until queue.Empty */
    do
    :: get_nowait(x, ok);
       if
       :: ok -> received[x]++
       :: else -> break
       fi
    od;
#elif PROTOCOL == SENTINEL
    /* seed's worker_good: loop jobs.get() until it returns None */
    do
    :: get(x);
       if
       :: x == NONE -> break
       :: else -> received[x]++
       fi
    od;
#elif PROTOCOL == EMPTY_CHECK
    /* while not q.empty(): q.get()   -- empty() is `not self._poll()`
       (line 128-129): it looks at the pipe only, without _rlock */
    do
    :: len(pipe) == 0 -> break
    :: len(pipe) > 0 -> get(x); received[x]++
    od;
#else
    assert(false)   /* unknown PROTOCOL */
#endif
    finished++      /* process exits */
}

/* ---------------------------------------------------------------------
 * Producer: the seed's main() for one trial, then process exit.
 * --------------------------------------------------------------------- */
init
{
    byte i;
    bool seed_empty;

    /* for i in range(items): jobs.put('x' * size) */
    for (i : 0 .. J - 1) {
        put(i)
    }
    /* for each worker: (good test) jobs.put(None); Process(...).start() */
    for (i : 0 .. W - 1) {
#if PROTOCOL == SENTINEL
        put(NONE);
#endif
        run Worker(i)
    }
    /* for worker in workers: worker.join() */
    finished == W;

    /* the seed's own criterion: return jobs.empty()  (line 128-129) --
       recorded only; it looks at the pipe, not the buffer */
    seed_empty = (len(pipe) == 0);

#ifndef CHECK_SEED_CRITERION
    /* the property: every job was received exactly once */
    for (i : 0 .. J - 1) {
        assert(received[i] == 1)
    }
#else
    /* optional (-DCHECK_SEED_CRITERION): is the seed's criterion sound,
       i.e. does "jobs.empty() after join" imply no job was lost? */
    bool all_once = true;
    for (i : 0 .. J - 1) {
        if
        :: received[i] != 1 -> all_once = false
        :: else -> skip
        fi
    }
    assert(!seed_empty || all_once)
#endif

    /* Process exit (multiprocessing/util.py _exit_function, lines 320-360):
       finalizers with exitpriority >= 0 first -> _finalize_close
       (exitpriority 10, lines 187-192, 204-209) appends _sentinel ... */
    buffer!CLOSE;
    /* ... then _finalize_join (exitpriority -5, lines 180-185, 194-202)
       joins the feeder thread: blocks forever if the feeder is stuck on a
       full pipe (invalid end state). */
    feeder_done
}
