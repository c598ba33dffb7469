namespace CdsService.Fhir;

/// <summary>
/// The tolerated issues of one request (or one FHIR-server read) as one log line: how many, each code with its count,
/// and the first path. A body of 100,000 empty entries is one warning, not 100,000.
/// </summary>
internal sealed record ToleratedFhirSummary(int Count, string Codes, string FirstPath)
{
    public static ToleratedFhirSummary? Of(IReadOnlyCollection<FhirParseIssue> issues, int suppressed)
    {
        if (issues.Count == 0 && suppressed == 0)
        {
            return null;
        }

        var codes = string.Join(", ", issues.GroupBy(i => i.Code, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));
        if (suppressed > 0)
        {
            codes += $", {suppressed} more not itemised";
        }

        return new ToleratedFhirSummary(issues.Count + suppressed, codes, issues.FirstOrDefault()?.Path ?? "");
    }
}
