using System.Data.Common;
using System.Diagnostics;

namespace CdsService.Storage;

/// <summary>
/// Group commit for SQLite's single writer: writes are queued, and whoever finds no batch running starts one that
/// takes everything queued (up to <see cref="MaxBatch"/>), runs each write under its own savepoint, and commits once,
/// so N concurrent writers share one fsync. A write that fails is rolled back to its savepoint and fails alone; a
/// commit that fails fails every write in it. A caller learns its write succeeded only after the commit is durable.
/// </summary>
/// <remarks>
/// <para>
/// Writes a caller waits on (a determination, feedback, a form session) and background writes (the audit trail's
/// batches, the purge) queue apart and go in separate groups, alternating while both wait. A caller then never waits
/// for background work that was queued with it, and at most for one background group already running; the audit
/// trail, for its part, is never starved by a steady stream of callers.
/// </para>
/// <para>
/// One connection serves every group, so its pragmas are paid once, not once per group or per burst; it is thrown
/// away after a failed group, whose connection state nobody can vouch for, and the next group opens another. No loop
/// outlives its queue: the caller that finds the writer idle commits the next group itself (so a lone durable write
/// costs no thread hand-off), and what queued behind it goes on on the thread pool only while writes are waiting, so
/// an audit drain at shutdown, after the container has disposed the store, still gets committed.
/// </para>
/// </remarks>
internal sealed class SqliteGroupCommit(Func<CancellationToken, ValueTask<DbConnection>> open, Action? committed = null)
{
    /// <summary>Bounds one transaction: a burst is committed in several groups rather than one long one.</summary>
    public const int MaxBatch = 64;

    private const string Savepoint = "one_write";

    private readonly Lock _sync = new();
    private readonly Queue<Pending> _waited = new();
    private readonly Queue<Pending> _background = new();
    private bool _running;
    private bool _lastWasBackground;
    private bool _closed;

    // Only the one running drain touches it (_running guards that), so it needs no lock of its own.
    private DbConnection? _connection;

