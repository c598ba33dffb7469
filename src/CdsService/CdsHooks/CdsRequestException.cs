namespace CdsService.CdsHooks;

/// <summary>
/// A request the service will not evaluate, with the HTTP status the spec asks for and a message that names
/// exactly what is wrong. Mapped to ProblemDetails in one place (<see cref="Hosting.ProblemDetailsExceptionHandler"/>).
/// </summary>
internal sealed class CdsRequestException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public static CdsRequestException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid CDS Hooks request", detail);
}

/// <summary>The data the service needs is neither in the prefetch nor obtainable from the FHIR server (CDS Hooks §Prefetch: 412).</summary>
internal sealed class PrefetchUnavailableException(IReadOnlyList<string> missingKeys, string reason)
    : Exception($"Required prefetch data is missing and cannot be fetched: {string.Join(", ", missingKeys)}. {reason}")
{
    public IReadOnlyList<string> MissingKeys { get; } = missingKeys;
}
