using CdsService.PatientRecords;
using Hl7.Fhir.Model;

namespace CdsService.Policies;

/// <summary>
/// The prescriber's answers to a policy questionnaire (DTR-style): the most recent completed or amended
/// QuestionnaireResponse for this patient whose <c>questionnaire</c> is the policy's canonical URL.
/// </summary>
internal sealed class Attestations
{
    private readonly QuestionnaireResponse? _response;

    private Attestations(QuestionnaireResponse? response) => _response = response;

    /// <summary>The response the answers come from, as <c>QuestionnaireResponse/id</c>.</summary>
    public string? Reference => _response is null ? null : $"QuestionnaireResponse/{_response.Id}";

    /// <summary>When the prescriber signed the answers.</summary>
    public DateTimeOffset? Authored => Fhir.FhirDates.Parse(_response?.Authored);

    public static Attestations From(PatientRecord record, string canonical)
    {
        var response = record.QuestionnaireResponses
            .Where(q => q.Status is QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended)
            .Where(q => SameCanonical(q.Questionnaire, canonical))
            .OrderByDescending(q => Fhir.FhirDates.Parse(q.Authored) ?? DateTimeOffset.MinValue)
            .FirstOrDefault();
        return new Attestations(response);
    }

    /// <summary>The boolean answer to an item, or null when it was not answered.</summary>
    public bool? Boolean(string linkId) =>
        Find(_response?.Item, linkId)?.Answer.Select(a => a.Value).OfType<FhirBoolean>().FirstOrDefault()?.Value;

    private static QuestionnaireResponse.ItemComponent? Find(IEnumerable<QuestionnaireResponse.ItemComponent>? items, string linkId)
    {
        foreach (var item in items ?? [])
        {
            if (item.LinkId == linkId)
            {
                return item;
            }

            var nested = Find(item.Item, linkId) ?? Find(item.Answer.SelectMany(a => a.Item), linkId);
            if (nested is not null)
            {
                return nested;
            }
        }

        return null;
    }

    // A canonical may carry a |version suffix; any version of the policy questionnaire is accepted.
    private static bool SameCanonical(string? value, string canonical) =>
        value is not null && (value == canonical || value.StartsWith(canonical + "|", StringComparison.Ordinal));
}
