using System.ComponentModel.DataAnnotations;

namespace CdsService.Storage;

/// <summary>Configuration section <c>Storage</c>: where feedback, the audit trail, determinations and form sessions live.</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>Sqlite</c> (embedded, the default) or <c>Postgres</c> (shared by replicas; needs <c>ConnectionStrings:Postgres</c>).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>
    /// How long hook calls, feedback and determinations are kept; older records are purged in the background. The
    /// default, six years, is the HIPAA documentation retention period, long enough for any claim dispute.
    /// </summary>
    [Range(1, 36500)]
    public int RetentionDays { get; set; } = 2190;

    /// <summary>How often the purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

internal enum StorageProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Storage:Sqlite</c>.</summary>
internal sealed class SqliteStorageOptions
{
    /// <summary>The database file; a relative path is taken from the content root. Its folder is created if missing.</summary>
    public string Path { get; set; } = "App_Data/cds-state.db";

    /// <summary>How long a statement waits for a lock held by another connection before the store counts as unavailable.</summary>
    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How often the WAL is checkpointed in the background when something was written (more than 0, at most 1 min).
    /// Each round that finds work copies what was committed since the last one and costs one fsync of the database
    /// file, off every caller's path.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
