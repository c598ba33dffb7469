using CdsService.Ehr;

namespace CdsService.Tests.Ehr;

public sealed class FhirOptionsValidatorTests
{
    private readonly FhirOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_valid() =>
        Assert.True(_validator.Validate(null, new FhirOptions()).Succeeded);

    [Fact]
    public void The_development_allowlist_is_valid() =>
        Assert.True(_validator.Validate(null, new FhirOptions { AllowedServers = ["http://127.0.0.1:*", "http://localhost:*"] }).Succeeded);

    [Theory]
    [InlineData("AllowedServers")]
    [InlineData("PerCallTimeout")]
    [InlineData("HookDeadline")]
    [InlineData("MaxRetries")]
    [InlineData("MaxPages")]
    [InlineData("CircuitBreakerMinimumThroughput")]
    public void A_setting_that_cannot_work_fails_start_up_naming_it(string setting)
    {
        var options = setting switch
        {
            "AllowedServers" => new FhirOptions { AllowedServers = ["ehr.example.org/fhir"] },
            "PerCallTimeout" => new FhirOptions { PerCallTimeout = TimeSpan.FromSeconds(5) },
            "HookDeadline" => new FhirOptions { HookDeadline = TimeSpan.Zero },
            "MaxRetries" => new FhirOptions { MaxRetries = -1 },
            "MaxPages" => new FhirOptions { MaxPages = 0 },
            _ => new FhirOptions { CircuitBreakerMinimumThroughput = 1 },
        };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Fhir:{setting}", result.FailureMessage, StringComparison.Ordinal);
    }
}
