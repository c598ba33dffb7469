using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CdsService.IntegrationTests.State;

/// <summary>
/// The real PostgreSQL and Redis that <c>.ci/run</c> starts (<c>.ci/servers.sh</c>) and names in environment variables.
/// Without them the tests that need them are skipped, saying which variable is missing.
/// </summary>
internal static class TestServers
{
    public const string PostgresVariable = "CDS_TEST_POSTGRES";
    public const string RedisVariable = "CDS_TEST_REDIS";

    public static string? Postgres => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static string? Redis => Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } value ? value : null;

    public static string? SkipReason(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 }
            ? null
            : $"{variable} is not set: no test server (run the suite through .ci/run, or source .ci/servers.sh and call start_test_servers)";

    /// <summary>A fresh, empty PostgreSQL database on the test server, so tests never see each other's rows.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync()
    {
        var name = $"cds_test_{Guid.NewGuid():N}";
        await using var admin = new Npgsql.NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", admin);
        await create.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;
    }
}

/// <summary>A fact that needs the server named by an environment variable; skipped, with the reason, without it.</summary>
public sealed class ServerFactAttribute : FactAttribute
{
    public ServerFactAttribute(params string[] variables)
    {
        Skip = variables.Select(TestServers.SkipReason).FirstOrDefault(r => r is not null);
    }
}

/// <summary>Put on a test class whose facts (<see cref="StoreFactAttribute"/>, possibly inherited) need a server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresServerAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

/// <summary>
/// A fact of a store test suite written once in an abstract class and run against every engine: skipped in the
/// concrete classes marked <see cref="RequiresServerAttribute"/> whose server is missing.
/// </summary>
[XunitTestCaseDiscoverer("CdsService.IntegrationTests.State.StoreFactDiscoverer", "CdsService.IntegrationTests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var skip = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresServerAttribute))
            .Select(a => TestServers.SkipReason((string)a.GetConstructorArguments().First()))
            .FirstOrDefault(r => r is not null);
        yield return skip is null
            ? new XunitTestCase(diagnostics, display, displayOptions, testMethod)
            : new XunitSkippedDataRowTestCase(diagnostics, display, displayOptions, testMethod, skip);
    }
}
