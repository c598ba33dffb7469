using System.Collections.Concurrent;

namespace CdsService.Hosting;

/// <summary>
/// One logger per static endpoint class, created once. Serilog's logger factory builds a new logger (a
/// <c>ForContext</c> enricher and its caches) on every <c>CreateLogger</c> call, which cost about 3 % of the CPU of a
/// hook call when each request made its own; static classes cannot be the <c>T</c> of <c>ILogger&lt;T&gt;</c>.
/// </summary>
internal sealed class EndpointLoggers(ILoggerFactory factory)
{
    private readonly ConcurrentDictionary<Type, ILogger> _loggers = new();

    /// <summary>The logger whose category is <paramref name="endpoints"/>' full name, as <c>CreateLogger(Type)</c> names it.</summary>
    public ILogger For(Type endpoints) => _loggers.GetOrAdd(endpoints, static (type, f) => f.CreateLogger(type), factory);
}
