using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CdsService.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode (readers never wait for the writer), synchronous FULL so that a
/// committed write survives a power cut. Only one service process may use a file; replicas need PostgreSQL.
/// SQLite has one writer per file, so this process's writes take turns at an in-process gate: concurrent transactions
/// would otherwise collide on the file lock and sleep in the busy handler (37 % of an 8-connection order-sign trace).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The write gate is never disposed on purpose: see the field.")]
internal sealed class SqliteStateStore : SqlStateStore
{
    private readonly string _connectionString;

    // Never disposed: it is only waited on and released (no wait handle is ever created), and a write still in flight
    // while the container disposes the store must be able to finish (the audit drain runs past disposal).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

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
    }

    public string Path { get; }

    protected override string BinaryType => "BLOB";

    protected override async Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await base.TransactAsync(write, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

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
