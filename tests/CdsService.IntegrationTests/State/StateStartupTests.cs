using CdsService.IntegrationTests.Fixtures;
using CdsService.IntegrationTests.Security;

namespace CdsService.IntegrationTests.State;

/// <summary>Start-up refuses a state configuration that could not keep its promises.</summary>
public sealed class StateStartupTests
{
    public static TheoryData<string, string?, string> Refused() => new()
    {
        { "Audit:PatientKeySecret", null, "Audit:PatientKeySecret is not set" },
        { "Audit:PatientKeySecret", "too-short", "Audit:PatientKeySecret is shorter than 32 characters" },
        { "Audit:BatchLinger", "00:00:05", "Audit:BatchLinger must be between 00:00:00 and 00:00:01" },
        { "Storage:Provider", "Postgres", "ConnectionStrings:Postgres is not set" },
        { "Storage:RetentionDays", "0", "RetentionDays" },
        { "Storage:Sqlite:CheckpointInterval", "00:00:00", "Storage:Sqlite:CheckpointInterval must be more than 0" },
        { "Storage:Sqlite:CheckpointInterval", "00:05:00", "Storage:Sqlite:CheckpointInterval must be more than 0" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Production_refuses_to_start(string key, string? value, string expected)
    {
        using var clientKey = TestKey.Ec("k1");
        var settings = new Dictionary<string, string?>
        {
            ["Cds:PublicBaseUrl"] = "https://cds.example.org",
            ["CdsClients:0:Issuer"] = "https://ehr.example.org",
            ["CdsClients:0:Jwks"] = TestKey.Jwks(clientKey),
            ["Audit:PatientKeySecret"] = "test-only-patient-key-secret-0123456789abcdef",
        };
        settings[key] = value;

        var failures = StartupCheck.Failures("Production", settings);

        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Development_runs_without_a_configured_secret()
    {
        Assert.Null(StartupCheck.Failures("Development", new Dictionary<string, string?>()));
    }
}
