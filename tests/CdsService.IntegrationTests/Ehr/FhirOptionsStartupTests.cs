using CdsService.IntegrationTests.Fixtures;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>A <c>Fhir</c> section that cannot work stops the service at start-up, not on the first order.</summary>
public sealed class FhirOptionsStartupTests
{
    [Theory]
    [InlineData("Fhir:AllowedServers:0", "ehr.example.org/fhir")]
    [InlineData("Fhir:PerCallTimeout", "00:00:05")]
    public void The_service_does_not_start_with_an_unusable_setting(string key, string value)
    {
        using var app = new CdsApp().With(key, value);

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(key.Split(':')[0] + ":" + key.Split(':')[1], failure.Message, StringComparison.Ordinal);
    }
}
