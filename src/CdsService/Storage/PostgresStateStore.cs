using System.Data.Common;
using Npgsql;

namespace CdsService.Storage;

/// <summary>
/// PostgreSQL, for replicas behind a load balancer: every replica reads and writes the same tables. Migrations hold a
/// transaction-scoped advisory lock, so replicas that start at once upgrade the schema one after the other.
/// </summary>
internal sealed class PostgresStateStore(NpgsqlDataSource dataSource) : SqlStateStore, IAsyncDisposable
{
    /// <summary>An arbitrary constant naming this service's migration lock ("CDS7").</summary>
    private const long MigrationLockKey = 0x43445337;

    protected override string BinaryType => "BYTEA";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
