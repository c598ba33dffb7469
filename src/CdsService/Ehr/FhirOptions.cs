namespace CdsService.Ehr;

/// <summary>
/// Configuration section <c>Fhir</c>: which EHR FHIR servers may be queried for data the prefetch lacks, and how
/// long the service may wait for them. Checked at start-up by <see cref="FhirOptionsValidator"/>.
/// </summary>
internal sealed class FhirOptions
{
    public const string SectionName = "Fhir";

    /// <summary>
    /// Base-URL prefixes of the FHIR servers this service may contact (<c>scheme://host[:port|:*][/path]</c>).
    /// <c>fhirServer</c> comes from the caller, so anything else is never contacted. Empty means none.
    /// </summary>
    public List<string> AllowedServers { get; set; } = [];

    /// <summary>The most time one hook call may spend reading the FHIR server; what has not arrived by then is unavailable.</summary>
    public TimeSpan HookDeadline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most time one HTTP attempt may take.</summary>
    public TimeSpan PerCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a GET that failed with a 5xx or a connection error (0 disables retrying).</summary>
    public int MaxRetries { get; set; } = 1;

    /// <summary>Base delay before a retry (exponential, with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pages read per search, the first included; a search with more is treated as incompletely read.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>The largest response body accepted from the FHIR server, in bytes.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most bytes one hook call may read from the FHIR server, all sections and pages together; what does not fit
    /// is unavailable (a partial record). Bounds memory per hook, where <see cref="MaxResponseBytes"/> alone multiplies
    /// by sections and pages.
    /// </summary>
    public long MaxBytesPerHook { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// FHIR-server reads in flight at once, across all hook calls (each read holds its slot until its body is read).
    /// Further reads wait for a slot until their hook deadline; none is refused for being one too many.
    /// </summary>
    public int MaxConcurrentReads { get; set; } = 64;

    /// <summary>Failure ratio within the sampling window that opens one server's circuit.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.1;

    /// <summary>Calls to one server within the sampling window before its circuit may open.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 100;

    /// <summary>How long an open circuit stops calls to that server.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
