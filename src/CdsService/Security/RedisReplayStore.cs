using StackExchange.Redis;

namespace CdsService.Security;

/// <summary>
/// The replay store shared by replicas: Redis <c>SET key 1 NX PX retention</c>, atomic across every replica. When
/// Redis cannot be reached the token is refused (fail closed): a 401 the client retries with a fresh token is safer
/// than letting a replay through.
/// </summary>
internal sealed partial class RedisReplayStore(string configuration, ILogger<RedisReplayStore> logger) : IReplayStore, IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => Connect(configuration));

    public async Task<bool> TryAddAsync(string key, TimeSpan retention, CancellationToken cancellationToken)
    {
        try
        {
            var redis = await _connection.Value.WaitAsync(cancellationToken);
            return await redis.GetDatabase().StringSetAsync(key, 1, retention, When.NotExists).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.GetType().Name);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }

    private static Task<ConnectionMultiplexer> Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Keep retrying in the background after a failed first connect, instead of failing every later call.
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    [LoggerMessage(LogLevel.Error, "Replay store (Redis) unavailable ({Failure}): refusing the token")]
    private static partial void LogUnavailable(ILogger logger, string failure);
}
