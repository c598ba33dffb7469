using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CdsService.Storage;

/// <summary>
/// The one writer of a SQLite file. SQLite lets one transaction write at a time; when every caller opened its own,
/// they collided and Microsoft.Data.Sqlite answered each busy database by sleeping on the calling thread (a trace of
/// eight concurrent order-signs spent 37 % of its time in that sleep, and p99 reached 460 ms). Here one loop takes
/// every write waiting, runs each inside its own SAVEPOINT of one transaction, and commits once: one fsync for the
/// batch under <c>synchronous = FULL</c>. A caller's task completes only after that commit, so a write that returned
/// is durable. A write that throws is rolled back to its savepoint alone; a failed commit fails the whole batch.
/// </summary>
internal sealed class SqliteGroupCommit : IAsyncDisposable
{
    // A batch is one transaction; bounding it bounds how long a commit holds the file and how much one failure undoes.
    private const int MaxBatch = 256;

    private readonly Func<CancellationToken, ValueTask<DbConnection>> _open;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public SqliteGroupCommit(Func<CancellationToken, ValueTask<DbConnection>> open)
    {
        _open = open;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Runs <paramref name="write"/> in the next batch and completes when the batch is committed.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        T result = default!;
        var pending = new PendingWrite(async (connection, transaction) => result = await write(connection, transaction), cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new StoreUnavailableException("The state store is shutting down; nothing was committed.", new ObjectDisposedException(nameof(SqliteGroupCommit)));
        }

        // The caller may stop waiting (its deadline, a hang-up); the write then still runs or is skipped, never half-done.
        await pending.Done.Task.WaitAsync(cancellationToken);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        DbConnection? connection = null;
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                if (next.CancellationToken.IsCancellationRequested)
                {
                    next.Done.TrySetCanceled(next.CancellationToken);
                }
                else
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                connection ??= await _open(CancellationToken.None);
                await CommitAsync((SqliteConnection)connection, batch);
            }
            catch (Exception e)
            {
                // The connection may be in any state after a failed commit: the next batch starts on a fresh one.
                // Nothing here may end the loop, or every later write would wait for ever.
                foreach (var write in batch)
                {
                    write.Done.TrySetException(e);
                }

                connection = await CloseQuietlyAsync(connection);
            }

            batch.Clear();
        }

        await CloseQuietlyAsync(connection);
    }

    private static async Task<DbConnection?> CloseQuietlyAsync(DbConnection? connection)
    {
        try
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            // Already broken; a new connection replaces it.
        }

        return null;
    }

    private static async Task CommitAsync(SqliteConnection connection, List<PendingWrite> batch)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        var succeeded = new List<PendingWrite>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            var savepoint = $"w{i}";
            transaction.Save(savepoint);
            try
            {
                await write.Run(connection, transaction);
                transaction.Release(savepoint);
                succeeded.Add(write);
            }
            catch (Exception e) when (e is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_CONSTRAINT } or OperationCanceledException or InvalidOperationException)
            {
                // This write's own failure (a conflict, its caller gone): undo it alone and keep the batch.
                transaction.Rollback(savepoint);
                transaction.Release(savepoint);
                write.Done.TrySetException(e);
            }
        }

        transaction.Commit();
        foreach (var write in succeeded)
        {
            write.Done.TrySetResult();
        }
    }

    private sealed class PendingWrite(Func<DbConnection, DbTransaction, Task> run, CancellationToken cancellationToken)
    {
        public Func<DbConnection, DbTransaction, Task> Run { get; } = run;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
