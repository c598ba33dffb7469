using System.Text.Json;
using System.Text.RegularExpressions;
using CdsService.IntegrationTests.Fixtures;
using Markdig;

namespace CdsService.IntegrationTests.Scenarios;

/// <summary>
/// For every fhir-examples scenario: the summary's count, its checklist and the other cards agree, nothing says
/// "submit" while anything is open, and no card shows a clinician a FHIR id or a criterion id.
/// </summary>
public sealed partial class CardConsistencyTests(CdsAppFixture fixture) : IClassFixture<CdsAppFixture>
{
    private static readonly string[] CriterionIds =
    [
        "b-all-diagnosis", "relapsed-or-refractory", "cd22-positive", "ph-tki-history", "lft-monitoring",
        "vod-monitoring", "no-alkylating-conditioning", "no-progression", "no-unacceptable-toxicity",
    ];

    private static readonly Dictionary<string, string> Words = new()
    {
        ["met"] = "Met",
        ["not-met"] = "Not met",
        ["unknown"] = "Needs documentation",
        ["not-applicable"] = "Not applicable",
    };

    public static TheoryData<string> Scenarios() => [.. Scenario.All()];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_summary_count_the_checklist_and_the_other_cards_agree(string name)
    {
        var cards = await CardsAsync(name);
        if (cards.Count == 0)
        {
            return;
        }

        var summary = cards.Single(c => c.GetProperty("extension").TryGetProperty("com.priorauth.approval", out _));
        var statuses = CardAssertions.Criteria(summary).ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString()!);
        var text = summary.GetProperty("summary").GetString()!;
        var detail = summary.GetProperty("detail").GetString()!;

        // The checklist shows every criterion once, each status in words.
        foreach (var (literal, word) in Words)
        {
            Assert.Equal(statuses.Values.Count(s => s == literal), Regex.Count(detail, $"^- \\*\\*{word}\\*\\*:", RegexOptions.Multiline));
        }

        var applicable = statuses.Values.Count(s => s != "not-applicable");
        Assert.Contains($"({applicable} criteri", detail, StringComparison.Ordinal);
        var suggested = cards.Sum(c => c.TryGetProperty("suggestions", out var s) ? s.GetArrayLength() : 0);
        var open = statuses.Values.Any(s => s is "unknown" or "not-met") || suggested > 0;
        var hardStop = cards.Any(c => c.GetProperty("indicator").GetString() == "critical");
        if (hardStop)
        {
            Assert.Contains($"({statuses.Values.Count(s => s == "not-met")} of {applicable} criteria not met)", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(statuses.Values.Count(s => s == "unknown"), Number(DocumentationCount(), text));
            Assert.Equal(statuses.Values.Count(s => s == "not-met"), Number(RequirementCount(), text));
            Assert.Equal(suggested, Number(TestCount(), text));
        }

        foreach (var card in cards)
        {
            foreach (var entry in CardAssertions.Criteria(card))
            {
                Assert.Equal(statuses[entry.GetProperty("id").GetString()!], entry.GetProperty("status").GetString());
            }

            if (open)
            {
                Assert.DoesNotContain("submit", card.GetProperty("summary").GetString(), StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("Submit the", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        // No two cards say the same thing.
        Assert.Equal(cards.Count, cards.Select(c => c.GetProperty("summary").GetString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task No_card_shows_a_FHIR_id_or_a_criterion_id_to_the_clinician(string name)
    {
        foreach (var card in await CardsAsync(name))
        {
            // What a person reads: the summary and the detail as rendered (link targets are not shown).
            var shown = card.GetProperty("summary").GetString() + "\n"
                + Markdown.ToPlainText(card.GetProperty("detail").GetString()!, new MarkdownPipelineBuilder().UseAdvancedExtensions().Build());
            Assert.False(FhirId().IsMatch(shown), $"{name}: a FHIR id is shown: {FhirId().Match(shown).Value}");
            Assert.DoesNotContain("`", card.GetProperty("detail").GetString(), StringComparison.Ordinal);
            foreach (var id in CriterionIds)
            {
                Assert.DoesNotContain(id, shown, StringComparison.Ordinal);
            }
        }
    }

    private async Task<List<JsonElement>> CardsAsync(string name)
    {
        using var response = await fixture.App.PostJsonAsync(CdsApp.BesponsaService, Scenario.Load(name).Request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("cards", out var cards) ? [.. cards.EnumerateArray().Select(c => c.Clone())] : [];
    }

    private static int Number(Regex pattern, string text) =>
        pattern.Match(text) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"(\d+) items? needs? documentation")]
    private static partial Regex DocumentationCount();

    [GeneratedRegex(@"(\d+) requirements? not met")]
    private static partial Regex RequirementCount();

    [GeneratedRegex(@"(\d+) tests? to order")]
    private static partial Regex TestCount();

    [GeneratedRegex(@"\b(Patient|Practitioner|PractitionerRole|Condition|Observation|Medication|MedicationRequest|MedicationStatement|MedicationAdministration|Procedure|QuestionnaireResponse|Coverage|ServiceRequest|Encounter|Organization)/[A-Za-z0-9\-.]+")]
    private static partial Regex FhirId();
}
