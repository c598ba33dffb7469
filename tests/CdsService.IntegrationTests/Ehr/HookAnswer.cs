using System.Net;
using System.Text.Json;
using CdsService.IntegrationTests.Fixtures;
using WireMock;

namespace CdsService.IntegrationTests.Ehr;

/// <summary>The parts of a CDS Hooks answer the EHR-fetch tests look at.</summary>
internal sealed record HookAnswer(HttpStatusCode Status, JsonElement Body)
{
    private const string CoverageInformation = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";

    public static async Task<HookAnswer> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new HookAnswer(response.StatusCode, document.RootElement.Clone());
    }

    public IEnumerable<string> CardSummaries => Body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("summary").GetString()!);

    public bool SaysRecordIncomplete => CardSummaries.Any(s => s.Contains("could not be fully read", StringComparison.Ordinal));

    public string? RecordIncompleteDetail => Body.GetProperty("cards").EnumerateArray()
        .Where(c => c.GetProperty("summary").GetString()!.Contains("could not be fully read", StringComparison.Ordinal))
        .Select(c => c.GetProperty("detail").GetString())
        .FirstOrDefault();

    public string Criterion(string id) => Body.GetProperty("cards").EnumerateArray()
        .SelectMany(CardAssertions.Criteria)
        .First(c => c.GetProperty("id").GetString() == id)
        .GetProperty("status").GetString()!;

    /// <summary>The coverage-information sub-extensions of the first system action: url to value (code or coding codes).</summary>
    public IReadOnlyDictionary<string, string> Coverage()
    {
        var extension = Body.GetProperty("systemActions")[0].GetProperty("resource").GetProperty("extension").EnumerateArray()
            .Single(e => e.GetProperty("url").GetString() == CoverageInformation);
        return extension.GetProperty("extension").EnumerateArray().ToDictionary(
            e => e.GetProperty("url").GetString()!,
            e => e.TryGetProperty("valueCode", out var code) ? code.GetString()!
                : e.TryGetProperty("valueCodeableConcept", out var concept) && concept.TryGetProperty("coding", out var codings)
                    ? string.Join(",", codings.EnumerateArray().Select(c => c.GetProperty("code").GetString()))
                    : "");
    }
}

internal static class SentRequests
{
    /// <summary>"GET /path?query" as WireMock received it.</summary>
    public static string Line(this IRequestMessage request)
    {
        var query = request.RawQuery ?? "";
        return $"{request.Method} {request.Path}{(query.Length == 0 || query.StartsWith('?') ? query : "?" + query)}";
    }

    public static string? Header(this IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values
            ? string.Join(",", values)
            : null;
}
