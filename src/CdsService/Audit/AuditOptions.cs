using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CdsService.Audit;

/// <summary>Configuration section <c>Audit</c>: the hook-call audit trail.</summary>
internal sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// The secret under which patients are pseudonymised (HMAC-SHA256 of fhirServer and patient id). At least 32
    /// characters; required outside Development. Changing it breaks the link between older and newer records of a
    /// patient, so keep it with the service's other secrets.
    /// </summary>
    public string? PatientKeySecret { get; set; }

    /// <summary>How many hook-call records may wait for the store; beyond that new ones are dropped and counted.</summary>
    [Range(100, 10_000_000)]
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>How many queued records are written in one transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How long the writer waits for more records after the first of a batch arrives (0: write at once). Records
    /// are written behind the answer, so this costs no hook latency; it turns many small transactions (each an fsync
    /// and a dozen pages) into few large ones. Feedback on a card waits for its record at most this much longer.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest wait between two attempts while the store is unavailable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown waits for the queue to drain into the store.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);
}

internal sealed class AuditOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuditOptions>
{
    public const int MinimumSecretLength = 32;

    /// <summary>Feedback waits up to 5 s for a card's record; a linger near that would turn feedback into 503s.</summary>
    public static readonly TimeSpan MaxBatchLinger = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        if (options.BatchLinger < TimeSpan.Zero || options.BatchLinger > MaxBatchLinger)
        {
            return ValidateOptionsResult.Fail($"Audit:BatchLinger must be between 00:00:00 and {MaxBatchLinger:c}.");
        }

        if (string.IsNullOrEmpty(options.PatientKeySecret))
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Audit:PatientKeySecret is not set: the audit trail needs a secret of at least {MinimumSecretLength} characters to pseudonymise patients (e.g. Audit__PatientKeySecret=$(openssl rand -base64 48)).");
        }

        return options.PatientKeySecret.Length < MinimumSecretLength
            ? ValidateOptionsResult.Fail($"Audit:PatientKeySecret is shorter than {MinimumSecretLength} characters.")
            : ValidateOptionsResult.Success;
    }
}
