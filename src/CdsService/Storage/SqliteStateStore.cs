using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CdsService.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode (readers never wait for the writer), synchronous FULL so that a
/// committed write survives a power cut. Only one service process may use a file; replicas need PostgreSQL.
/// SQLite has one writer per file, so this process's writes are queued and committed in groups (<see cref="SqliteGroupCommit"/>):
/// concurrent transactions would otherwise collide on the file lock and sleep in the busy handler (37 % of an
/// 8-connection order-sign trace), and one at a time each pays its own fsync (half the throughput on the 14 KB order-sign).
/// </summary>
internal sealed class SqliteStateStore : SqlStateStore
{
    private readonly string _connectionString;
    private readonly SqliteGroupCommit _commits;

    public SqliteStateStore(string path, int commandTimeoutSeconds)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = commandTimeoutSeconds,
        }.ToString();
        _commits = new SqliteGroupCommit(OpenConnectionAsync);
    }

    public string Path { get; }

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
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
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
