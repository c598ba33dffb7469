using Microsoft.Extensions.Options;

namespace CdsService.Ehr;

/// <summary>
/// Rejects a <c>Fhir</c> section that cannot work, at start-up rather than on the first order: unparsable allowlist
/// entries, and timeouts the resilience pipeline would refuse.
/// </summary>
internal sealed class FhirOptionsValidator : IValidateOptions<FhirOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    public ValidateOptionsResult Validate(string? name, FhirOptions options)
    {
        var errors = new List<string>();
        foreach (var entry in options.AllowedServers)
        {
            if (!AllowedServer.TryParse(entry, out _, out var problem))
            {
                errors.Add($"Fhir:AllowedServers entry '{entry}' {problem}");
            }
        }

        if (options.HookDeadline < MinTimeout || options.HookDeadline > TimeSpan.FromMinutes(1))
        {
            errors.Add("Fhir:HookDeadline must be between 10 ms and 1 minute.");
        }

        if (options.PerCallTimeout < MinTimeout || options.PerCallTimeout >= options.HookDeadline)
        {
            errors.Add("Fhir:PerCallTimeout must be at least 10 ms and shorter than Fhir:HookDeadline.");
        }

        if (options.MaxRetries is < 0 or > 5)
        {
            errors.Add("Fhir:MaxRetries must be between 0 and 5.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > options.HookDeadline)
        {
            errors.Add("Fhir:RetryDelay must be between 0 and Fhir:HookDeadline.");
        }

        if (options.MaxPages is < 1 or > 100)
        {
            errors.Add("Fhir:MaxPages must be between 1 and 100.");
        }

        if (options.MaxResponseBytes is < 1024 or > int.MaxValue)
        {
            errors.Add($"Fhir:MaxResponseBytes must be between 1024 and {int.MaxValue}.");
        }

        if (options.MaxBytesPerHook < options.MaxResponseBytes || options.MaxBytesPerHook > 4L * int.MaxValue)
        {
            errors.Add("Fhir:MaxBytesPerHook must be at least Fhir:MaxResponseBytes and at most 8 GiB.");
        }

        if (options.MaxConcurrentReads is < 1 or > 10_000)
        {
            errors.Add("Fhir:MaxConcurrentReads must be between 1 and 10000.");
        }

        if (options.CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add("Fhir:CircuitBreakerFailureRatio must be greater than 0 and at most 1.");
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            errors.Add("Fhir:CircuitBreakerMinimumThroughput must be at least 2.");
        }

        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500) || options.CircuitBreakerBreakDuration > TimeSpan.FromHours(1))
        {
            errors.Add("Fhir:CircuitBreakerBreakDuration must be between 500 ms and 1 hour.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
