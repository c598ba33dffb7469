using CdsService.Hosting;
using CdsService.IntegrationTests.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CdsService.IntegrationTests.Security;

/// <summary>/health/ready turns Healthy only once the FHIR model is warm (the running app's own check says Healthy).</summary>
public sealed class ReadinessTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    [Fact]
    public async Task Not_ready_until_the_FHIR_model_is_warmed_up()
    {
        var warmUp = new WarmUpStatus();
        var check = new ReadinessCheck(warmUp, fixture.App.Services.GetRequiredService<IStartupValidator>());

        var before = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
        warmUp.MarkWarm();
        var after = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        // Degraded, not Unhealthy: warming up is expected and must not log an Error at each probe (503 all the same).
        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task Invalid_configuration_is_unhealthy()
    {
        var warmUp = new WarmUpStatus();
        warmUp.MarkWarm();
        var check = new ReadinessCheck(warmUp, new FailingValidator());

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private sealed class FailingValidator : IStartupValidator
    {
        public void Validate() => throw new OptionsValidationException("Fhir", typeof(object), ["invalid"]);
    }
}
