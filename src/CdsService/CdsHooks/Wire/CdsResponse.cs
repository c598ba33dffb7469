using Hl7.Fhir.Model;

namespace CdsService.CdsHooks.Wire;

/// <summary>
/// A service response. <see cref="Cards"/> is always present (an empty array means "no guidance");
/// every other collection is null rather than empty, because CDS Hooks forbids empty JSON values.
/// </summary>
internal sealed record CdsResponse(IReadOnlyList<Card> Cards, IReadOnlyList<CdsAction>? SystemActions = null)
{
    public static readonly CdsResponse Empty = new([]);
}

internal sealed record Card(
    string Summary,
    string Indicator,
    CardSource Source,
    string? Uuid = null,
    string? Detail = null,
    IReadOnlyList<Suggestion>? Suggestions = null,
    string? SelectionBehavior = null,
    IReadOnlyList<CdsCoding>? OverrideReasons = null,
    IReadOnlyList<Link>? Links = null,
    IReadOnlyDictionary<string, object>? Extension = null);

internal sealed record CardSource(string Label, string? Url = null, string? Icon = null, CdsCoding? Topic = null);

/// <summary>The CDS Hooks Coding: <c>display</c> is required for override reasons, optional elsewhere.</summary>
internal sealed record CdsCoding(string System, string Code, string? Display = null);

internal sealed record Suggestion(string Label, string? Uuid = null, bool? IsRecommended = null, IReadOnlyList<CdsAction>? Actions = null);

internal sealed record CdsAction(string Type, string Description, Resource? Resource = null, string? ResourceId = null);

internal sealed record Link(string Label, string Url, string Type, string? AppContext = null);

internal static class Indicators
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Critical = "critical";
}
