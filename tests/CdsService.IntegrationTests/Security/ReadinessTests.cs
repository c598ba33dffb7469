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

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }
}
