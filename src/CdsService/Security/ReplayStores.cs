namespace CdsService.Security;

/// <summary>Redis when <c>ConnectionStrings:Redis</c> is set (replicas), otherwise this process's memory.</summary>
internal static class ReplayStores
{
    public const string RedisConnectionName = "Redis";

    public static IServiceCollection AddReplayStore(this IServiceCollection services)
    {
        services.AddSingleton<IReplayStore>(sp =>
            sp.GetRequiredService<IConfiguration>().GetConnectionString(RedisConnectionName) is { Length: > 0 } redis
                ? new RedisReplayStore(redis, sp.GetRequiredService<ILogger<RedisReplayStore>>())
                : new InMemoryReplayStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReplayCache>();
        return services;
    }
}
