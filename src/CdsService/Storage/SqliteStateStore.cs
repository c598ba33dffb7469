using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CdsService.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode (readers never wait for the writer), synchronous FULL so that a
/// committed write survives a power cut. Only one service process may use a file; replicas need PostgreSQL.
/// SQLite has one writer per file, so this process's writes are queued and committed in groups (<see cref="SqliteGroupCommit"/>):
/// concurrent transactions would otherwise collide on the file lock and sleep in the busy handler (37 % of an
/// 8-connection order-sign trace), and one at a time each pays its own fsync (half the throughput on the 14 KB order-sign).
/// The writer does not checkpoint the WAL itself (<see cref="SqliteCheckpointer"/> does, beside it), except as a
/// safety net once the WAL holds <see cref="WriterCheckpointPages"/> pages.
/// </summary>
internal sealed class SqliteStateStore : SqlStateStore
{
    private readonly string _connectionString;
    private readonly SqliteGroupCommit _commits;

    /// <summary>
    /// SQLite's default (1,000 pages) makes the commit that crosses it copy the whole WAL into the database and fsync
    /// it, while every caller queued behind that group waits: under load that was every few dozen hook calls, and much
    /// of the determination write's tail. The checkpointer copies the WAL beside the writer; but a WAL that is written
    /// to without pause is never entirely copied when the next write starts, so SQLite cannot start it over, and it
    /// grows to this size. Then the writer's own checkpoint finds almost everything copied already, and the WAL starts
    /// over from its beginning (about 40 MB of disk, reused, never more). It is also the bound if the checkpointer fails.
    /// </summary>
    public const int WriterCheckpointPages = 10_000;

    private readonly int _writerCheckpointPages;
    private long _committedGroups;
    private SqliteConnection? _checkpointConnection;

    /// <param name="path">The database file.</param>
    /// <param name="commandTimeoutSeconds">Each command's timeout.</param>
    /// <param name="writerCheckpointPages">The WAL's size, in pages, at which the writer checkpoints (see <see cref="WriterCheckpointPages"/>).</param>
    public SqliteStateStore(string path, int commandTimeoutSeconds, int writerCheckpointPages = WriterCheckpointPages)
    {
        Path = path;
        _writerCheckpointPages = writerCheckpointPages;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        _commits = new SqliteGroupCommit(OpenConnectionAsync, () => Interlocked.Increment(ref _committedGroups));
    }

    /// <summary>Transactions committed so far; the checkpointer skips a round when nothing was written since the last.</summary>
    public long CommittedGroups => Interlocked.Read(ref _committedGroups);

    /// <summary>
    /// Copies what the WAL holds into the database without waiting for the writer or any reader (a passive
    /// checkpoint), so that the writer's own checkpoint (<see cref="WriterCheckpointPages"/>) finds little left to
    /// copy. Called by one thread at a time (<see cref="SqliteCheckpointer"/>), on its own connection.
    /// </summary>
    /// <returns>Pages in the WAL, and how many of them are now in the database.</returns>
    public (int WalPages, int Checkpointed) Checkpoint()
    {
        try
        {
            _checkpointConnection ??= OpenCheckpointConnection();
            using var command = _checkpointConnection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var result = command.ExecuteReader();
            result.Read();
            return (result.GetInt32(1), result.GetInt32(2));
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
        {
            // A broken connection is not reused; the next round opens another.
            CloseCheckpointConnection();
            throw;
        }
    }

    /// <summary>Closes the checkpoint connection (the checkpointer, as it stops); the next <see cref="Checkpoint"/> opens another.</summary>
    public void CloseCheckpointConnection()
    {
        _checkpointConnection?.Dispose();
        _checkpointConnection = null;
    }

    private SqliteConnection OpenCheckpointConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public string Path { get; }

    /// <summary>Closes every connection this store holds open (the warm-up's scratch store, before its file is deleted).</summary>
    public async ValueTask CloseAsync()
    {
        CloseCheckpointConnection();
        await _commits.CloseAsync();
        using var pooled = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(pooled);
    }

    protected override string BinaryType => "BLOB";

    protected override Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, bool background, CancellationToken cancellationToken) =>
        _commits.RunAsync(write, cancellationToken, background);

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();

            // temp_store = MEMORY: a group's savepoint journal (an image of each page a write changes, kept to undo that
            // write alone) stays in memory; by default it spilled to a temporary file past 64 KB, 12 KB of file writes
            // per order-sign under load. A group is at most MaxBatch writes, so this is bounded.
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = " + _writerCheckpointPages.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
