using CdsService.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>
/// A <c>Fhir</c> section that cannot work stops the service at start-up, not on the first order: the host runs the
/// start-up validators registered by <see cref="ServiceRegistration.AddPatientRecords"/>, which this test runs directly
/// (WebApplicationFactory reports a host that fails to start inconsistently).
/// </summary>
public sealed class FhirOptionsStartupTests
{
    [Theory]
    [InlineData("Fhir:AllowedServers:0", "ehr.example.org/fhir")]
    [InlineData("Fhir:PerCallTimeout", "00:00:05")]
    public void The_service_does_not_start_with_an_unusable_setting(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddPatientRecords();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        var invalid = Assert.IsType<OptionsValidationException>(failure is AggregateException all ? all.InnerExceptions[0] : failure);
        Assert.Contains(key.Split(':')[0] + ":" + key.Split(':')[1], invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_settings_start()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging();
        services.AddPatientRecords();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}