    /// <param name="write">The write, run inside the group's transaction under its own savepoint.</param>
    /// <param name="cancellationToken">Cancels the write while it is still queued.</param>
    /// <param name="background">True when no caller waits on it (the audit trail, the purge): it yields to writes that one does.</param>
    public async Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken, bool background = false)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending<T>(write);

        // Cancelled while queued: never started, so certainly not committed. Once started, the write's own commands
        // see the token; a cancelled command fails that write alone.
        await using var registration = cancellationToken.Register(() => pending.TryCancel(cancellationToken));
        bool start;
        lock (_sync)
        {
            if (_closed)
            {
                throw Closed();
            }

            (background ? _background : _waited).Enqueue(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            // The caller that finds the writer idle commits the next group itself, its own write among it, instead of
            // handing it to a pool thread and waiting to be woken: at low concurrency that was two thread hand-offs (a
            // wake-up and a context switch each) per durable write. Whatever queued meanwhile is handed on to the pool,
            // so no caller runs other callers' groups after its own is done.
            await DrainAsync(pending.Task);
        }

        return await pending.Task;
    }

    /// <summary>
    /// Retires the writer (the warm-up's scratch store, before its file is deleted): waits for the group running, if
    /// any, closes the connection kept between groups, and refuses every later write with
    /// <see cref="StoreUnavailableException"/>, so none can reopen, or recreate, the file.
    /// </summary>
    public async ValueTask CloseAsync()
    {
        var held = false;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (!held && Stopwatch.GetTimestamp() < deadline)
        {
            lock (_sync)
            {
                _closed = true;
                held = !_running;
                _running = true;
            }

            if (!held)
            {
                // A group still running finishes within its commands' timeout; new writes are refused meanwhile.
                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }
        }

        try
        {
            // Past the deadline the running group keeps its connection (only it may touch it): closing never hangs.
            if (held)
            {
                await DropConnectionAsync();
            }
        }
        finally
        {
            // Writes queued before the close fail, as the ones after it do: nothing is left waiting.
            List<Pending> left;
            lock (_sync)
            {
                left = [.. _waited, .. _background];
                _waited.Clear();
                _background.Clear();
            }

            foreach (var write in left)
            {
                write.Fail(Closed());
            }
        }
    }

    private static StoreUnavailableException Closed() =>
        new("The store is closed.", new ObjectDisposedException(nameof(SqliteGroupCommit)));

    /// <param name="handOffAfter">The inline caller's own write: once it is done, the rest of the queue goes to a pool thread.</param>
    private async Task DrainAsync(Task? handOffAfter)
    {
        var finished = false;
        try
        {
            while (true)
            {
                if (handOffAfter is { IsCompleted: true })
                {
                    lock (_sync)
                    {
                        if (_waited.Count == 0 && _background.Count == 0)
                        {
                            // Nothing queued behind it: stop here. The connection is kept for the next group (this
                            // path is the common one; reopening it cost a pool fetch and its pragmas every time).
                            _running = false;
                            finished = true;
                            return;
                        }
                    }

                    // Still running as far as anyone else can tell: the pool thread takes over the drain.
                    _ = Task.Run(() => DrainAsync(handOffAfter: null), CancellationToken.None);
                    finished = true;
                    return;
                }

                var batch = NextBatch();
                if (batch is null)
                {
                    lock (_sync)
                    {
                        if (_waited.Count == 0 && _background.Count == 0)
                        {
                            _running = false;
                            finished = true;
                            return;
                        }
                    }

                    continue;
                }

                await CommitAsync(batch);
            }
        }
        finally
        {
            if (!finished)
            {
                // Only an exception CommitAsync could not hold (out of memory) gets here: leave no writer waiting on a
                // drain that is gone; whoever queues next starts a new one.
                lock (_sync)
                {
                    _running = false;
                }
            }
        }
    }

    /// <summary>The next group: waited-on writes first, alternating with background ones while both queue; null when both are empty.</summary>
    private List<Pending>? NextBatch()
    {
        lock (_sync)
        {
            var fromBackground = _background.Count > 0 && (_waited.Count == 0 || !_lastWasBackground);
            var queue = fromBackground ? _background : _waited;
            if (queue.Count == 0)
            {
                return null;
            }

            _lastWasBackground = fromBackground;
            var batch = new List<Pending>(Math.Min(queue.Count, MaxBatch));
            while (batch.Count < MaxBatch && queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            return batch;
        }
    }

    private async ValueTask DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
            {
                // Closing a connection that already failed: nothing more to lose.
            }
        }
    }

    /// <summary>Never throws: every outcome reaches the writes' tasks.</summary>
    private async Task CommitAsync(List<Pending> batch)
    {
        var done = new List<Pending>(batch.Count);
        try
        {
            var connection = _connection ??= await open(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            foreach (var write in batch)
            {
                if (!write.TryStart())
                {
                    continue;
                }

                // A group of one needs no savepoint: the transaction is the write, and its rollback undoes it alone.
                var alone = batch.Count == 1;
                if (!alone)
                {
                    await transaction.SaveAsync(Savepoint, CancellationToken.None);
                }

                try
                {
                    await write.RunAsync(connection, transaction);
                    if (!alone)
                    {
                        await transaction.ReleaseAsync(Savepoint, CancellationToken.None);
                    }

                    done.Add(write);
                }
                catch (Exception e)
                {
                    // Alone, nothing else is at stake: the transaction is rolled back as it is disposed.
                    write.Fail(e);
                    if (!alone && !await UndoAsync(transaction))
                    {
                        // Some errors (I/O, disk full, busy mid-statement) end the whole transaction: nothing in this
                        // batch commits, and every write fails with the error that ended it, which callers map to 503.
                        throw new AbortedBatchException(e);
                    }
                }
            }

            if (done.Count > 0)
            {
                await transaction.CommitAsync(CancellationToken.None);
                committed?.Invoke();
            }

            foreach (var write in done)
            {
                write.Complete();
            }
        }
        catch (Exception e)
        {
            await DropConnectionAsync();
            var cause = e is AbortedBatchException aborted ? aborted.InnerException! : e;
            foreach (var write in batch)
            {
                write.Fail(cause);
            }
        }
    }

    /// <summary>Rolls back to the failed write's savepoint; false when the transaction itself is gone.</summary>
    private static async Task<bool> UndoAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(Savepoint, CancellationToken.None);
            await transaction.ReleaseAsync(Savepoint, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            return false;
        }
    }

    private sealed class AbortedBatchException(Exception cause) : Exception("The batch's transaction ended with a write's error.", cause);

    private abstract class Pending
    {
        private const int Queued = 0, Started = 1, Cancelled = 2;
        private int _state;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        public void TryCancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                Cancel(token);
            }
        }

        public abstract Task RunAsync(DbConnection connection, DbTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception e);

        protected abstract void Cancel(CancellationToken token);
    }

    private sealed class Pending<T>(Func<DbConnection, DbTransaction, Task<T>> write) : Pending
    {
        // Continuations run elsewhere: the caller's code must never run inside the batch that holds the writer.
        private readonly TaskCompletionSource<T> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _outcome.Task;

        public override async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await write(connection, transaction);

        public override void Complete() => _outcome.TrySetResult(_result!);

        public override void Fail(Exception e) => _outcome.TrySetException(e);

        protected override void Cancel(CancellationToken token) => _outcome.TrySetCanceled(token);
    }
}
