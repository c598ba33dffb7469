using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.CdsHooks;

/// <summary>A validated CDS Hooks service request with its FHIR content parsed once.</summary>
internal sealed record HookRequest(
    string Hook,
    string HookInstance,
    Uri? FhirServer,
    FhirAuthorization? FhirAuthorization,
    HookContext Context,
    IReadOnlyDictionary<string, PrefetchValue> Prefetch,
    IReadOnlyList<FhirParseIssue> ParseIssues)
{
    /// <summary>The request's top-level <c>extension</c> members (for example <c>davinci-crd.configuration</c>).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Extensions { get; init; } =
        new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Tolerated parse issues beyond those in <see cref="ParseIssues"/>: counted, not kept.</summary>
    public int SuppressedParseIssues { get; init; }
}

/// <summary>
/// The hook context: its primitive fields (usable as prefetch tokens) and its FHIR resources
/// (for order-sign, <c>draftOrders</c>).
/// </summary>
internal sealed record HookContext(
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, Resource> Resources)
{
    public string? PatientId => Fields.GetValueOrDefault("patientId");

    public string? UserId => Fields.GetValueOrDefault("userId");

    public Bundle? DraftOrders => Resources.GetValueOrDefault("draftOrders") as Bundle;
}

/// <summary>One prefetch value as the client sent it. A key the client left out is simply not in the map.</summary>
internal abstract record PrefetchValue
{
    /// <summary>JSON <c>null</c>: the client looked and there is no such data.</summary>
    public sealed record NoData : PrefetchValue;

    public sealed record Data(Resource Resource) : PrefetchValue;

    /// <summary>The client could not fill the template and said why; treat it as missing.</summary>
    public sealed record Failed(OperationOutcome Outcome) : PrefetchValue;
}

/// <summary>
/// <c>fhirAuthorization</c>. The access token is a transient secret: it is only ever handed to the FHIR client,
/// and <see cref="ToString"/> never prints it, so a stray log statement cannot leak it.
/// </summary>
internal sealed class FhirAuthorization(string? accessToken, string? tokenType, string? scope, string? subject, string? patient)
{
    /// <summary>The bearer token, or null when the client sent none (an empty string counts as none).</summary>
    public string? AccessToken { get; } = string.IsNullOrEmpty(accessToken) ? null : accessToken;

    public string? TokenType { get; } = tokenType;

    public string? Scope { get; } = scope;

    public string? Subject { get; } = subject;

    public string? Patient { get; } = patient;

    public override string ToString() => $"FhirAuthorization {{ token: {(AccessToken is null ? "none" : "redacted")}, scope: {Scope} }}";
}
