namespace CdsService.Storage;

/// <summary>
/// Creates or upgrades the schema before the service takes traffic. A store that cannot be reached at start stops
/// the start: an orchestrator restarts the replica, rather than it answering without a place to keep what it says.
/// </summary>
internal sealed partial class StoreMigration(IStateStore store, ILogger<StoreMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        LogReady(logger, store.GetType().Name, SqlStateStore.SchemaVersion);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "State store {Store} ready at schema version {Version}")]
    private static partial void LogReady(ILogger logger, string store, int version);
}
