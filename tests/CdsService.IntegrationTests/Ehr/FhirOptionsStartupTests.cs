using CdsService.IntegrationTests.Fixtures;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>A <c>Fhir</c> section that cannot work stops the service at start-up, not on the first order.</summary>
public sealed class FhirOptionsStartupTests
{
    [Theory]
    [InlineData("Fhir:AllowedServers:0", "ehr.example.org/fhir")]
    [InlineData("Fhir:PerCallTimeout", "00:00:05")]
    public void The_service_does_not_start_with_an_unusable_setting(string key, string value)
    {
        var failures = StartupCheck.Failures("Development", new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(failures);
        Assert.Contains(failures, f => f.Message.Contains(key.Split(':')[0] + ":" + key.Split(':')[1], StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_settings_start()
    {
        Assert.Null(StartupCheck.Failures("Development", new Dictionary<string, string?>()));
    }
}
