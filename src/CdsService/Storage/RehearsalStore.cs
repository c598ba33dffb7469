namespace CdsService.Storage;

/// <summary>
/// A scratch SQLite store that the warm-up's rehearsal calls write to while its tier-up phase runs, so that they run the
/// whole path a client's call runs (form sessions, on-the-spot determinations and their durable commit, the audit
/// record) without a byte of it reaching the real store. It lives in a directory of its own under the temporary
/// directory, readable by this user only, and is deleted when the phase ends.
/// </summary>
/// <remarks>
/// Without it, rehearsals stopped before the first write: the store's code, Microsoft.Data.Sqlite's and the audit
/// record's (about 400 methods) were first compiled under a client's load, after readiness. On one CPU each new method
/// restarts the runtime's 1 s tiering delay, so for the first seconds of real traffic both that code and the code
/// waiting to be re-optimised ran unoptimised (measured: 0.77-0.83 of steady throughput 10 s after ready, against
/// 0.90-0.95 with it). What it holds is fictional (the embedded warm-up requests), but encrypted and keyed with this
/// instance's real Data Protection keys and patient-key secret, so it is kept from other users and not left behind.
/// </remarks>
internal sealed partial class RehearsalStore(ILogger<RehearsalStore> logger) : IAsyncDisposable
{
    private const string DirectoryPrefix = "cds-rehearsal-";

    // SQLite's default (about 4 MB of WAL), not the real store's 40 MB: the scratch store may sit on a tmpfs (memory).
    private const int ScratchCheckpointPages = 1_000;

    private static readonly TimeSpan InUseWait = TimeSpan.FromSeconds(5);

    // A process killed during its warm-up leaves its directory behind; a warm-up lasts minutes at most.
    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    private readonly Lock _sync = new();
    private SqliteStateStore? _store;
    private string? _directory;
    private bool _begun;
    private int _users;
    private TaskCompletionSource? _released;
    private Task? _ending;

    /// <summary>
    /// Opens the scratch store, once per process; rehearsals then write to it. False, logged, when it cannot be
    /// created: rehearsals then stop before their first write.
    /// </summary>
    public async Task<bool> BeginAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_begun)
            {
                return false;
            }

            _begun = true;
        }

        DeleteAbandoned();
        SqliteStateStore? store = null;
        string? directory = null;
        try
        {
            // Created with mode 0700 on Unix: no other user can read the files or plant a link for SQLite to follow.
            directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
            store = new SqliteStateStore(Path.Combine(directory, "state.db"), commandTimeoutSeconds: 5, ScratchCheckpointPages);
            await store.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An optimisation only: whatever went wrong (no writable temporary directory, a full disk, the warm-up's
            // budget running out), rehearsals go on without state.
            LogUnavailable(logger, e.GetType().Name);
            await CloseAsync(store, directory);
            return false;
        }

        lock (_sync)
        {
            if (_ending is null)
            {
                _store = store;
                _directory = directory;
                return true;
            }
        }

        // Ended while it opened (the host stopping).
        await CloseAsync(store, directory);
        return false;
    }

    /// <summary>The scratch store for one rehearsal, held until the lease is disposed; null when none is open.</summary>
    public Lease? Enter()
    {
        lock (_sync)
        {
            if (_store is null || _ending is not null)
            {
                return null;
            }

            _users++;
            return new Lease(this, _store);
        }
    }

    /// <summary>
    /// Closes the scratch store and deletes its directory, once the rehearsals still holding it are done (at most
    /// <see cref="InUseWait"/>; the warm-up's own calls have all returned by then). Every caller awaits the same end.
    /// </summary>
    public Task EndAsync()
    {
        lock (_sync)
        {
            _begun = true;
            if (_ending is null)
            {
                var inUse = _users == 0 ? Task.CompletedTask : (_released = new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                var (store, directory) = (_store, _directory);
                _ending = Task.Run(() => EndAfterAsync(inUse, store, directory));
                _store = null;
                _directory = null;
            }

            return _ending;
        }
    }

    public async ValueTask DisposeAsync() => await EndAsync();

    private static async Task EndAfterAsync(Task inUse, SqliteStateStore? store, string? directory)
    {
        await inUse.WaitAsync(InUseWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // A rehearsal still writing past the wait gets StoreUnavailableException, which it tolerates.
        await CloseAsync(store, directory);
    }

    private void Release()
    {
        lock (_sync)
        {
            if (--_users == 0)
            {
                _released?.TrySetResult();
            }
        }
    }

    private static async Task CloseAsync(SqliteStateStore? store, string? directory)
    {
        try
        {
            if (store is not null)
            {
                await store.CloseAsync();
            }
        }
        finally
        {
            if (directory is not null)
            {
                DeleteDirectory(directory);
            }
        }
    }

    private static void DeleteAbandoned()
    {
        try
        {
            foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) > Abandoned)
                {
                    DeleteDirectory(directory);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's, or a temporary directory that cannot be listed: not ours to clean.
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's clean-up (DeleteAbandoned).
        }
    }

    [LoggerMessage(LogLevel.Information, "Rehearsals run without state: no scratch store in the temporary directory ({Failure})")]
    private static partial void LogUnavailable(ILogger logger, string failure);

    /// <summary>One rehearsal's use of the scratch store.</summary>
    internal sealed class Lease(RehearsalStore owner, IStateStore store) : IDisposable
    {
        private int _disposed;

        public IStateStore Store { get; } = store;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
